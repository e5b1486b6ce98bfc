// One prediction from a form built from the version's feature names (or by entity key), with the
// answer and its SHAP contributions as bars.
import { api, explain, seg } from '../api.js';
import { h, num, put } from '../dom.js';
import { field } from '../ui.js';
import { bars } from '../charts.js';

export function tryTab(body, ctx) {
  const ready = [...ctx.model.versions].filter((v) => v.state === 'READY').sort((a, b) => b.version - a.version);
  if (ready.length === 0) {
    put(body, h('p', { class: 'muted', text: 'No READY version to ask.' }));
    return null;
  }
  const target = h('select', { id: 'try-version', 'aria-label': 'Version' },
    h('option', { value: '', text: 'as clients call it (aliases, traffic policy)' }),
    ready.map((v) => h('option', { value: v.version, text: `v${v.version}` })));
  const form = h('form', { id: 'try-form', class: 'try' });
  const out = h('div', { id: 'try-result', 'aria-live': 'polite' });
  const version = () => (target.value ? ready.find((v) => v.version === Number(target.value)) : ready.find((v) => v.version === ctx.model.aliases.production) || ready[0]);
  const build = () => {
    const v = version();
    const names = v.feature_names && v.feature_names.length ? v.feature_names : Array.from({ length: v.num_features }, (_, i) => `f${i}`);
    const inputs = names.map((n, i) => h('input', { type: 'number', step: 'any', name: n, id: `try-f-${i}`, placeholder: 'missing' }));
    const entity = v.input_binding ? h('input', { id: 'try-entity', placeholder: 'e.g. c-1001', 'aria-label': 'Entity key' }) : null;
    put(
      form,
      entity ? field(`Entity key (features from view ${v.input_binding.feature_view}); leave empty to type the values`, entity) : null,
      h('div', { class: 'feature-grid' }, names.map((n, i) => field(n, inputs[i]))),
      h('button', { type: 'submit', class: 'primary', id: 'try-send', text: 'Predict' }),
    );
    form.onsubmit = async (e) => {
      e.preventDefault();
      const instance = entity && entity.value.trim() ? { entity: entity.value.trim() } : inputs.map((x) => (x.value === '' ? null : Number(x.value)));
      const path = target.value ? `/v1/models/${seg(ctx.name)}/versions/${seg(target.value)}:predict` : `/v1/models/${seg(ctx.name)}:predict`;
      put(out, h('p', { class: 'muted', text: 'Asking…' }));
      try {
        const value = await api.post(path, { instances: [instance] });
        const shap = await api.post(`/v1/models/${seg(ctx.name)}/versions/${seg(value.version)}:predict`, { instances: [instance], output: 'contributions' });
        const row = Array.isArray(shap.predictions[0]) ? shap.predictions[0] : shap.predictions;
        const labels = [...names, 'bias'];
        put(
          out,
          h('p', { class: 'answer' }, 'v', String(value.version), ' answered ', h('strong', { id: 'try-value', text: JSON.stringify(value.predictions[0]) }), h('span', { class: 'muted', text: `  request ${value.request_id}` })),
          h('h3', { text: 'SHAP contributions (margin space)' }),
          bars(row.map((c, i) => ({ label: labels[i] || `#${i}`, value: c })), { id: 'shap-chart' }),
          h('p', { class: 'muted', text: `Sum ${num(row.reduce((a, b) => a + b, 0), 4)} = the margin.` }),
        );
      } catch (err) {
        put(out, h('p', { class: 'bad', id: 'try-error', text: explain(err) }));
      }
    };
  };
  target.addEventListener('change', build);
  build();
  put(body, field('Version', target), form, out);
  return null;
}
