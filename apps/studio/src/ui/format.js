import { h } from './dom.js';
import { jsonView, parseJsonText } from './json-view.js';

/** @typedef {{ name: string, key: string, sqlType: string, display: string, notNull: boolean, primaryKey: boolean, enumValues?: string[] }} Column */

/** Date shown for the timestamp columns (stored as epoch numbers or as text). */
function dateText(/** @type {unknown} */ value, /** @type {string} */ display) {
  if (typeof value !== 'number') return undefined;
  const date = new Date(display === 'timestamp-millis' ? value : value * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace('.000Z', 'Z');
}

/**
 * A cell's content, read from the column's schema metadata: JSON pretty-printed and collapsible,
 * epoch timestamps as dates (the number in the tooltip), booleans as true/false.
 * @param {unknown} value
 * @param {Column} column
 * @param {'cell' | 'detail'} where
 */
export function formatValue(value, column, where) {
  if (value === null || value === undefined) return h('span', { className: 'null' }, 'NULL');
  if (column.display === 'json') {
    const parsed = typeof value === 'string' ? (parseJsonText(value) ?? tryParse(value)) : value;
    return parsed === undefined ? String(value) : jsonView(parsed, where);
  }
  const parsed = parseJsonText(value);
  if (parsed !== undefined) return jsonView(parsed, where);
  if (column.display === 'boolean' && (value === 0 || value === 1))
    return value === 1 ? 'true' : 'false';
  const date = column.display.startsWith('timestamp') ? dateText(value, column.display) : undefined;
  if (date) return h('span', { title: String(value) }, date);
  return where === 'cell' ? h('span', { className: 'cell-text' }, String(value)) : String(value);
}

function tryParse(/** @type {string} */ text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The column's type as a person reads it: json, timestamp and boolean rather than text or integer. */
export function typeLabel(/** @type {Column} */ column) {
  if (column.enumValues) return `enum: ${column.enumValues.join(' | ')}`;
  if (column.display === 'json') return `json (${column.sqlType})`;
  if (column.display.startsWith('timestamp')) return `timestamp (${column.sqlType})`;
  if (column.display === 'datetime-text') return `datetime (${column.sqlType})`;
  if (column.display === 'boolean') return `boolean (${column.sqlType})`;
  return column.sqlType;
}

export function formatCount(/** @type {number | undefined | null} */ count) {
  return typeof count === 'number' ? count.toLocaleString('en-US') : '–';
}
