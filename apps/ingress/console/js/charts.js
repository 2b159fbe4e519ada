import { h } from './dom.js';

/**
 * Plots with uPlot (served from the package's node_modules). Every series has its own colour AND
 * its own dash pattern, and is named in the legend, so the plots read without colour too.
 */
const PALETTE = [
  '#2457c5',
  '#c2410c',
  '#15803d',
  '#7e22ce',
  '#0e7490',
  '#a16207',
  '#be185d',
  '#4b5563',
];
const DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [1, 5], [16, 4], [6, 2, 2, 2]];
const FILLS = [
  '#2457c5cc',
  '#c2410ccc',
  '#15803dcc',
  '#7e22cecc',
  '#0e7490cc',
  '#a16207cc',
  '#be185dcc',
  '#4b5563cc',
];

export const seriesStyle = (i) => ({
  stroke: PALETTE[i % PALETTE.length],
  dash: DASHES[i % DASHES.length],
  fill: FILLS[i % FILLS.length],
});

const utcDate = (ts) => window.uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');

function widthOf(container) {
  return Math.max(320, Math.floor(container.getBoundingClientRect().width || 800) - 4);
}

/**
 * Lines over time. xs: epoch seconds; series[i].values aligned with xs (null = no calls then).
 * markers: vertical lines with a text label (e.g. when a revision first appeared).
 */
export function lineChart(
  container,
  { title, xs, series, format, markers = [], xRange, yRange, height = 220 },
) {
  const holder = h('div', { class: 'chart', 'data-chart': title });
  container.append(h('div', { class: 'chart-title' }, title), holder);
  const markerHook = (u) => {
    const { ctx } = u;
    ctx.save();
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.fillStyle = '#1d2330';
    ctx.strokeStyle = '#1d2330';
    ctx.setLineDash([3 * devicePixelRatio, 3 * devicePixelRatio]);
    markers.forEach((m, i) => {
      const x = u.valToPos(m.t, 'x', true);
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      // Labels near the right edge go to the left of their line, so they stay on the plot.
      const rightHalf = x > u.bbox.left + u.bbox.width / 2;
      ctx.textAlign = rightHalf ? 'right' : 'left';
      const y = u.bbox.top + (12 + 12 * (i % 4)) * devicePixelRatio;
      ctx.fillText(rightHalf ? `${m.label} ▼` : `▼ ${m.label}`, rightHalf ? x - 4 : x + 4, y);
    });
    ctx.restore();
  };
  return new window.uPlot(
    {
      width: widthOf(container),
      height,
      tzDate: utcDate,
      // The whole window on x (a revision with one point must not stretch the axis over years).
      scales: {
        x: { time: true, ...(xRange ? { range: () => xRange } : {}) },
        y: yRange ? { range: (_u, _min, max) => [yRange[0], Math.max(yRange[1], max)] } : {},
      },
      axes: [{}, { values: (_u, ticks) => ticks.map((v) => format(v)), size: 70 }],
      series: [
        { label: 'time (UTC)' },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: seriesStyle(i).stroke,
          dash: seriesStyle(i).dash,
          width: 2,
          spanGaps: false,
          points: { show: true, size: 5 },
          value: (_u, v) => (v === null || v === undefined ? '–' : format(v)),
        })),
      ],
      hooks: { draw: [markerHook] },
    },
    [xs, ...series.map((s) => s.values)],
    holder,
  );
}

/** Bars per day stacked by series (e.g. spend per task per day). The legend shows each own value. */
export function stackedBars(container, { title, xs, series, format, height = 240 }) {
  const holder = h('div', { class: 'chart', 'data-chart': title });
  container.append(h('div', { class: 'chart-title' }, title), holder);
  // Cumulative sums, drawn tallest first so each task's segment shows above the ones below it.
  const cumulative = [];
  series.forEach((s, i) => {
    cumulative.push(s.values.map((v, j) => (v ?? 0) + (i > 0 ? cumulative[i - 1][j] : 0)));
  });
  const order = series.map((_, i) => i).reverse();
  const bars = window.uPlot.paths.bars({ size: [0.6, 48] });
  return new window.uPlot(
    {
      width: widthOf(container),
      height,
      tzDate: utcDate,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{}, { values: (_u, ticks) => ticks.map((v) => format(v)), size: 70 }],
      series: [
        { label: 'day (UTC)' },
        ...order.map((i) => ({
          label: series[i].label,
          stroke: seriesStyle(i).stroke,
          fill: seriesStyle(i).fill,
          width: 1,
          paths: bars,
          points: { show: false },
          value: (_u, _v, _si, idx) =>
            idx === null || idx === undefined ? '–' : format(series[i].values[idx] ?? 0),
        })),
      ],
    },
    [xs, ...order.map((i) => cumulative[i])],
    holder,
  );
}
