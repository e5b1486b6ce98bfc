// Look up an entity in a feature view: each value, its status and its age.
import { api, explain, seg } from '../api.js';
import { age, h, put, when } from '../dom.js';
import { banner, field, table } from '../ui.js';

export function featuresView(main) {
  const view = h('select', { id: 'feature-view', 'aria-label': 'Feature view' });
  const entity = h('input', { id: 'feature-entity', placeholder: 'c-1001', required: true });
  const out = h('div', { id: 'feature-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'row' }, field('Feature view', view), field('Entity key', entity), h('button', { type: 'submit', class: 'primary', text: 'Look up', id: 'feature-lookup' }));
  put(main, h('h1', { text: 'Features' }), form, out);
  api
    .get('/v1/features')
    .then((r) => {
      put(view, r.views.map((v) => h('option', { value: v.name, text: `${v.name} (${v.features.length} features)` })));
      if (!r.views.length) put(out, h('p', { class: 'muted', text: 'No feature views.' }));
    })
    .catch((e) => banner(explain(e)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await api.post(`/v1/features/${seg(view.value)}:get`, { entities: [entity.value.trim()] });
      const row = r.rows[0];
      const times = row.event_times || [];
      put(
        out,
        table(
          ['Feature', 'Value', 'Status', 'Age', 'Event time'],
          r.features.map((f, i) => [h('code', { text: f }), row.values[i] === null ? '—' : String(row.values[i]), h('span', { class: row.statuses[i] === 'present' ? 'ok' : 'bad', text: row.statuses[i] }), age(times[i]), when(times[i])]),
          { class: 'grid', id: 'feature-table' },
        ),
      );
    } catch (err) {
      put(out, h('p', { class: 'bad', text: explain(err) }));
    }
  });
  return null;
}
