// DOM building without innerHTML: every text from the ledger becomes a text node.

/** Creates an element: `h('a', { href: '/x', class: 'c' }, 'text', child, [more])`. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** An internal link (navigates without reloading). */
export const link = (href, ...children) => h('a', { href, 'data-link': '' }, ...children);

/** A hash or address in monospace, optionally shortened for lists. */
export function mono(text, short = false) {
  const s = String(text);
  const shown = short && s.length > 18 ? `${s.slice(0, 10)}…${s.slice(-6)}` : s;
  return h('span', { class: 'mono', title: short ? s : null }, shown);
}

/** A definition list from `[label, value]` pairs (pairs with a null value are skipped). */
export function fields(pairs) {
  return h(
    'dl',
    { class: 'fields' },
    pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
  );
}

/** A table that scrolls sideways on narrow screens instead of widening the page. */
export function table(caption, headers, rows) {
  return h(
    'div',
    { class: 'scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))),
    ),
  );
}

/** Text with `[start, end)` code-point ranges wrapped in <mark>. */
export function highlighted({ text, highlights }) {
  const cps = Array.from(text);
  const out = [];
  let at = 0;
  for (const [a, b] of highlights) {
    if (a < at || b <= a || b > cps.length) continue;
    out.push(cps.slice(at, a).join(''), h('mark', {}, cps.slice(a, b).join('')));
    at = b;
  }
  out.push(cps.slice(at).join(''));
  return out;
}
