// DOM helpers. Text from the server only ever becomes text nodes or plain
// attribute values: nothing here parses HTML.

// el('p', {class: 'x', onclick: fn}, 'text', child, ...): a new element.
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

export function append(parent, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return parent;
}

export function clear(e) {
  while (e.firstChild) e.removeChild(e.firstChild);
  return e;
}

// A definition list from [term, value] pairs; pairs with an empty value are
// left out.
export function dl(pairs) {
  const list = el('dl');
  for (const [term, value] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    list.append(el('dt', {}, term), el('dd', {}, value));
  }
  return list;
}

// A link only for http(s) URLs; anything else is shown as text.
export function safeLink(url, text) {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      return el('a', { href: u.href, target: '_blank', rel: 'noopener noreferrer' }, text || url);
    }
  } catch (e) {
    // not a URL: fall through to text
  }
  return document.createTextNode(text || url);
}

// Microseconds of transaction time (a number or the proto JSON string) as
// an ISO 8601 UTC time, to the second.
export function formatMicros(us) {
  const n = Number(us);
  if (!n) return '';
  return new Date(Math.floor(n / 1000)).toISOString().replace('.000Z', 'Z');
}
