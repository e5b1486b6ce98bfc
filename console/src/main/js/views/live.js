// Per version, live: requests per second, p50 / p99 latency, error rate, the shadow's agreement,
// and the rows per upstream batch — from the gateway's last ten minutes, every 5 s.
import { api, seg } from '../api.js';
import { h, put } from '../dom.js';
import { every } from '../ui.js';
import { color, timeChart } from '../charts.js';

export function liveTab(body, ctx) {
  const grid = h('div', { class: 'charts', id: 'live-charts' });
  const note = h('p', { class: 'muted', id: 'live-note' });
  put(body, note, grid);
  const box = () => grid.appendChild(h('div', { class: 'chart' }));
  const charts = {
    rps: timeChart(box(), 'Requests per second', '/s'),
    p50: timeChart(box(), 'Latency p50', ' ms'),
    p99: timeChart(box(), 'Latency p99', ' ms'),
    errors: timeChart(box(), 'Error rate', ' %'),
    shadow: timeChart(box(), 'Shadow agreement', ' %'),
    batch: timeChart(box(), 'Rows per upstream batch', ''),
  };
  const stop = every(5, async () => {
    const r = await api.get(`/v1/console/traffic/${seg(ctx.name)}?seconds=300`);
    const steps = r.batch_rows.length;
    const end = Date.parse(r.end) / 1000;
    const xs = Array.from({ length: steps }, (_, i) => end - (steps - 1 - i) * r.step_seconds);
    const series = [...r.series].sort((a, b) => a.version - b.version);
    const per = (f) => series.map((x, i) => ({ label: `v${x.version}`, color: color(i), values: f(x) }));
    const total = series.reduce((n, x) => n + x.requests.reduce((a, b) => a + b, 0), 0);
    put(note, total ? `${total} requests in the last ${steps * r.step_seconds} s through this gateway` : 'No requests in the last five minutes through this gateway.');
    charts.rps.update(xs, per((x) => x.requests.map((n) => n / r.step_seconds)));
    charts.p50.update(xs, per((x) => x.p50_ms));
    charts.p99.update(xs, per((x) => x.p99_ms));
    charts.errors.update(xs, per((x) => x.requests.map((n, i) => (n ? (100 * x.errors[i]) / n : null))));
    charts.shadow.update(xs, per((x) => x.shadow_compared.map((n, i) => (n ? (100 * x.shadow_agreed[i]) / n : null))));
    charts.batch.update(xs, [{ label: 'all models', values: r.batch_rows }]);
  });
  return () => {
    stop();
    Object.values(charts).forEach((c) => c.dispose());
  };
}
