// A new version from a file, with a progress bar; the registry validates it before it is READY.
import { explain, seg, upload } from '../api.js';
import { bytes, h, put } from '../dom.js';
import { banner, field } from '../ui.js';

export function uploadTab(body, ctx) {
  const file = h('input', { type: 'file', id: 'upload-file', accept: '.json,.ubj,.bin,.model,.txt' });
  const description = h('input', { id: 'upload-description', placeholder: 'what changed' });
  const progress = h('progress', { max: 1, value: 0, id: 'upload-progress', hidden: true });
  const out = h('div', { id: 'upload-result', 'aria-live': 'polite' });
  const send = h('button', { type: 'submit', class: 'primary', text: 'Upload', id: 'upload-send' });
  const form = h('form', {}, field('Model file (XGBoost JSON/UBJ/binary, LightGBM text)', file), field('Description', description), send, progress, out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files[0];
    if (!f) return put(out, h('p', { class: 'bad', text: 'Choose a file first.' }));
    send.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    put(out, h('p', { class: 'muted', text: `Sending ${bytes(f.size)}…` }));
    try {
      const q = new URLSearchParams({ description: description.value });
      const r = await upload(`/v1/models/${seg(ctx.name)}/versions?${q}`, f, (p) => {
        progress.value = p;
        if (p >= 1) put(out, h('p', { class: 'muted', text: 'Sent; the registry is validating it…' }));
      });
      const v = r.version;
      const message = `v${v.version} is ${v.state}${v.failure_reason ? `: ${v.failure_reason}` : ''}`;
      put(out, h('p', { class: v.state === 'READY' ? 'ok' : 'bad', text: message }));
      banner(message, v.state === 'READY' ? 'ok' : 'error');
    } catch (err) {
      put(out, h('p', { class: 'bad', text: explain(err) }));
    } finally {
      send.disabled = false;
    }
  });
  put(body, h('h2', { text: `New version of ${ctx.name}` }), form);
  return null;
}
