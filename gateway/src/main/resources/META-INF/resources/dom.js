// Tiny DOM helpers. Text always goes in through text nodes, never through HTML parsing.

/** h('li', {class: 'x', 'data-testid': 'y', text: 'untrusted'}, child, ...) */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const $ = (id) => document.getElementById(id);

export function show(el, visible = true) {
  el.hidden = !visible;
}

/** Sets an element's text and hides it when the text is empty. */
export function setText(el, text) {
  el.textContent = text || '';
  el.hidden = !text;
}

/** Message ids are opaque but sort in conversation order; Redis stream ids ("ms-seq") compare numerically. */
export function compareIds(a, b) {
  if (a === b) return 0;
  const ra = /^(\d+)-(\d+)$/.exec(a);
  const rb = /^(\d+)-(\d+)$/.exec(b);
  if (ra && rb) return compareDigits(ra[1], rb[1]) || compareDigits(ra[2], rb[2]);
  return a < b ? -1 : 1;
}

function compareDigits(x, y) {
  x = x.replace(/^0+(?=\d)/, '');
  y = y.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A random id for idempotent sends; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function randomId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function formatTime(epochSeconds) {
  if (typeof epochSeconds !== 'number') return '';
  const d = new Date(epochSeconds * 1000);
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' +
      d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
