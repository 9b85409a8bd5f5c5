// The report page's charts: the figures the server put in #report-data (JSON, never executed), drawn
// with the bundled Chart.js. Nothing is computed here. Typing a date ticks "Pilih tanggal".
(function () {
  "use strict";
  var BLUE = "#0b4f8a", ORANGE = "#b45309", GREEN = "#15803d";

  function draw(id, config) {
    var canvas = document.querySelector("#" + id + " canvas");
    if (!canvas || !window.Chart) return;
    config.options = Object.assign({animation: false, responsive: true, maintainAspectRatio: false,
                                    locale: "id-ID", plugins: {legend: {position: "bottom"}}}, config.options || {});
    new window.Chart(canvas, config);
  }

  function start() {
    var range = document.getElementById("range");
    ["from", "to"].forEach(function (name) {
      var input = document.getElementById(name);
      if (input && range) input.addEventListener("change", function () { range.value = "custom"; });
    });
    var source = document.getElementById("report-data");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    draw("chart-hours", {type: "line", data: {labels: data.hours.labels, datasets: [
      {label: "Diambil", data: data.hours.issued, borderColor: BLUE, backgroundColor: BLUE, yAxisID: "y"},
      {label: "Tunggu rata-rata (menit)", data: data.hours.wait_mean_min, borderColor: ORANGE,
       backgroundColor: ORANGE, borderDash: [6, 4], yAxisID: "minutes"}]},
      options: {scales: {y: {beginAtZero: true, ticks: {precision: 0}, title: {display: true, text: "Tiket"}},
                         minutes: {beginAtZero: true, position: "right", grid: {drawOnChartArea: false},
                                   title: {display: true, text: "Menit"}}}}});
    draw("chart-volume", {type: "bar", data: {labels: data.volume.labels, datasets: [
      {label: "Diambil", data: data.volume.issued, backgroundColor: BLUE},
      {label: "Dilayani", data: data.volume.served, backgroundColor: GREEN}]},
      options: {scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}});
    draw("chart-waits", {type: "bar", data: {labels: data.waits.labels, datasets: [
      {label: "Tiket dipanggil", data: data.waits.count, backgroundColor: BLUE,
       categoryPercentage: 1.0, barPercentage: 0.95}]},
      options: {scales: {y: {beginAtZero: true, ticks: {precision: 0}}}, plugins: {legend: {display: false}}}});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
