// Program health over the cycles: one line per figure in percent; confidence (0–10) on its own
// axis on the right; the 7-day check-in line dashed beside the 14-day one.
(function () {
  "use strict";
  const source = document.getElementById("health-chart-data");
  const canvas = document.getElementById("health-chart");
  if (!source || !canvas || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const palette = ["#0369a1", "#7c3aed", "#b45309", "#0f766e", "#be185d", "#4d7c0f"];
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map((series, index) => ({
        label: series.label,
        data: series.values,
        borderColor: palette[index % palette.length],
        backgroundColor: palette[index % palette.length],
        borderWidth: 2,
        borderDash: series.dashed ? [6, 4] : [],
        pointStyle: series.dashed ? "rectRot" : "circle",
        yAxisID: series.axis === "confidence" ? "confidence" : "y",
        spanGaps: true,
        pointRadius: 4,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        y: { min: 0, max: 100, ticks: { callback: (value) => value + "%" } },
        confidence: { position: "right", min: 0, max: 10, grid: { drawOnChartArea: false },
                      title: { display: true, text: data.confidenceAxis } },
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 14 } },
        tooltip: { callbacks: { label: (item) => item.dataset.yAxisID === "confidence"
          ? `${item.dataset.label}: ${item.parsed.y}/10`
          : `${item.dataset.label}: ${item.parsed.y}%` } },
      },
    },
  });
})();
