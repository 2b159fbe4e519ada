/**
 * A few DOM helpers. Everything the API returns goes in as text nodes, never as HTML, so a job's
 * output or metadata cannot inject markup into the console.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function table(headers, rows, attrs = {}) {
  return h(
    'table',
    attrs,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((hd) =>
          typeof hd === 'string'
            ? h('th', { scope: 'col' }, hd)
            : h('th', { scope: 'col', class: hd.class }, hd.label),
        ),
      ),
    ),
    h('tbody', {}, rows),
  );
}

export const num = (value, attrs = {}) => h('td', { class: 'num', ...attrs }, value);

export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, children);
}

export function errorBox(err) {
  return h('p', { class: 'error', role: 'alert' }, `Could not load: ${err.message}`);
}
