/* "Use my location" beside the place box: the browser asks for the location only when the
   visitor presses the button; the search is then sent again around that point. Typing a
   place instead forgets an earlier point or map area, so the map re-centres on it. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var near = document.getElementById("near");
  if (!form || !near) return;

  function hidden(name, value) {
    var input = form.querySelector('input[type="hidden"][name="' + name + '"]');
    if (value === null) {
      if (input) input.remove();
      return;
    }
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  near.addEventListener("input", function () {
    hidden("lat", null);
    hidden("lon", null);
    hidden("bbox", null);
    // Around a place, nearest first is what a visitor expects.
    var sort = document.getElementById("sort");
    if (sort && near.value.trim()) sort.value = "distance";
  });

  var button = document.querySelector("[data-locate]");
  var status = document.querySelector("[data-locate-status]");
  if (!button || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        near.value = "";
        hidden("lat", position.coords.latitude.toFixed(5));
        hidden("lon", position.coords.longitude.toFixed(5));
        hidden("bbox", null);
        var radius = document.getElementById("radius");
        if (radius && !radius.value) radius.value = "10";
        var sort = document.getElementById("sort");
        if (sort) sort.value = "distance";
        form.submit();
      },
      function () {
        button.disabled = false;
        if (status) status.textContent = button.dataset.failed || "";
      },
      { timeout: 10000, maximumAge: 60000 }
    );
  });
})();
