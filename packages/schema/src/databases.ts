/** The five databases this project implements, by the name used in folders, commands and env vars. */
export const databaseNames = ['mcpmaker', 'multishot', 'dipeo', 'pokecode', 'engine'] as const;
export type DatabaseName = (typeof databaseNames)[number];

export function isDatabaseName(value: string): value is DatabaseName {
  return (databaseNames as readonly string[]).includes(value);
}

/** The one wording, in every command, for a name that is not one of the five. */
export function unknownDatabase(value: string): string {
  return `unknown database ${JSON.stringify(value)} (one of ${databaseNames.join(', ')})`;
}

/** `value` as a database name, or a RangeError worded by `unknownDatabase`. */
export function parseDatabaseName(value: string): DatabaseName {
  if (!isDatabaseName(value)) throw new RangeError(unknownDatabase(value));
  return value;
}
