// Progress over time: on the objective page the objective, each key result and the line of
// expected progress through the cycle; on the deployment comparison, one line per local copy.
// Data comes from the json_script beside the canvas.
(function () {
  "use strict";
  const source = document.getElementById("progress-chart-data");
  const canvas = document.getElementById("progress-chart");
  if (!source || !canvas || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const locale = document.documentElement.lang || undefined;
  const dateFormat = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });
  const palette = ["#0369a1", "#7c3aed", "#b45309", "#0f766e", "#be185d", "#4d7c0f"];

  const datasets = [
    ...(data.objective ? [{
      label: data.objective.label,
      data: data.objective.points,
      borderColor: "#111827",
      backgroundColor: "#111827",
      borderWidth: 3,
      stepped: true,
      pointRadius: 2,
    }] : []),
    {
      label: data.expected.label,
      data: data.expected.points,
      borderColor: "#9ca3af",
      borderDash: [6, 6],
      borderWidth: 2,
      pointRadius: 0,
    },
    ...data.keyResults.map((keyResult, index) => ({
      label: keyResult.label,
      data: keyResult.points,
      borderColor: palette[index % palette.length],
      backgroundColor: palette[index % palette.length],
      borderWidth: data.objective ? 1.5 : 3,
      stepped: true,
      pointRadius: 2,
    })),
  ];

  new window.Chart(canvas, {
    type: "line",
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: true,
      interaction: { mode: "nearest", intersect: false },
      scales: {
        x: {
          type: "linear",
          min: data.expected.points[0].x,
          max: data.expected.points[data.expected.points.length - 1].x,
          ticks: { callback: (value) => dateFormat.format(new Date(value)), maxTicksLimit: 8 },
        },
        y: { min: 0, max: 100, ticks: { callback: (value) => value + "%" } },
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 14 } },
        tooltip: {
          callbacks: {
            title: (items) => dateFormat.format(new Date(items[0].parsed.x)),
            label: (item) => `${item.dataset.label}: ${item.parsed.y}%`,
          },
        },
      },
    },
  });
})();
