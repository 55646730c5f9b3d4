import { quoteId } from './row-queries.ts';

/** One SQL identifier as SQLite accepts it: `x`, "x", [x] or bare. */
const IDENTIFIER = String.raw`(?:\`[^\`]+\`|"(?:[^"]|"")+"|\[[^\]]+\]|[^\s(.]+)`;

function renameIn(sql: string, kind: string, name: string): string {
  const pattern = new RegExp(
    String.raw`^(\s*CREATE\s+${kind}\s+(?:IF\s+NOT\s+EXISTS\s+)?)(?:${IDENTIFIER}\s*\.\s*)?${IDENTIFIER}`,
    'i',
  );
  if (!pattern.test(sql)) throw new Error(`cannot read the name in: ${sql.slice(0, 80)}`);
  return sql.replace(pattern, (_m, head: string) => `${head}${quoteId(name)}`);
}

/** The CREATE TABLE statement with another table name. */
export function renameInCreateTable(sql: string, name: string): string {
  return renameIn(sql, 'TABLE', name);
}

/** The CREATE [UNIQUE] INDEX statement with another index name (SQLite has no ALTER INDEX). */
export function renameInCreateIndex(sql: string, name: string): string {
  return renameIn(sql, String.raw`(?:UNIQUE\s+)?INDEX`, name);
}
