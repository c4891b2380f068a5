/* The service form's needs: a filter box above the grouped checkboxes. Typing hides the
   needs whose label (or group) does not contain the words, and the groups left empty;
   ticked needs always stay visible. Without JavaScript the grouped checkboxes are all. */
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function init(picker) {
    if (picker.dataset.ready) return;
    picker.dataset.ready = "1";
    var box = document.createElement("div");
    box.className = "brug-need-picker__filter";
    var input = document.createElement("input");
    input.type = "search";
    input.setAttribute("aria-label", picker.dataset.filterLabel || "");
    input.placeholder = picker.dataset.filterLabel || "";
    input.setAttribute("aria-controls", picker.id || "");
    box.appendChild(input);
    picker.insertBefore(box, picker.firstChild);
    var groups = Array.prototype.slice.call(
      picker.querySelectorAll(".brug-need-picker__group")
    );
    function filter() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      groups.forEach(function (group) {
        var legend = fold(group.querySelector("legend").textContent);
        var shown = 0;
        group.querySelectorAll(".brug-need-picker__option").forEach(function (option) {
          var text = legend + " " + fold(option.textContent);
          var ticked = option.querySelector("input").checked;
          var match = words.every(function (word) { return text.indexOf(word) !== -1; });
          option.hidden = !(match || ticked);
          if (!option.hidden) shown += 1;
        });
        group.hidden = shown === 0;
      });
    }
    input.addEventListener("input", filter);
    // Enter in the filter box must not submit the page form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }
  function initAll() {
    document.querySelectorAll("[data-brug-need-picker]").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
