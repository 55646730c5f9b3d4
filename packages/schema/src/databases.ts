/** The five databases this project implements, by the name used in folders, commands and env vars. */
export const databaseNames = ['mcpmaker', 'multishot', 'dipeo', 'pokecode', 'engine'] as const;
export type DatabaseName = (typeof databaseNames)[number];

export function isDatabaseName(value: string): value is DatabaseName {
  return (databaseNames as readonly string[]).includes(value);
}
