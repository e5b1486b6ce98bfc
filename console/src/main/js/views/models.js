// Every model: searchable by name, label or alias; its traffic and errors over the last minute.
import { allModels, api, explain, seg } from '../api.js';
import { h, num, put } from '../dom.js';
import { banner, every, table } from '../ui.js';

export function modelsView(main) {
  const search = h('input', {
    type: 'search',
    id: 'search',
    placeholder: 'Search models, labels, aliases  ( / )',
    'aria-label': 'Search models',
  });
  const list = h('div', { id: 'models' }, h('p', { class: 'muted', text: 'Loading models…' }));
  put(main, h('h1', { text: 'Models' }), search, list);
  let models = [];
  let traffic = new Map();

  const render = () => {
    const q = search.value.trim().toLowerCase();
    const shown = models.filter((m) => !q || haystack(m).includes(q));
    if (models.length === 0) {
      put(list, h('p', { class: 'muted', text: 'No models yet. Register one with ./canopy register, or upload a version from a model page.' }));
      return;
    }
    put(
      list,
      h('p', { class: 'muted', text: `${shown.length} of ${models.length} models` }),
      table(
        ['Model', 'Labels', 'Aliases', 'Latest', 'Requests/s (1 min)', 'Errors (1 min)'],
        shown.map((m) => {
          const t = traffic.get(m.name);
          return [
            h('a', { href: `#/models/${seg(m.name)}`, text: m.name, 'data-model': m.name }),
            labels(m.labels),
            Object.entries(m.aliases || {}).map(([a, v]) => h('span', { class: 'chip', text: `${a} → v${v}` })),
            m.latest_version ? `v${m.latest_version}` : '—',
            h('span', { class: 'num', text: t ? num(t.rps) : '0' }),
            h('span', { class: t && t.errors ? 'num bad' : 'num', text: t ? `${t.errors} (${num(100 * t.error_rate, 1)} %)` : '0' }),
          ];
        }),
        { class: 'grid', id: 'models-table' },
      ),
    );
  };
  search.addEventListener('input', render);

  const stop = every(5, async () => {
    try {
      const [m, t] = await Promise.all([allModels(), api.get('/v1/console/traffic')]);
      models = m.sort((a, b) => a.name.localeCompare(b.name));
      traffic = new Map(t.models.map((x) => [x.model, x]));
      render();
      banner('');
    } catch (e) {
      banner(explain(e));
      throw e;
    }
  });
  return stop;
}

function haystack(m) {
  return [m.name, m.description, ...Object.entries(m.labels || {}).flat(), ...Object.keys(m.aliases || {})]
    .join(' ')
    .toLowerCase();
}

export function labels(map) {
  return Object.entries(map || {}).map(([k, v]) => h('span', { class: 'chip', text: v ? `${k}=${v}` : k }));
}
