// The page's shared pieces: the message banner, the confirmation dialog, polling.
import { h, put } from './dom.js';

/** Shows a message above the page (kind: error or ok); empty hides it. */
export function banner(message, kind = 'error') {
  const el = document.getElementById('banner');
  el.className = kind;
  el.hidden = !message;
  put(el, message || '');
}

/**
 * Asks before a change: title, body (nodes), the OK button's label. Resolves true when confirmed.
 */
export function confirm(title, body, ok = 'Apply') {
  const dialog = document.getElementById('dialog');
  put(document.getElementById('dialog-title'), title);
  put(document.getElementById('dialog-body'), body);
  put(document.getElementById('dialog-ok'), ok);
  document.getElementById('dialog-ok').hidden = false;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    document.getElementById('dialog-cancel').focus();
  });
}

/** Asks for a value in the dialog; resolves with it, or null when cancelled. */
export async function ask(title, field) {
  const ok = await confirm(title, [field], 'Save');
  return ok ? field.querySelector('input').value : null;
}

/**
 * Runs fn now and every `seconds` while the view lives; returns a stop function. A failure shows in
 * the live indicator, not as a banner, so a blip does not cover the page.
 */
export function every(seconds, fn) {
  let stopped = false;
  let timer = null;
  const live = document.getElementById('live');
  const tick = async () => {
    if (stopped) return;
    try {
      await fn();
      put(live, `updated ${new Date().toLocaleTimeString()}`);
    } catch (e) {
      put(live, `update failed: ${e.message}`);
    }
    if (!stopped) timer = setTimeout(tick, seconds * 1000);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** A labelled field. */
export function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', { text: label }), input, hint ? h('small', { class: 'muted', text: hint }) : null);
}

/** A table from headers and rows of cells (nodes or text). */
export function table(headers, rows, props = {}) {
  return h(
    'table',
    props,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))),
  );
}
