// One model: a header and tabs; each tab is its own module and gets the model as the registry has it.
import { api, explain, seg } from '../api.js';
import { h, put } from '../dom.js';
import { banner } from '../ui.js';
import { labels } from './models.js';
import { versionsTab } from './versions.js';
import { steerTab } from './steer.js';
import { liveTab } from './live.js';
import { tryTab } from './try.js';
import { qualityTab } from './quality.js';
import { auditTab } from './audit.js';
import { uploadTab } from './upload.js';

const TABS = [
  ['versions', 'Versions', versionsTab],
  ['steer', 'Aliases & traffic', steerTab],
  ['live', 'Live', liveTab],
  ['try', 'Try it', tryTab],
  ['quality', 'Quality', qualityTab],
  ['audit', 'Audit log', auditTab],
  ['upload', 'Upload', uploadTab],
];

export function modelView(main, name, tab) {
  const chosen = TABS.find((t) => t[0] === tab) || TABS[0];
  const header = h('div', { class: 'model-head' }, h('h1', {}, h('a', { href: '#/', text: 'Models' }), ' / ', h('span', { id: 'model-name', text: name })));
  const nav = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Model sections' },
    TABS.map(([id, label]) =>
      h('a', { href: `#/models/${seg(name)}/${id}`, text: label, 'aria-current': id === chosen[0] ? 'page' : 'false', id: `tab-${id}` }),
    ),
  );
  const body = h('section', { id: 'tab-body' }, h('p', { class: 'muted', text: 'Loading…' }));
  put(main, header, nav, body);
  let stop = null;
  let stopped = false;
  const ctx = {
    name,
    model: null,
    /** Fetches the model again (after a change) and re-renders the tab. */
    async reload() {
      ctx.model = await api.get(`/v1/models/${seg(name)}`);
      put(header.querySelector('.model-meta') || header.appendChild(h('div', { class: 'model-meta' })),
        ctx.model.description ? h('p', { text: ctx.model.description }) : null,
        labels(ctx.model.labels));
      if (stop) stop();
      if (!stopped) stop = chosen[2](body, ctx) || null;
    },
  };
  ctx.reload().catch((e) => {
    put(body, h('p', { class: 'bad', text: explain(e) }));
    banner(explain(e));
  });
  return () => {
    stopped = true;
    if (stop) stop();
  };
}
