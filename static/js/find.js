/* Stepping through a search's matches in an article (marked on the server: documents/find_in_page.py).
   上一处/下一处 keep the focus on themselves, so that Enter or Space steps on; the keys N and Shift+N (off while
   typing in a field, and gone with 取消高亮) move the focus to the match, so that reading goes on from there.
   The count is announced by the bar's live region. No inline handlers: the CSP allows only this file. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var bar = document.querySelector("[data-find-bar]");
    var status = bar && bar.querySelector("[data-find-status]");
    var hits = [];  // hits[i]: the <mark> parts of match i + 1 (a match crossing a link or bold text has several)
    var marks = document.querySelectorAll("mark.find-hit");
    for (var i = 0; i < marks.length; i++) {
      var index = Number(marks[i].getAttribute("data-hit")) - 1;
      (hits[index] = hits[index] || []).push(marks[i]);
    }
    if (!status || !hits.length) { return; }
    var current = -1;
    var first = bar.querySelector("[data-find-first]");
    if (first) { first.hidden = true; }  // the buttons do more than the link kept for pages without script

    function show(index, focus) {
      if (current >= 0) { setCurrent(hits[current], false); }
      current = (index + hits.length) % hits.length;
      setCurrent(hits[current], true);
      var target = hits[current][0];
      target.scrollIntoView({ block: "center" });
      if (focus) {
        target.setAttribute("tabindex", "-1");
        target.focus({ preventScroll: true });
      }
      announce();
    }

    function step(by) {
      return current < 0 ? (by > 0 ? 0 : hits.length - 1) : current + by;
    }

    function setCurrent(parts, on) {
      for (var j = 0; j < parts.length; j++) { parts[j].classList.toggle("is-current", on); }
    }

    function announce() {
      status.textContent = "第 " + (current + 1) + " / " + hits.length + " 处";
    }

    bar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-find-step]");
      if (button) { show(step(Number(button.getAttribute("data-find-step"))), false); }
    });

    document.addEventListener("keydown", function (event) {
      if (event.key.toLowerCase() !== "n" || event.ctrlKey || event.altKey || event.metaKey || event.isComposing) {
        return;
      }
      var target = event.target;
      if (target.closest && target.closest("input, textarea, select, [contenteditable]")) { return; }
      event.preventDefault();
      show(step(event.shiftKey ? -1 : 1), true);
    });

    // Arriving at a 条 (#第三十二条, from a search result): the match there is the current one, so that 下一处
    // goes on from where the reader is.
    var anchor = null;
    try {
      anchor = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    } catch (e) { /* a malformed address: no 条 to start from */ }
    if (anchor) {
      for (var k = 0; k < hits.length; k++) {
        var mark = hits[k][0];
        if (anchor === mark || anchor.contains(mark) ||
            anchor.compareDocumentPosition(mark) & Node.DOCUMENT_POSITION_FOLLOWING) {
          current = k;
          setCurrent(hits[k], true);
          announce();
          break;
        }
      }
    }
  });
})();
