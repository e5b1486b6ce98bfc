// The model's versions as the registry and a serving replica see them.
import { api, seg } from '../api.js';
import { bytes, h, put, when } from '../dom.js';
import { table } from '../ui.js';
import { labels } from './models.js';

export function versionsTab(body, ctx) {
  const m = ctx.model;
  const versions = [...(m.versions || [])].sort((a, b) => b.version - a.version);
  const status = h('p', { class: 'muted', text: 'Asking serving which engine each version runs on…' });
  const grid = h('div');
  put(body, status, grid);
  const render = (serving) => {
    put(
      grid,
      table(
        ['Version', 'State', 'Serving', 'Engine (why)', 'sha256', 'Size', 'Objective', 'Features', 'Input binding', 'Creator', 'Created', 'Labels', 'Description'],
        versions.map((v) => {
          const s = serving.get(v.version);
          const aliases = Object.entries(m.aliases || {}).filter(([, n]) => n === v.version).map(([a]) => a);
          return [
            h('span', {}, `v${v.version}`, aliases.map((a) => h('span', { class: 'chip', text: a }))),
            h('span', { class: v.state === 'READY' ? 'ok' : v.state === 'FAILED' ? 'bad' : '', text: v.state, title: v.failure_reason || '' }),
            s ? h('span', { text: s.state, title: s.reason || '' }) : '—',
            s ? h('span', { text: `${s.engine} (${s.engine_reason})` }) : '—',
            h('code', { text: v.sha256.slice(0, 12), title: v.sha256 }),
            bytes(v.size_bytes),
            v.objective || '—',
            features(v),
            v.input_binding ? `${v.input_binding.feature_view}` : '—',
            v.creator || '—',
            when(v.create_time),
            labels(v.labels),
            v.description || '',
          ];
        }),
        { class: 'grid', id: 'versions-table' },
      ),
    );
  };
  render(new Map());
  api
    .get(`/v1/models/${seg(ctx.name)}/status`)
    .then((r) => {
      put(status, '');
      render(new Map(r.versions.map((x) => [x.version, x])));
    })
    .catch((e) => put(status, `Serving's view is not available: ${e.message}`));
}

function features(v) {
  const names = v.feature_names && v.feature_names.length ? v.feature_names : null;
  if (!names) return `${v.num_features}`;
  const types = v.feature_types || [];
  return h(
    'details',
    {},
    h('summary', { text: `${v.num_features} features` }),
    h('ul', { class: 'plain' }, names.map((n, i) => h('li', {}, h('code', { text: n }), types[i] ? ` ${types[i]}` : ''))),
  );
}
