/* The map beside the results. folium has built the Leaflet map (a global named in
   data-brug-map); this fits it to the search's area (data-fit), draws the first markers and
   clusters from the page (#map-features: the answer of the search that filled the list), and
   when the visitor moves or zooms the map, searches that area: markers from /api/v1/map, the
   list following (?partial=results) and the address bar keeping the area, without
   reloading the page. No request is sent twice for the same area. Everything the popups say comes from the page (#map-vocabulary), in
   the visitor's language; text is set as text, never as HTML. */
(function () {
  "use strict";
  var frame = document.querySelector("[data-brug-map]");
  if (!frame || !window.L) return;
  var map = window[frame.dataset.brugMap];
  if (!map) return;
  var vocabulary = JSON.parse(document.getElementById("map-vocabulary").textContent);
  var texts = vocabulary.texts;
  var status = document.querySelector("[data-map-status]");
  var results = document.getElementById("results");
  var form = document.getElementById("search-form");
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(frame.dataset.lang) : null;
  // Leaflet names its zoom buttons in English: name them in the page's language.
  [
    [".leaflet-control-zoom-in", texts.zoom],
    [".leaflet-control-zoom-out", texts.zoom_out],
  ].forEach(function (pair) {
    var button = frame.querySelector(pair[0]);
    if (button && pair[1]) {
      button.setAttribute("title", pair[1]);
      button.setAttribute("aria-label", pair[1]);
    }
  });
  /* "5 services here", in the plural form the language uses for that count. */
  function servicesHere(count) {
    var forms = vocabulary.services_here;
    return format((plurals && forms[plurals.select(count)]) || forms.other, { count: count });
  }
  // A marker icon named for screen readers: a cluster shows only its count.
  var NamedIcon = L.DivIcon.extend({
    createIcon: function (oldIcon) {
      var icon = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      icon.setAttribute("aria-label", this.options.label);
      return icon;
    },
  });
  function clusterIcon(count) {
    var size = count < 10 ? 36 : count < 100 ? 44 : 54;
    return new NamedIcon({
      className: "brug-cluster",
      html: element("span", "", String(Number(count))),
      iconSize: [size, size],
      label: servicesHere(count),
    });
  }
  // Markers close together (several services at one address) group in the browser too,
  // drawn like the server's clusters.
  var markers = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 40,
    spiderfyOnMaxZoom: true,
    iconCreateFunction: function (group) {
      return clusterIcon(group.getChildCount());
    },
  });
  var cells = L.layerGroup();
  L.control.scale({ imperial: false }).addTo(map);
  map.addLayer(markers);
  map.addLayer(cells);
  var pending = null;
  var listPending = null;
  var lastMarkers = null; // the last map API and list addresses asked for
  var lastList = null;

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key];
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function areaParameter() {
    var bounds = map.getBounds();
    var clamp = function (value, limit) {
      return Math.max(-limit, Math.min(limit, value)).toFixed(5);
    };
    return [
      clamp(bounds.getWest(), 180),
      clamp(bounds.getSouth(), 85),
      clamp(bounds.getEast(), 180),
      clamp(bounds.getNorth(), 85),
    ].join(",");
  }

  /* The page's own search, without what the map itself decides. */
  function searchParameters(moved) {
    var params = new URLSearchParams(window.location.search);
    ["bbox", "page", "partial", "zoom"].forEach(function (name) {
      params.delete(name);
    });
    if (moved) params.delete("radius_km"); // the visible area replaces the circle
    return params;
  }

  function popup(properties) {
    var box = element("div", "map-popup");
    var title = element("h3", "map-popup__title");
    var link = element("a", "", properties.name);
    link.href = frame.dataset.serviceUrl + properties.id + "/";
    title.appendChild(link);
    box.appendChild(title);
    if (properties.org) box.appendChild(element("p", "map-popup__org", properties.org));
    var needs = element("ul", "map-popup__needs");
    properties.needs.forEach(function (slug) {
      var need = vocabulary.needs[slug];
      if (!need) return;
      var item = element("li", "need-chip");
      var icon = element("img");
      icon.src = need.icon;
      icon.alt = "";
      icon.width = 24;
      icon.height = 24;
      item.appendChild(icon);
      item.appendChild(document.createTextNode(" " + need.label));
      needs.appendChild(item);
    });
    if (needs.children.length) box.appendChild(needs);
    var facts = element("ul", "facts");
    facts.appendChild(
      element(
        "li",
        "status " +
          (properties.open
            ? "status--open"
            : properties.appointment
              ? "status--appointment"
              : "status--closed"),
        properties.open ? texts.open : properties.appointment ? texts.appointment : texts.closed
      )
    );
    if (properties.km !== null && properties.km !== undefined) {
      facts.appendChild(element("li", "", format(texts.km, { km: properties.km })));
    }
    if (properties.accepting) facts.appendChild(element("li", "", texts.accepting));
    if (properties.waiting_weeks !== null && properties.waiting_weeks !== undefined) {
      var weeks = Number(properties.waiting_weeks);
      var waiting = (plurals && vocabulary.waiting[plurals.select(weeks)]) || vocabulary.waiting.other;
      facts.appendChild(element("li", "", format(waiting, { weeks: weeks })));
    }
    if (properties.interpreter) facts.appendChild(element("li", "", texts.interpreter));
    var languages = properties.langs
      .map(function (code) {
        return vocabulary.languages[code] || code;
      })
      .join(", ");
    if (languages) facts.appendChild(element("li", "", texts.languages + " " + languages));
    box.appendChild(facts);
    var more = element("a", "map-popup__more", texts.details);
    more.href = link.href;
    box.appendChild(more);
    if (properties.refer && frame.dataset.referUrl) {
      // Signed-in coaches: start a warm referral to this service.
      var refer = element("a", "map-popup__refer button", texts.refer);
      var referParams = new URLSearchParams({ service: properties.id });
      searchParameters(false).getAll("need").forEach(function (need) {
        referParams.append("need", need); // the form opens with the search's topics
      });
      refer.href = frame.dataset.referUrl + "?" + referParams.toString();
      box.appendChild(refer);
    }
    return box;
  }

  function pin(properties) {
    return L.divIcon({
      className: "brug-pin" + (properties.open ? " brug-pin--open" : ""),
      html: element("span"),
      iconSize: [28, 28],
      iconAnchor: [14, 28],
      popupAnchor: [0, -26],
    });
  }

  function cluster(feature) {
    var count = feature.properties.count;
    var marker = L.marker(L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]), {
      icon: clusterIcon(count),
      title: servicesHere(count) + " · " + texts.zoom,
      keyboard: true,
    });
    marker.on("click", function () {
      var box = feature.properties.bbox;
      map.fitBounds([
        [box[1], box[0]],
        [box[3], box[2]],
      ]);
    });
    return marker;
  }

  /* Keyboard use of popups: an opened popup takes the focus (its link, not the end of the
     page after every marker); Escape or its close button gives the focus back to the marker
     or cluster that opened it. */
  var opener = null;
  function focusPopup(layer) {
    layer.on("popupopen", function (event) {
      opener = layer;
      var box = event.popup.getElement();
      var close = box.querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", texts.close); // Leaflet's is in English
      var link = box.querySelector(".leaflet-popup-content a");
      if (link) link.focus({ preventScroll: true });
    });
    layer.on("popupclose", function (event) {
      var box = event.popup.getElement();
      var active = document.activeElement;
      var inside = !active || active === document.body || (box && box.contains(active));
      var icon = layer.getElement && layer.getElement();
      // Only when the focus was in the popup: a click elsewhere keeps its own focus.
      if (opener === layer && inside && icon) icon.focus({ preventScroll: true });
      if (opener === layer) opener = null;
    });
  }
  frame.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target.closest && event.target.closest(".leaflet-popup")) {
      map.closePopup();
    }
  });

  function draw(collection) {
    markers.clearLayers();
    cells.clearLayers();
    var points = [];
    collection.features.forEach(function (feature) {
      if (feature.properties.cluster) {
        cells.addLayer(cluster(feature));
        return;
      }
      var where = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
      if (feature.properties.area) {
        // A confidential location: only its municipality is known, so an area, not a pin.
        var circle = L.circle(where, {
          radius: feature.properties.radius_m || 2500,
          className: "brug-area",
          color: "#7a3e9d",
          weight: 1,
          fillOpacity: 0.15,
        });
        // Leaflet inserts a string as HTML: the service's name goes in as text.
        circle.bindTooltip(element("span", "", feature.properties.name + " · " + texts.area));
        circle.bindPopup(function () {
          var box = popup(feature.properties);
          box.insertBefore(element("p", "map-popup__area", texts.area), box.children[1]);
          return box;
        });
        focusPopup(circle);
        cells.addLayer(circle);
        return;
      }
      var marker = L.marker(where, {
        icon: pin(feature.properties),
        title: feature.properties.name,
        keyboard: true,
      });
      marker.bindPopup(function () {
        return popup(feature.properties);
      });
      focusPopup(marker);
      points.push(marker);
    });
    markers.addLayers(points);
    var message = format(texts.count, { count: collection.services });
    if (collection.truncated) message += " " + texts.truncated;
    status.textContent = message;
  }

  function loadMarkers(moved) {
    var params = searchParameters(moved);
    params.set("bbox", areaParameter());
    params.set("zoom", String(map.getZoom()));
    if (!params.get("lang")) params.set("lang", frame.dataset.lang);
    var address = frame.dataset.api + "?" + params.toString();
    if (address === lastMarkers) return;
    lastMarkers = address;
    if (pending) pending.abort();
    pending = new AbortController();
    status.textContent = texts.loading;
    fetch(address, {
      signal: pending.signal,
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(draw)
      .catch(function (error) {
        if (error.name === "AbortError") return;
        lastMarkers = null; // a failed answer may be asked for again
        status.textContent = texts.failed;
      });
  }

  /* The list follows the map: the same search in the visible area. */
  function loadList() {
    var params = searchParameters(true);
    params.set("bbox", areaParameter());
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + "?" + query);
    var radius = document.getElementById("radius");
    if (radius) radius.value = "";
    if (form) {
      var input = form.querySelector('input[type="hidden"][name="bbox"]');
      if (!input) {
        input = element("input");
        input.type = "hidden";
        input.name = "bbox";
        form.appendChild(input);
      }
      input.value = params.get("bbox");
    }
    var address = window.location.pathname + "?" + query + "&partial=results";
    if (address === lastList) return;
    lastList = address;
    if (listPending) listPending.abort();
    listPending = new AbortController();
    fetch(address, {
      signal: listPending.signal,
    })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        // This server's own results template (auto-escaped), the same list the page shows
        // without JavaScript; the CSP blocks any inline script or handler in it.
        results.innerHTML = html;
      })
      .catch(function (error) {
        if (error.name !== "AbortError") lastList = null;
      });
  }

  // start() sets the view to the search (folium's script only centred it); every later move
  // is the visitor's (dragging, zooming, opening a cluster).
  // On a phone the search page hides its map: draw the markers once the map can be seen.
  var started = false;
  // Leaflet follows a window resize (a phone turned, a toolbar shown) with a late "moveend":
  // not the visitor's move either.
  var resized = false;
  map.on("resize", function () {
    resized = true;
  });
  function start() {
    if (started || !frame.offsetWidth || !frame.offsetHeight) return;
    // The map may have been drawn before the page's layout settled; fitting it to its frame
    // (keeping its centre) is not the visitor moving it, so it must not turn the search into
    // an area search.
    map.invalidateSize();
    // Fitted without animation: its "moveend" comes now, before `started`, not later as if
    // the visitor had moved the map.
    if (frame.dataset.fit) map.fitBounds(JSON.parse(frame.dataset.fit), { animate: false });
    resized = false;
    started = true;
    // The page's markers are clustered for a laptop-sized map: a phone's map, fitted to the
    // same area, shows a lower zoom, where they would overlap; then the API clusters anew.
    var first = document.getElementById("map-features");
    var features = first ? JSON.parse(first.textContent) : null;
    if (features && map.getZoom() === Number(frame.dataset.zoom)) draw(features);
    else loadMarkers(false);
  }
  map.whenReady(start);
  if (form) {
    // A place typed in the form (or a new radius) replaces the area the map showed.
    ["near", "radius"].forEach(function (id) {
      var field = document.getElementById(id);
      if (!field) return;
      var dropArea = function () {
        var input = form.querySelector('input[type="hidden"][name="bbox"]');
        if (input) input.remove();
      };
      field.addEventListener("input", dropArea);
      field.addEventListener("change", dropArea);
    });
  }
  if (window.ResizeObserver) new ResizeObserver(start).observe(frame);
  var panningForPopup = false;
  map.on("autopanstart", function () {
    panningForPopup = true; // a popup making room for itself is not a new search
  });
  map.on("moveend", function () {
    if (!started) return;
    if (panningForPopup || resized) {
      panningForPopup = resized = false;
      return;
    }
    loadMarkers(true);
    loadList();
  });
})();
