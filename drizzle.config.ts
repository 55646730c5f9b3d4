import { defineConfig } from 'drizzle-kit';

/**
 * drizzle-kit configuration for one agentstate database at a time.
 *
 * drizzle-kit handles one schema and one migrations folder per config, so the database is chosen
 * with AGENTSTATE_DB (the `db:*` commands set it). AGENTSTATE_DB_URL points push and studio at a
 * database file. Paths are relative to this file's folder, the workspace root, which is where the
 * `db:*` commands run drizzle-kit.
 */
const databases = ['mcpmaker', 'multishot', 'dipeo', 'pokecode', 'engine'] as const;
const name = process.env.AGENTSTATE_DB ?? '';
if (!(databases as readonly string[]).includes(name)) {
  throw new Error(
    `AGENTSTATE_DB must be one of ${databases.join(', ')} (got ${JSON.stringify(name)}); ` +
      'run drizzle-kit through `pnpm db:generate --db <name>`',
  );
}

export default defineConfig({
  dialect: 'sqlite',
  schema: `./packages/schema/src/${name}/schema.ts`,
  out: process.env.AGENTSTATE_MIGRATIONS_OUT ?? `./packages/schema/migrations/${name}`,
  dbCredentials: { url: process.env.AGENTSTATE_DB_URL ?? ':memory:' },
  strict: true,
  verbose: true,
});
