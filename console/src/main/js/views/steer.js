// Moving aliases (promote, roll back) and editing the traffic policy, each change previewed and
// confirmed; the registry decides (and needs the admin token when it has tokens).
import { api, explain, seg } from '../api.js';
import { h, put } from '../dom.js';
import { banner, confirm, field, table } from '../ui.js';

export function steerTab(body, ctx) {
  put(body, aliasesPanel(ctx), policyPanel(ctx));
}

function versionOptions(ctx, selected) {
  return [...ctx.model.versions]
    .filter((v) => v.state === 'READY')
    .sort((a, b) => b.version - a.version)
    .map((v) => h('option', { value: v.version, text: `v${v.version}`, selected: v.version === selected }));
}

async function change(what, fn, ctx) {
  try {
    await fn();
    banner(`${what}: done`, 'ok');
    await ctx.reload();
  } catch (e) {
    banner(`${what} failed. ${explain(e)}`);
  }
}

function aliasesPanel(ctx) {
  const aliases = Object.entries(ctx.model.aliases || {}).sort();
  const rows = aliases.map(([alias, version]) => {
    const select = h('select', { 'aria-label': `New version for ${alias}`, id: `alias-${alias}-version` }, versionOptions(ctx, version));
    const move = h('button', {
      type: 'button',
      text: 'Move',
      id: `alias-${alias}-move`,
      on: {
        click: async () => {
          const to = Number(select.value);
          if (to === version) return;
          const verb = to > version ? 'Promote' : 'Roll back';
          const ok = await confirm(`${verb} ${alias}?`, [h('p', {}, 'Move alias ', h('code', { text: alias }), ` of ${ctx.name} from v${version} to v${to}. Requests for ${alias} go to v${to} as soon as the gateways see it.`)], verb);
          if (ok) change(`${alias} → v${to}`, () => api.put(`/v1/models/${seg(ctx.name)}/aliases/${seg(alias)}`, { version: to }), ctx);
        },
      },
    });
    const remove = h('button', {
      type: 'button',
      text: 'Delete',
      class: 'quiet',
      on: {
        click: async () => {
          const ok = await confirm(`Delete alias ${alias}?`, [h('p', { text: `Requests for ${ctx.name}@${alias} will fail until it is set again.` })], 'Delete');
          if (ok) change(`delete ${alias}`, () => api.del(`/v1/models/${seg(ctx.name)}/aliases/${seg(alias)}`), ctx);
        },
      },
    });
    return [h('code', { text: alias }), `v${version}`, h('span', { class: 'row' }, select, move, remove)];
  });
  const newName = h('input', { id: 'new-alias', placeholder: 'production', pattern: '[A-Za-z0-9._-]+', 'aria-label': 'New alias name' });
  const newVersion = h('select', { id: 'new-alias-version', 'aria-label': 'Version for the new alias' }, versionOptions(ctx, ctx.model.latest_version));
  const add = h('button', {
    type: 'button',
    text: 'Set alias',
    on: {
      click: async () => {
        const alias = newName.value.trim();
        if (!alias) return banner('Give the alias a name.');
        const to = Number(newVersion.value);
        const ok = await confirm(`Set ${alias}?`, [h('p', { text: `${ctx.name}@${alias} will name v${to}.` })], 'Set alias');
        if (ok) change(`${alias} → v${to}`, () => api.put(`/v1/models/${seg(ctx.name)}/aliases/${seg(alias)}`, { version: to }), ctx);
      },
    },
  });
  return h(
    'section',
    { class: 'panel', id: 'aliases' },
    h('h2', { text: 'Aliases' }),
    aliases.length ? table(['Alias', 'Now', 'Move to'], rows, { class: 'grid' }) : h('p', { class: 'muted', text: 'No aliases.' }),
    h('div', { class: 'row' }, newName, newVersion, add),
  );
}

/** The policy as the editor holds it: [{target: 'v:2' | 'a:canary', percent}], sticky, shadow, pinned. */
function fromModel(p) {
  return {
    splits: (p ? p.splits : []).map((s) => ({ target: s.alias ? `a:${s.alias}` : `v:${s.version}`, percent: s.percent })),
    sticky: Boolean(p && p.sticky),
    shadowVersion: p && p.shadow ? p.shadow.version : 0,
    shadowRate: p && p.shadow ? p.shadow.sample_rate : 0.1,
    pinned: Boolean(p && p.pinned),
  };
}

function toRequest(e) {
  const out = {
    splits: e.splits.map((s) => (s.target.startsWith('a:') ? { alias: s.target.slice(2), percent: s.percent } : { version: Number(s.target.slice(2)), percent: s.percent })),
    sticky: e.sticky,
    pinned: e.pinned,
  };
  if (e.shadowVersion) out.shadow = { version: e.shadowVersion, sample_rate: e.shadowRate };
  return out;
}

const label = (target) => (target.startsWith('a:') ? `@${target.slice(2)}` : `v${target.slice(2)}`);

