// Building DOM without HTML strings: text goes in as text nodes, never parsed as markup, so
// nothing a visitor (or a model's name, label or description) holds can become HTML.

/** An element: h('a', {href: '#/', class: 'x', on: {click: fn}}, 'text', child…). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  apply(el, props);
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element, as h. */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG, tag);
  apply(el, props);
  append(el, children);
  return el;
}

function apply(el, props) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') {
      for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    } else if (key === 'text') {
      el.textContent = String(value);
    } else if (key === 'value' && 'value' in el) {
      el.value = value;
    } else if (key === 'checked' || key === 'disabled' || key === 'selected') {
      el[key] = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what node holds. */
export function put(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A number for people: 1234.5 -> "1,234.5". */
export function num(x, digits = 2) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return Number(x).toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** Bytes for people. */
export function bytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  let v = Number(n);
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${num(v, i === 0 ? 0 : 1)} ${units[i]}`;
}

/** How long ago an RFC 3339 time was: "42 s", "3 min", "2 h", "5 d". */
export function age(time, now = Date.now()) {
  if (!time) return '—';
  const s = Math.max(0, (now - Date.parse(time)) / 1000);
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 129600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** A local date and time. */
export function when(time) {
  return time ? new Date(time).toLocaleString() : '—';
}
