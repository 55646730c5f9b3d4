/**
 * A list of enum values as SQL string literals, for `status IN (...)` built from the schema's
 * constants rather than retyped.
 */
export function sqlStringList(values: readonly string[]): string {
  return values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', ');
}
