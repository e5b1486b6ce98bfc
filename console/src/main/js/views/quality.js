// What the monitor knows about this model: quality per version over trailing windows, drift (PSI
// per feature) and the champion-versus-challenger verdict. Empty with a reason when the gateway
// has no monitor or the monitor has nothing yet.
import { api, explain, seg } from '../api.js';
import { h, num, put } from '../dom.js';
import { table } from '../ui.js';
import { bars, color, timeChart } from '../charts.js';

// The monitor's default windows (monitor.windows); one it does not have answers 400 and is left out.
const WINDOWS = ['1h', '1d', '7d'];

function metrics(r) {
  if (r.binary) return [`AUC ${num(r.binary.auc, 3)} [${num(r.binary.auc_lower, 3)}, ${num(r.binary.auc_upper, 3)}]`, `log loss ${num(r.binary.log_loss, 4)}`, `accuracy ${num(r.binary.accuracy, 3)}`];
  if (r.multiclass) return [`accuracy ${num(r.multiclass.accuracy, 3)}`, `log loss ${num(r.multiclass.log_loss, 4)}`];
  if (r.regression) return [`RMSE ${num(r.regression.rmse, 4)}`, `MAE ${num(r.regression.mae, 4)}`, `bias ${num(r.regression.mean_bias, 4)}`];
  return ['no outcomes yet'];
}

export function qualityTab(body, ctx) {
  const over = h('div', { class: 'charts', id: 'quality-history' });
  const q = h('div', { id: 'quality' }, h('p', { class: 'muted', text: 'Asking the monitor…' }));
  const d = h('div', { id: 'drift' });
  const c = h('div', { id: 'compare' });
  put(body, h('h2', { text: 'Over the last hour' }), over, h('h2', { text: 'Quality by trailing window' }), q, h('h2', { text: 'Drift over the last day (PSI per feature)' }), d, h('h2', { text: 'Champion vs challenger' }), c);
  const base = `/v1/models/${seg(ctx.name)}`;
  const charts = [];
  api
    .get(`${base}/history?window=1h&points=12`)
    .then((r) => {
      const versions = (r.versions || []).filter((v) => v.points && v.points.length);
      if (!versions.length) return put(over, h('p', { class: 'muted', text: 'No history yet.' }));
      const xs = versions[0].points.map((p) => Date.parse(p.end) / 1000);
      const metric = timeChart(over.appendChild(h('div', { class: 'chart' })), `Quality (${versions[0].metric || 'metric'}) per 5 minutes`, '');
      const psi = timeChart(over.appendChild(h('div', { class: 'chart' })), 'Largest feature PSI per 5 minutes', '');
      charts.push(metric, psi);
      const finite = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
      const series = (f) => versions.map((v, i) => ({ label: `v${v.version}`, color: color(i), values: v.points.map(f) }));
      metric.update(xs, series((p) => (Number(p.with_outcome) > 0 ? finite(p.metric) : null)));
      psi.update(xs, series((p) => (Number(p.predictions) > 0 ? finite(p.feature_psi_max) : null)));
    })
    .catch((e) => put(over, h('p', { class: 'muted', text: `History is not available: ${explain(e)}` })));
  Promise.allSettled(WINDOWS.map((w) => api.get(`${base}/quality?window=${w}`)))
    .then((settled) => {
      const failed = settled.find((x) => x.status === 'rejected');
      if (settled.every((x) => x.status === 'rejected')) throw failed.reason;
      const rows = [];
      settled.forEach((x, i) => {
        for (const r of x.status === 'fulfilled' ? x.value.reports || [] : []) rows.push([WINDOWS[i], `v${r.version}`, num(r.predictions, 0), `${num(r.with_outcome, 0)} (${num(100 * r.outcome_share, 1)} %)`, metrics(r).join(' · ')]);
      });
      put(q, rows.length ? table(['Window', 'Version', 'Predictions', 'With outcome', 'Quality'], rows, { class: 'grid' }) : h('p', { class: 'muted', text: 'No recorded predictions in these windows.' }));
    })
    .catch((e) => put(q, h('p', { class: 'muted', text: `Quality is not available: ${explain(e)}` })));
  api
    .get(`${base}/drift?window=1d`)
    .then((a) => {
      const reports = (a.reports || []).filter((r) => r.features && r.features.length);
      put(d, reports.length ? reports.map((r) => h('div', { class: 'chart' }, h('h3', { text: `v${r.version}: ${num(r.rows, 0)} rows against ${r.baseline}` }), bars(r.features.map((f) => ({ label: f.feature, value: f.psi })), { signed: false }), r.note ? h('p', { class: 'muted', text: r.note }) : null)) : h('p', { class: 'muted', text: 'No drift report yet.' }));
    })
    .catch((e) => put(d, h('p', { class: 'muted', text: `Drift is not available: ${explain(e)}` })));
  api
    .get(`${base}/compare`)
    .then((r) => put(c, h('p', { id: 'verdict', class: r.verdict === 'VERDICT_CHALLENGER_WORSE' ? 'bad' : r.verdict === 'VERDICT_CHALLENGER_BETTER' ? 'ok' : '' }, h('strong', { text: String(r.verdict || '').replace('VERDICT_', '').replaceAll('_', ' ').toLowerCase() }), ` — ${r.summary || ''}`)))
    .catch((e) => put(c, h('p', { class: 'muted', text: `No comparison: ${explain(e)}` })));
  return () => charts.forEach((x) => x.dispose());
}
