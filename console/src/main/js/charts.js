// Charts: time series with uPlot (small, fast, canvas), and bars as SVG built node by node.
import uPlot from 'uplot';
import { h, num, s } from './dom.js';

const PALETTE = ['#2f8f4e', '#3b6fd8', '#d9822b', '#b9404c', '#7a52c7', '#1f9aa8', '#8c8c2a', '#c2549c'];

export const color = (i) => PALETTE[i % PALETTE.length];

function axisColor() {
  return getComputedStyle(document.documentElement).getPropertyValue('--fg-muted').trim() || '#888';
}

/**
 * A time-series chart in `box` that can be fed again: update(xs, [{label, values}]) — the chart is
 * rebuilt only when its series change, else its data is replaced.
 */
export function timeChart(box, title, unit) {
  let plot = null;
  let labels = '';
  const holder = h('div', { class: 'chart-canvas' });
  box.append(h('h3', { text: title }), holder);
  const width = () => Math.max(280, holder.clientWidth || box.clientWidth || 600);
  const resize = () => plot && plot.setSize({ width: width(), height: 200 });
  window.addEventListener('resize', resize);
  return {
    update(xs, series) {
      const key = series.map((x) => x.label).join('|');
      const data = [xs, ...series.map((x) => x.values)];
      if (plot && key === labels) {
        plot.setData(data);
        return;
      }
      if (plot) plot.destroy();
      labels = key;
      const stroke = axisColor();
      plot = new uPlot(
        {
          width: width(),
          height: 200,
          scales: { x: { time: true } },
          axes: [
            { stroke, grid: { stroke: 'rgba(128,128,128,0.15)' } },
            { stroke, size: 72, grid: { stroke: 'rgba(128,128,128,0.15)' }, values: (u, ticks) => ticks.map((t) => `${num(t)}${unit}`) },
          ],
          series: [{}, ...series.map((x, i) => ({ label: x.label, stroke: x.color || color(i), width: 2, spanGaps: false, points: { show: true, size: 4 }, value: (u, v) => (v == null ? '—' : `${num(v)}${unit}`) }))],
        },
        data,
        holder,
      );
    },
    dispose() {
      window.removeEventListener('resize', resize);
      if (plot) plot.destroy();
    },
  };
}

/**
 * Horizontal bars, largest magnitude first: [{label, value}]; positive and negative in two colors
 * (SHAP contributions, PSI per feature).
 */
export function bars(items, { id, unit = '', signed = true } = {}) {
  const rows = [...items].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  const max = Math.max(1e-12, ...rows.map((r) => Math.abs(r.value)));
  const rowH = 22;
  const labelW = 170;
  const chartW = 420;
  const mid = signed ? labelW + chartW / 2 : labelW;
  const scale = (signed ? chartW / 2 : chartW) / max;
  const svg = s('svg', { viewBox: `0 0 ${labelW + chartW + 90} ${rows.length * rowH + 8}`, class: 'bars', role: 'img', id, 'aria-label': rows.map((r) => `${r.label} ${num(r.value, 4)}`).join(', ') });
  rows.forEach((r, i) => {
    const y = 4 + i * rowH;
    const w = Math.abs(r.value) * scale;
    const x = r.value >= 0 ? mid : mid - w;
    svg.append(
      s('text', { x: labelW - 8, y: y + 15, 'text-anchor': 'end', class: 'bar-label', text: r.label }),
      s('rect', { x, y: y + 3, width: Math.max(1, w), height: rowH - 8, class: r.value >= 0 ? 'bar-pos' : 'bar-neg' }),
      s('text', { x: labelW + chartW + 6, y: y + 15, class: 'bar-value', text: `${num(r.value, 4)}${unit}` }),
    );
  });
  if (signed) svg.append(s('line', { x1: mid, x2: mid, y1: 0, y2: rows.length * rowH + 8, class: 'bar-axis' }));
  return svg;
}