/** What applying `next` over `now` changes, one line each. */
export function preview(now, next) {
  const lines = [];
  const before = new Map(now.splits.map((s) => [s.target, s.percent]));
  const after = new Map(next.splits.map((s) => [s.target, s.percent]));
  for (const t of new Set([...before.keys(), ...after.keys()])) {
    const a = before.has(t) ? `${before.get(t)} %` : '—';
    const b = after.has(t) ? `${after.get(t)} %` : '—';
    if (a !== b) lines.push(`${label(t)}: ${a} → ${b}`);
  }
  if (now.sticky !== next.sticky) lines.push(`sticky: ${now.sticky ? 'on' : 'off'} → ${next.sticky ? 'on' : 'off'}`);
  const shadow = (e) => (e.shadowVersion ? `v${e.shadowVersion} at ${Math.round(e.shadowRate * 100)} %` : 'none');
  if (shadow(now) !== shadow(next)) lines.push(`shadow: ${shadow(now)} → ${shadow(next)}`);
  if (now.pinned !== next.pinned) lines.push(`pinned: ${now.pinned ? 'yes' : 'no'} → ${next.pinned ? 'yes' : 'no'}`);
  if (next.splits.length === 0 && now.splits.length > 0) lines.push('the policy is cleared: requests follow the model’s aliases and latest version');
  return lines;
}

function policyPanel(ctx) {
  const now = fromModel(ctx.model.traffic_policy);
  const edit = structuredClone(now);
  const rowsBox = h('div', { id: 'splits' });
  const sum = h('p', { id: 'split-sum', 'aria-live': 'polite' });
  const previewBox = h('ul', { id: 'policy-preview', class: 'plain' });
  const apply = h('button', { type: 'button', class: 'primary', text: 'Apply…', id: 'policy-apply' });
  const targets = [
    ...[...ctx.model.versions].filter((v) => v.state === 'READY').sort((a, b) => b.version - a.version).map((v) => [`v:${v.version}`, `v${v.version}`]),
    ...Object.keys(ctx.model.aliases || {}).sort().map((a) => [`a:${a}`, `@${a}`]),
  ];
  const update = () => {
    const total = edit.splits.reduce((n, s) => n + (Number(s.percent) || 0), 0);
    const valid = edit.splits.length === 0 || total === 100;
    put(sum, edit.splits.length === 0 ? 'No splits: the policy will be cleared.' : `Total: ${total} % ${valid ? '' : '— must be 100'}`);
    sum.className = valid ? 'muted' : 'bad';
    const lines = preview(now, edit);
    put(previewBox, lines.length ? lines.map((l) => h('li', { text: l })) : h('li', { class: 'muted', text: 'No change yet.' }));
    apply.disabled = !valid || lines.length === 0;
  };
  const renderRows = () => {
    put(
      rowsBox,
      edit.splits.map((s, i) =>
        h(
          'div',
          { class: 'row split' },
          h('select', { 'aria-label': `Split ${i + 1} target`, class: 'split-target', on: { change: (e) => { s.target = e.target.value; update(); } } },
            targets.map(([v, l]) => h('option', { value: v, text: l, selected: v === s.target }))),
          h('input', { type: 'number', min: 0, max: 100, step: 1, value: s.percent, 'aria-label': `Split ${i + 1} percent`, class: 'split-percent', on: { input: (e) => { s.percent = Math.round(Number(e.target.value)); update(); } } }),
          h('span', { text: '%' }),
          h('button', { type: 'button', class: 'quiet', text: 'Remove', on: { click: () => { edit.splits.splice(i, 1); renderRows(); } } }),
        ),
      ),
    );
    update();
  };
  const sticky = h('input', { type: 'checkbox', id: 'policy-sticky', checked: edit.sticky, on: { change: (e) => { edit.sticky = e.target.checked; update(); } } });
  const pinned = h('input', { type: 'checkbox', id: 'policy-pinned', checked: edit.pinned, on: { change: (e) => { edit.pinned = e.target.checked; update(); } } });
  const shadowVersion = h('select', { id: 'policy-shadow', on: { change: (e) => { edit.shadowVersion = Number(e.target.value); update(); } } },
    h('option', { value: 0, text: 'none', selected: !edit.shadowVersion }),
    [...ctx.model.versions].filter((v) => v.state === 'READY').map((v) => h('option', { value: v.version, text: `v${v.version}`, selected: v.version === edit.shadowVersion })));
  const shadowRate = h('input', { type: 'number', min: 0, max: 100, step: 1, value: Math.round(edit.shadowRate * 100), id: 'policy-shadow-rate', on: { input: (e) => { edit.shadowRate = Number(e.target.value) / 100; update(); } } });
  apply.addEventListener('click', async () => {
    const lines = preview(now, edit);
    const ok = await confirm(`Change ${ctx.name}'s traffic?`, [h('ul', { class: 'plain' }, lines.map((l) => h('li', { text: l })))], 'Apply');
    if (ok) change('traffic policy', () => api.put(`/v1/models/${seg(ctx.name)}/traffic`, toRequest(edit)), ctx);
  });
  renderRows();
  return h(
    'section',
    { class: 'panel', id: 'policy' },
    h('h2', { text: 'Traffic policy' }),
    h('p', { class: 'muted', text: 'Weights per version or alias (canary, A/B); they must add up to 100.' }),
    rowsBox,
    h('button', { type: 'button', id: 'split-add', text: 'Add split', on: { click: () => { edit.splits.push({ target: targets[0] ? targets[0][0] : 'v:1', percent: 0 }); renderRows(); } } }),
    sum,
    h('div', { class: 'row' }, field('Sticky (same routing key, same version)', sticky), field('Pinned (never evicted from memory)', pinned)),
    h('div', { class: 'row' }, field('Shadow version', shadowVersion), field('Shadow sample %', shadowRate)),
    h('h3', { text: 'What will change' }),
    previewBox,
    apply,
  );
}
