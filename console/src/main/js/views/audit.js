// Who changed what on this model, newest first, a page at a time.
import { api, explain, seg } from '../api.js';
import { h, put, when } from '../dom.js';
import { table } from '../ui.js';

export function auditTab(body, ctx) {
  const rows = [];
  const box = h('div', { id: 'audit' });
  const more = h('button', { type: 'button', text: 'Older events', hidden: true });
  let token = '';
  const load = async () => {
    try {
      const r = await api.get(`/v1/models/${seg(ctx.name)}/audit?page_size=50${token ? `&page_token=${seg(token)}` : ''}`);
      rows.push(...r.events);
      token = r.next_page_token;
      more.hidden = !token;
      put(box, rows.length ? table(['Time', 'Actor', 'Action', 'Version', 'Detail'], rows.map((e) => [when(e.time), e.actor, e.action, e.version ? `v${e.version}` : '', e.detail]), { class: 'grid', id: 'audit-table' }) : h('p', { class: 'muted', text: 'No changes recorded.' }));
    } catch (e) {
      put(box, h('p', { class: 'bad', text: explain(e) }));
    }
  };
  more.addEventListener('click', load);
  put(body, box, more);
  load();
  return null;
}
