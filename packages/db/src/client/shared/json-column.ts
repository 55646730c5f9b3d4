import type { z } from 'zod';
import { checkShape, toJsonText } from './checks.ts';
import { checkByteSize, maxBytes } from './limits.ts';
import { compileShapeCheck } from './shape-check.ts';

/**
 * The writer of one JSON column: checks the value against its zod shape, serialises it and checks
 * its size, failing with a RowValidationError naming `table.column`. A value the in-place check
 * vouches for is serialised as it is; any other goes through zod's parse, whose copy (or error) is
 * what gets stored (or thrown), exactly as `checkShape` + `toJsonText` alone would do. A value
 * read by `readJson` and unchanged since is stored as the text it was read from.
 */
export function jsonColumn<S extends z.ZodType>(
  database: string,
  table: string,
  column: string,
  schema: S,
): (value: unknown) => string {
  const fast = compileShapeCheck(schema);
  const limit = maxBytes(database, table, column);
  return (value) => {
    let text = fast?.(value) ? serialise(value) : undefined;
    // A value JSON cannot hold (a BigInt, a cycle) fails as it always did, message and all.
    text ??= toJsonText(table, column, checkShape(table, column, schema, value));
    checkByteSize(table, column, text, limit);
    return keptText(value, text) ?? text;
  };
}

/**
 * The text each object read by `readJson` came from, with the JSON.stringify text of the object
 * as it was read: another tool's formatting (Python's `json.dumps` spaces, `1.0`, `\u` escapes)
 * is not what JSON.stringify writes. Only objects whose text differs are kept.
 */
const kept = new WeakMap<object, { text: string; json: string }>();

/**
 * Parses a JSON column. An object or array read here and written back unchanged by a `jsonColumn`
 * writer is stored as its exact original text; once changed, it is stored as JSON.stringify
 * writes it.
 */
export function readJson(text: string | null): unknown {
  if (text === null) return null;
  const value: unknown = JSON.parse(text);
  if (typeof value === 'object' && value !== null) {
    const json = JSON.stringify(value);
    if (json !== text) kept.set(value, { text, json });
  }
  return value;
}

/**
 * The original text of `value` if it still serialises as it did when read. The size limit is
 * judged on the JSON.stringify text, so a value does not pass or fail on another tool's spacing.
 */
function keptText(value: unknown, text: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const memo = kept.get(value);
  return memo !== undefined && memo.json === text ? memo.text : undefined;
}

function serialise(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
