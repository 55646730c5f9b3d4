import type { z } from 'zod';
import { checkShape, toJsonText } from './checks.ts';
import { checkByteSize, maxBytes } from './limits.ts';
import { compileShapeCheck } from './shape-check.ts';

/**
 * The writer of one JSON column: checks the value against its zod shape, serialises it and checks
 * its size, failing with a RowValidationError naming `table.column`. A value the in-place check
 * vouches for is serialised as it is; any other goes through zod's parse, whose copy (or error) is
 * what gets stored (or thrown), exactly as `checkShape` + `toJsonText` alone would do.
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
    return text;
  };
}

function serialise(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
