/* A search-as-you-type field over the services' select of the referral forms (new referral,
   redirect). It asks the product's own search (/api/v1/services) as the coach types and shows,
   for each service that accepts referrals, its capacity, the languages spoken and whether an
   interpreter can join; choosing one puts its key in the select, which the form sends.
   Without JavaScript the select itself is the field. Text is set as text, never as HTML. */
(function () {
  "use strict";
  var source = document.getElementById("service-picker-config");
  if (!source) return;
  var config = JSON.parse(source.textContent);

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function enhance(select) {
    var box = element("div", "brug-picker");
    var input = element("input", "brug-picker__input");
    input.type = "search";
    input.id = select.id + "-search";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.placeholder = config.label;
    // The field's own label names the search field; the select stays as what the form sends.
    var label = document.querySelector("label[for='" + select.id + "']");
    if (label) label.htmlFor = input.id;
    select.hidden = true;
    var list = element("ul", "brug-picker__options");
    list.id = select.id + "-options";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    var status = element("p", "brug-picker__status");
    status.setAttribute("role", "status");
    box.append(input, list, status);
    if (select.selectedIndex > 0) status.textContent = select.options[select.selectedIndex].textContent;
    select.insertAdjacentElement("afterend", box);
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function choose(result) {
      var option = Array.prototype.find.call(select.options, function (o) {
        return o.value === result.id;
      });
      if (!option) {
        // Worded as the select's own options (ServiceChoiceField): the waiting time and an
        // interpreter where the service has them.
        var words = [result.name + " – " + result.organisation];
        if (result.capacity === "waiting_list" && result.waiting_weeks !== null) words.push(result.capacity_label);
        if (result.interpreter) words.push(config.interpreter);
        option = new Option(words.join(" · "), result.id);
        select.add(option);
      }
      select.value = result.id;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = result.name;
      status.textContent = option.textContent;
      close();
    }

    function candidate(result) {
      var item = element("li", "brug-picker__option");
      item.setAttribute("role", "option");
      item.tabIndex = -1;
      item.dataset.key = result.id;
      item.appendChild(element("strong", "", result.name));
      item.appendChild(document.createTextNode(" – " + result.organisation));
      var facts = [result.capacity_label];
      if (result.language_names.length) {
        facts.push(config.languages + " " + result.language_names.join(", "));
      }
      if (result.interpreter) facts.push(config.interpreter);
      item.appendChild(element("span", "brug-picker__facts capacity--" + result.capacity, facts.join(" · ")));
      item.addEventListener("click", function () {
        choose(result);
      });
      item.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          choose(result);
        } else if (event.key === "ArrowDown" && item.nextElementSibling) {
          item.nextElementSibling.focus();
        } else if (event.key === "ArrowUp") {
          (item.previousElementSibling || input).focus();
        } else if (event.key === "Escape") {
          close();
          input.focus();
        }
      });
      return item;
    }

    function search() {
      var words = input.value.trim();
      if (words.length < 2) return close();
      var number = ++asked;
      var params = new URLSearchParams({ q: words, lang: config.lang, page_size: "50" });
      fetch(config.api + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (answer) {
          return answer.ok ? answer.json() : { results: [] };
        })
        .then(function (answer) {
          if (number !== asked) return; // a later search is on its way
          list.replaceChildren();
          answer.results
            .filter(function (result) {
              return result.referrable;
            })
            .slice(0, 10)
            .forEach(function (result) {
              list.appendChild(candidate(result));
            });
          if (!list.children.length) list.appendChild(element("li", "brug-picker__none", config.none));
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !list.hidden && list.firstElementChild) {
        event.preventDefault();
        list.firstElementChild.focus();
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Enter") {
        event.preventDefault(); // Enter searches here, it does not send the form
        search();
      }
    });
  }

  document.querySelectorAll("select[data-service-picker]").forEach(enhance);
})();
