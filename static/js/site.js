/* Font size 大/中/小 (remembered), the print button, the folded table of contents on a phone. No inline handlers:
   the CSP allows only this file. */
(function () {
  "use strict";
  var KEY = "fontSize";
  var SIZES = { large: "font-large", medium: "", small: "font-small" };
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }

  function apply(size) {
    if (!SIZES.hasOwnProperty(size)) { size = "medium"; }
    root.classList.remove("font-large", "font-small");
    if (SIZES[size]) { root.classList.add(SIZES[size]); }
    var buttons = document.querySelectorAll("[data-font-size]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-font-size") === size));
    }
    return size;
  }

  apply(stored());  // before the first paint: this script is in the head

  document.addEventListener("DOMContentLoaded", function () {
    apply(stored());
    var controls = document.querySelectorAll(".js-only");
    for (var i = 0; i < controls.length; i++) { controls[i].hidden = false; }
    // The table of contents sits beside the text on a wide screen; on a middling one it starts folded above it; on
    // a phone it follows the text, open (the article's bar leads there).
    var toc = document.querySelector(".toc__details");
    if (toc && window.matchMedia("(min-width: 40.01rem) and (max-width: 60rem)").matches) { toc.open = false; }
    // A comparison's list of changes opens when short; on a phone it starts folded, the text first.
    var changes = document.querySelector(".comparison__changes");
    if (changes && window.matchMedia("(max-width: 40rem)").matches) { changes.open = false; }
    document.addEventListener("click", function (event) {
      var target = event.target.closest("[data-font-size], [data-print]");
      if (!target) { return; }
      if (target.hasAttribute("data-print")) { window.print(); return; }
      var size = apply(target.getAttribute("data-font-size"));
      try { localStorage.setItem(KEY, size); } catch (e) { /* private mode: size applies to this page only */ }
    });
  });
})();
