/* The managers' figures: a Chart.js chart beside each table, from the same numbers (the JSON
   next to the canvas). A number hidden to protect clients is null in the data and written
   as "< 5" where its bar would stand. Without JavaScript the tables say it all. */
(function () {
  "use strict";
  var COLOURS = ["#007d7e", "#2e1f5e", "#e6a700", "#cd4444", "#6b8e23", "#555"];

  var suppressedLabels = {
    id: "brugSuppressed",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = "#555";
      ctx.font = "11px sans-serif";
      ctx.textAlign = "center";
      chart.data.datasets.forEach(function (dataset, d) {
        var meta = chart.getDatasetMeta(d);
        if (meta.hidden || !dataset.suppressed) return;
        dataset.suppressed.forEach(function (hidden, i) {
          if (!hidden) return;
          var horizontal = chart.options.indexAxis === "y";
          var index = chart.scales[horizontal ? "y" : "x"].getPixelForValue(i);
          var zero = chart.scales[horizontal ? "x" : "y"].getPixelForValue(0);
          var el = meta.data[i];
          var along = el && isFinite(el[horizontal ? "y" : "x"]) ? el[horizontal ? "y" : "x"] : index;
          if (horizontal) ctx.fillText("< 5", zero + 14, along + 4);
          else ctx.fillText("< 5", along, zero - 4);
        });
      });
      ctx.restore();
    }
  };

  function draw(holder) {
    var script = holder.querySelector("script[type='application/json']");
    var canvas = holder.querySelector("canvas");
    if (!script || !canvas || !window.Chart) return;
    var spec = JSON.parse(script.textContent);
    var line = spec.type === "line";
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set, i) {
          return {
            label: set.label,
            data: set.data,
            suppressed: set.suppressed,
            backgroundColor: COLOURS[i % COLOURS.length],
            borderColor: COLOURS[i % COLOURS.length],
            spanGaps: false,
            fill: false
          };
        })
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        plugins: { legend: { display: spec.datasets.length > 1 || line } },
        scales: spec.horizontal
          ? { x: { beginAtZero: true, ticks: { precision: 0 } } }
          : { y: { beginAtZero: true, ticks: { precision: 0 } } }
      },
      plugins: [suppressedLabels]
    });
  }

  function start() {
    document.querySelectorAll(".brug-chart").forEach(draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
