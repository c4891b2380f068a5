/* A location's point in the admin: a small map with a draggable pin bound to the latitude
   and longitude fields. Moving the pin (or clicking the map) sets the precision to
   "manual", so saving keeps the editor's pin instead of geocoding the address again. */
(function () {
  "use strict";
  function init(picker) {
    if (picker.dataset.ready || !window.L) return;
    picker.dataset.ready = "1";
    var form = picker.closest("form");
    var lat = form.querySelector('input[name="latitude"]');
    var lon = form.querySelector('input[name="longitude"]');
    var precision = form.querySelector('select[name="coordinate_precision"]');
    if (!lat || !lon) return;
    var box = picker.querySelector(".brug-point-picker__map");
    var map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer(picker.dataset.tileUrl, {
      attribution: picker.dataset.tileAttribution,
      maxZoom: 19,
    }).addTo(map);
    var marker = null;

    function point() {
      var a = parseFloat(lat.value.replace(",", "."));
      var b = parseFloat(lon.value.replace(",", "."));
      return isNaN(a) || isNaN(b) ? null : L.latLng(a, b);
    }
    function place(latlng, byHand) {
      if (!marker) {
        // A CSS pin: Leaflet's image icons lose their path under hashed static file names.
        var icon = L.divIcon({
          className: "brug-admin-pin",
          html: document.createElement("span"),
          iconSize: [28, 28],
          iconAnchor: [14, 28],
        });
        marker = L.marker(latlng, { draggable: true, keyboard: true, icon: icon }).addTo(map);
        marker.on("dragend", function () {
          place(marker.getLatLng(), true);
        });
      }
      marker.setLatLng(latlng);
      if (byHand) {
        lat.value = latlng.lat.toFixed(6);
        lon.value = latlng.lng.toFixed(6);
        if (precision) precision.value = "manual";
      }
    }
    var start = point();
    if (start) {
      map.setView(start, 16);
      place(start, false);
    } else {
      map.setView([50.85, 4.35], 8); // Belgium, until there is a point
    }
    map.on("click", function (event) {
      place(event.latlng, true);
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var typed = point();
        if (typed) {
          place(typed, false);
          map.setView(typed, Math.max(map.getZoom(), 15));
        }
      });
    });
    // The panel may have been hidden (collapsed or another tab) when the map was made.
    new ResizeObserver(function () {
      map.invalidateSize();
    }).observe(box);
  }
  function initAll() {
    document.querySelectorAll(".brug-point-picker").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
