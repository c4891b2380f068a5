/* The organisations a referral pathway is reserved for (the service form): a search field
   above the ticked organisations asks the admin's organisation search as the editor types;
   choosing one adds it, ticked. Unticking removes it when the form is saved. Text is set as
   text, never as HTML. Without JavaScript the ticked ones can still be unticked. */
(function () {
  "use strict";
  function init(picker) {
    if (picker.dataset.ready) return;
    picker.dataset.ready = "1";
    var input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    input.placeholder = picker.dataset.searchLabel || "";
    input.setAttribute("aria-label", picker.dataset.searchLabel || "");
    var list = document.createElement("ul");
    list.className = "brug-organisation-picker__options";
    list.hidden = true;
    picker.insertBefore(list, picker.firstChild);
    picker.insertBefore(input, list);
    var timer = null;
    var asked = 0;

    function ticked(id) {
      return Array.prototype.some.call(
        picker.querySelectorAll("input[type=checkbox]"),
        function (box) { return box.value === String(id); }
      );
    }

    function add(result) {
      list.hidden = true;
      input.value = "";
      if (ticked(result.id)) return;
      var row = document.createElement("div");
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = picker.dataset.name;
      box.value = String(result.id);
      box.checked = true;
      label.append(box, " ", result.title);
      row.appendChild(label);
      picker.appendChild(row);
    }

    function show(results) {
      list.replaceChildren();
      results.forEach(function (result) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button-small button-secondary";
        button.textContent = result.title;
        button.addEventListener("click", function () { add(result); });
        item.appendChild(button);
        list.appendChild(item);
      });
      list.hidden = results.length === 0;
    }

    function search() {
      var words = input.value.trim();
      if (words.length < 2) { show([]); return; }
      var mine = ++asked;
      fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(words), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (answer) { if (mine === asked) show(answer.results || []); })
        .catch(function () { show([]); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    // Enter in the search field must not submit the page form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }
  function initAll() {
    document.querySelectorAll("[data-brug-organisation-picker]").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
