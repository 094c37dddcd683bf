// The KPI page chart: measurements over time, the target line, the warning and critical zones
// (coloured and named in the legend) and decisions as markers.
(function () {
  "use strict";
  const canvas = document.getElementById("kpi-chart");
  const source = document.getElementById("kpi-chart-data");
  const names = document.getElementById("kpi-chart-labels");
  if (!canvas || !source || !names || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const label = JSON.parse(names.textContent);
  const locale = document.documentElement.lang || undefined;
  const dates = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "2-digit" });
  const numbers = new Intl.NumberFormat(locale);
  const xs = data.points.map((point) => point.x).concat(data.decisions.map((d) => d.x));
  // A little room on both sides and above, so a decision's marker on the first or last day, or
  // above the highest value, is drawn whole.
  const span = Math.max(...xs) - Math.min(...xs) || 86400000;
  const first = Math.min(...xs) - span * 0.03;
  const last = Math.max(...xs) + span * 0.03;
  const flat = (y) => [{ x: first, y }, { x: last, y }];
  const values = data.points.map((point) => point.y).concat([data.target, data.warning, data.critical]);
  const top = Math.max(...values);
  const bottom = Math.min(...values);
  const margin = (top - bottom) * 0.08 || 1;

  const chart = new window.Chart(canvas, {
    data: {
      datasets: [
        { type: "line", label: label.critical, data: flat(data.critical), borderColor: "#b91c1c",
          borderWidth: 1, pointRadius: 0, backgroundColor: "rgba(185, 28, 28, 0.12)",
          fill: data.higherIsBetter ? "start" : "end" },
        { type: "line", label: label.warning, data: flat(data.warning), borderColor: "#b45309",
          borderWidth: 1, pointRadius: 0, backgroundColor: "rgba(180, 83, 9, 0.12)", fill: "-1" },
        { type: "line", label: label.target, data: flat(data.target), borderColor: "#15803d",
          borderDash: [6, 4], borderWidth: 2, pointRadius: 0, fill: false },
        { type: "line", label: label.value, data: data.points, borderColor: "#111827",
          backgroundColor: "#111827", borderWidth: 2.5, pointRadius: 2, fill: false },
        { type: "scatter", label: label.decision, pointStyle: "triangle", pointRadius: 8,
          pointHoverRadius: 11, backgroundColor: "#1d4ed8", clip: false,
          data: data.decisions.map((d) => ({ x: d.x, y: top + margin / 2, title: d.title, by: d.by })) },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "nearest", intersect: false },
      scales: {
        x: { type: "linear", min: first, max: last,
             ticks: { callback: (value) => dates.format(new Date(value)), maxTicksLimit: 8 } },
        y: { suggestedMin: bottom - margin, suggestedMax: top + margin * 1.5,
             ticks: { callback: (value) => numbers.format(value) } },
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 14 } },
        tooltip: {
          callbacks: {
            title: (items) => dates.format(new Date(items[0].parsed.x)),
            label: (item) => item.raw.title
              ? `${label.decision}: ${item.raw.title} (${item.raw.by})`
              : `${item.dataset.label}: ${numbers.format(item.parsed.y)} ${data.unit}`,
          },
        },
      },
    },
  });
  // The list of decisions beside the chart: hovering or focusing one shows its marker's text.
  const decisionSet = chart.data.datasets.length - 1;
  document.querySelectorAll("[data-decision-index]").forEach((item) => {
    const show = () => {
      const index = Number(item.dataset.decisionIndex);
      const point = chart.getDatasetMeta(decisionSet).data[index];
      if (!point) return;
      chart.setActiveElements([{ datasetIndex: decisionSet, index }]);
      chart.tooltip.setActiveElements([{ datasetIndex: decisionSet, index }], { x: point.x, y: point.y });
      chart.update();
    };
    const hide = () => {
      chart.setActiveElements([]);
      chart.tooltip.setActiveElements([], { x: 0, y: 0 });
      chart.update();
    };
    item.addEventListener("mouseenter", show);
    item.addEventListener("focus", show);
    item.addEventListener("mouseleave", hide);
    item.addEventListener("blur", hide);
  });
})();
