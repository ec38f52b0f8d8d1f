// Draws the analytics charts from a json_script block (no inline scripts: CSP).
// <canvas data-analytics-chart="key" data-source="analytics-charts">
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var palette = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#d63384", "#0dcaf0", "#ffc107", "#6610f2", "#adb5bd"];
  var cache = {};
  function source(id) {
    if (!(id in cache)) {
      var node = document.getElementById(id);
      cache[id] = node ? JSON.parse(node.textContent) : {};
    }
    return cache[id];
  }
  document.querySelectorAll("canvas[data-analytics-chart]").forEach(function (canvas) {
    var chart = source(canvas.dataset.source)[canvas.dataset.analyticsChart];
    if (!chart) { return; }
    var right = false;
    var datasets = chart.series.map(function (series, index) {
      var colour = palette[index % palette.length];
      var dataset = {
        label: series.label,
        data: series.values,
        borderColor: colour,
        backgroundColor: (series.kind || chart.kind) === "line" ? colour : colour + "b3",
        spanGaps: true,
        yAxisID: series.right ? "y1" : "y"
      };
      if (series.kind) { dataset.type = series.kind; }
      if (series.right) { right = true; }
      if (chart.stacked) { dataset.fill = true; }
      return dataset;
    });
    var scales = {x: {stacked: chart.stacked}, y: {beginAtZero: true, stacked: chart.stacked}};
    if (right) { scales.y1 = {beginAtZero: true, position: "right", grid: {drawOnChartArea: false}}; }
    new window.Chart(canvas, {
      type: chart.kind,
      data: {labels: chart.labels, datasets: datasets},
      options: {responsive: true, maintainAspectRatio: false, animation: false, interaction: {mode: "index", intersect: false}, scales: scales}
    });
  });
})();
