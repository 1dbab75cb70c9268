/**
 * Draws the line charts of the history and trends pages (the only pages that ship chart.js).
 * Tree-shaken: only the line chart's parts are registered. Each chart's data sits in its
 * canvas's data-chart attribute; the same numbers are in the table beside it.
 */
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { ChartModel } from '../view-models/check-history.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend);

for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')) {
  const model = JSON.parse(canvas.dataset.chart ?? '{}') as ChartModel;
  new Chart(canvas, {
    type: 'line',
    data: {
      labels: model.labels,
      datasets: model.series.map((s) => ({
        label: s.label,
        data: s.points.map((p) => p.y),
        // The environment's colour, the same on every chart (chosen in the view model).
        borderColor: s.color,
        backgroundColor: s.color,
        spanGaps: true,
        pointRadius: 4,
      })),
    },
    options: {
      // Drawn at once: the chart is evidence, not an animation.
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: model.yLabel } }, x: { ticks: { autoSkip: true, maxRotation: 45 } } },
      onClick: (_event, elements) => {
        const hit = elements[0];
        const href = hit ? model.series[hit.datasetIndex]?.points[hit.index]?.href : undefined;
        if (href) window.location.href = href;
      },
    },
  });
}
