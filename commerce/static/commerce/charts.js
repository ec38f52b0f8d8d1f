// Bar/line charts drawn from a json_script block, without inline scripts.
// <canvas data-chart="revenue-data" data-series="net gross"
//         data-label-net="Net" data-type-gross="line" data-begin-at-zero>
(function () {
  "use strict";
  if (!window.Chart) { return; }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var datasets = (canvas.dataset.series || "").split(/\s+/).filter(Boolean).map(function (key) {
      var suffix = key.charAt(0).toUpperCase() + key.slice(1);
      var dataset = {label: canvas.dataset["label" + suffix] || key, data: (data[key] || []).map(Number)};
      if (canvas.dataset["type" + suffix]) { dataset.type = canvas.dataset["type" + suffix]; }
      return dataset;
    });
    var options = {responsive: true};
    if ("beginAtZero" in canvas.dataset) { options.scales = {y: {beginAtZero: true}}; }
    new window.Chart(canvas, {type: "bar", data: {labels: data.labels, datasets: datasets}, options: options});
  });
})();
