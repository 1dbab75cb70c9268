/**
 * Draws the lock timelines of command check pages (issue 28): horizontal floating bars, one row
 * per relation and mode, from the first to the last sample that saw each hold. Tree-shaken: only
 * the bar chart's parts are registered. The data sits in the canvas's data-lock-chart attribute;
 * the table beside it holds the same holds, with their bounds, in words.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import type { LockChartModel } from '../view-models/lock-timeline.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** About the width of a character of the axis's 12 px labels: what fits beside the bars. */
const LABEL_CHAR_PX = 7;

/**
 * A row's label on the axis: the relation and the mode on two lines, each cut with an ellipsis to
 * what fits in the axis (chart.js gives a vertical axis at most half the canvas, and clips what
 * overflows it: on a phone `ledger.entry` lost its schema). The table beside the chart has them whole.
 */
function axisLabel(label: string, canvasWidth: number): string[] {
  const cut = label.lastIndexOf(' · ');
  const lines = cut < 0 ? [label] : [label.slice(0, cut), label.slice(cut + 3)];
  const max = Math.max(8, Math.floor(canvasWidth / 2 / LABEL_CHAR_PX) - 2);
  return lines.map((line) => (line.length > max ? `${line.slice(0, max - 1)}…` : line));
}

for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas[data-lock-chart]')) {
  const model = JSON.parse(canvas.dataset.lockChart ?? '{}') as LockChartModel;
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: model.labels,
      datasets: [
        {
          label: 'held',
          data: model.bars.map((b) => ({ x: [b.start, b.end] as [number, number], y: model.labels[b.row]! })),
          backgroundColor: model.bars.map((b) => (b.waiting ? 'transparent' : b.color)),
          borderColor: model.bars.map((b) => b.color),
          borderWidth: 1,
          grouped: false,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      // Drawn at once: the chart is evidence, not an animation.
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { min: 0, max: Math.ceil(model.stepMs), title: { display: true, text: "ms from the step's start" } },
        y: { type: 'category', ticks: { callback: (_value, index) => axisLabel(model.labels[index] ?? '', canvas.clientWidth) } },
      },
      plugins: { tooltip: { callbacks: { label: (item) => { const [a, b] = (item.raw as { x: [number, number] }).x; return `${Math.round(a)}–${Math.round(b)} ms`; } } } },
    },
  });
}
