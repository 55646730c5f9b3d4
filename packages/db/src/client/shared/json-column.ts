import type { DatabaseName } from '@agentstate/schema';
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
  database: DatabaseName,
  table: string,
  column: string,
  schema: S,
): (value: unknown) => string {
  const fast = compileShapeCheck(schema);
  const limit = maxBytes(database, table, column);
  return (value) => {
    const memo = typeof value === 'object' && value !== null ? kept.get(value) : undefined;
    let text = fast?.(value) ? serialise(value) : undefined;
    if (text === undefined) {
      const parsed = checkShape(table, column, schema, value);
      // zod's copy puts a catchall object's own keys after the shape's and drops keys a shape
      // does not name: a value unchanged since it was read is stored as it was read, all kept.
      if (memo !== undefined && serialise(value) === memo.json) text = memo.json;
      // A value JSON cannot hold (a BigInt, a cycle) fails as it always did, message and all.
      else text = toJsonText(table, column, parsed);
    }
    checkByteSize(table, column, text, limit);
    return memo !== undefined && memo.json === text ? memo.text : text;
  };
}

/**
 * The text each object read by `readJson` came from, with the JSON.stringify text of the object
 * as it was read: another tool's formatting (Python's `json.dumps` spaces, `1.0`, `\u` escapes)
 * is not what JSON.stringify writes. Only objects whose text differs are kept. The size limit is
 * judged on the JSON.stringify text, so a value does not pass or fail on another tool's spacing.
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

function serialise(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
