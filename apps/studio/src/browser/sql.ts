/**
 * Quotes an identifier for SQL. Every identifier passed here comes from the schema metadata
 * (describeDatabase), never from a request; quoting is a second line of defence.
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Escapes LIKE wildcards so user text matches literally (used with `ESCAPE '\'`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
