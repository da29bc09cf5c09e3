/* Suggestions under the search boxes marked data-suggest="<endpoint>": an ARIA 1.2 combobox with a listbox.
   Arrow keys move through the suggestions, Enter opens the one chosen (or searches what was typed), Escape
   closes the list. Without this script the boxes are plain search boxes. No inline style or handler (CSP). */
(function () {
  "use strict";
  var DELAY = 120;  // ms after the last keystroke: one request per pause, not one per character
  var counter = 0;

  function enhance(input) {
    counter += 1;
    var host = input.parentNode;
    var list = document.createElement("ul");
    var status = document.createElement("span");
    var timer = null, request = null, items = [], active = -1, lastQuery = null;

    list.id = "suggest-" + counter;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "搜索建议");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    host.classList.add("suggest-host");
    host.appendChild(list);
    host.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      var options = list.children;
      if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
      active = index;
      if (index < 0) { input.removeAttribute("aria-activedescendant"); return; }
      options[index].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function span(className, text) {
      var element = document.createElement("span");
      element.className = className;
      element.textContent = text;
      return element;
    }

    function show(found) {
      items = found;
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      for (var i = 0; i < found.length; i++) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.className = "suggest__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-index", String(i));
        option.appendChild(span("suggest__text", found[i].text));
        option.appendChild(span("suggest__meta", found[i].label + (found[i].hint ? " · " + found[i].hint : "")));
        list.appendChild(option);
      }
      status.textContent = found.length ? found.length + " 条建议，用上下方向键选择" : "";
      if (!found.length) { close(); return; }
      // Under the box itself, whatever else shares its line (CSSOM, which the CSP allows).
      list.style.left = input.offsetLeft + "px";
      list.style.width = input.offsetWidth + "px";
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) { if (items.length) { show(items); } return; }
      lastQuery = query;
      if (request) { request.abort(); }
      if (!query) { items = []; close(); status.textContent = ""; return; }
      request = new AbortController();
      fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(query),
            { signal: request.signal, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (document.activeElement === input) { show(data.suggestions || []); } })
        .catch(function () { /* aborted by the next keystroke, or offline: the box still searches */ });
    }

    function go(index) {
      close();
      window.location.assign(items[index].url);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) { lastQuery = null; fetchSuggestions(); event.preventDefault(); return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= items.length) { next = -1; } else if (next < -1) { next = items.length - 1; }
        choose(next);  // -1: back in the box, as typed
        event.preventDefault();
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        go(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", close);

    // mousedown, not click: the box keeps its focus, so blur does not close the list first.
    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      event.preventDefault();
      if (option) { go(Number(option.getAttribute("data-index"))); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var inputs = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < inputs.length; i++) { enhance(inputs[i]); }
  });
})();
