import { h } from './dom.js';

const PREVIEW_LENGTH = 80;

/** Parses text that holds a JSON object or array; undefined for anything else. */
export function parseJsonText(/** @type {unknown} */ value) {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!(text.startsWith('{') || text.startsWith('['))) return undefined;
  try {
    const parsed = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** One-line summary of a JSON value, cut to `length` characters. */
export function preview(/** @type {unknown} */ value, length = PREVIEW_LENGTH) {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function scalar(/** @type {unknown} */ value) {
  if (value === null) return h('span', { className: 'literal' }, 'null');
  if (typeof value === 'string') return h('span', { className: 'string' }, JSON.stringify(value));
  if (typeof value === 'number') return h('span', { className: 'number' }, String(value));
  return h('span', { className: 'literal' }, String(value));
}

/**
 * A collapsible, pretty-printed JSON tree (native <details>: no script needed to fold).
 * @param {unknown} value
 * @param {number} openDepth levels open at first
 * @param {number} [depth]
 * @returns {HTMLElement}
 */
export function jsonTree(value, openDepth, depth = 0) {
  if (typeof value !== 'object' || value === null) return scalar(value);
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((item, index) => [index, item]) : Object.entries(value);
  const label = isArray
    ? `[${entries.length}]`
    : `{${entries.length} ${entries.length === 1 ? 'key' : 'keys'}}`;
  return h(
    'details',
    { open: depth < openDepth, className: 'json-node' },
    h('summary', null, h('span', { className: 'preview' }, `${label} ${preview(value, 60)}`)),
    h(
      'div',
      { className: 'entries' },
      entries.map(([key, item]) =>
        h(
          'div',
          null,
          h('span', { className: 'key' }, isArray ? `${key}: ` : `${JSON.stringify(key)}: `),
          jsonTree(item, openDepth, depth + 1),
        ),
      ),
    ),
  );
}

/** A JSON cell: collapsed to one line in a grid, open two levels in a row's detail. */
export function jsonView(/** @type {unknown} */ value, /** @type {'cell' | 'detail'} */ where) {
  return h(
    'div',
    { className: 'json', 'data-json': '' },
    jsonTree(value, where === 'cell' ? 0 : 2),
  );
}
