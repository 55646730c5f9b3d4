import { existsSync } from 'node:fs';
import { defineConfig } from 'drizzle-kit';

/**
 * drizzle-kit configuration for one agentstate database at a time (`src/kit/drizzle-kit.ts` runs
 * drizzle-kit with it, from this folder).
 *
 * drizzle-kit handles one schema and one migrations folder per config, so the database is chosen
 * with AGENTSTATE_DB; AGENTSTATE_DB_URL points push and studio at a database file, and
 * AGENTSTATE_MIGRATIONS_OUT sends generate's output elsewhere (the drift check's scratch copy).
 */
const name = process.env.AGENTSTATE_DB ?? '';
const schema = `./src/${name}/schema.ts`;
if (!/^[a-z][a-z0-9_]*$/.test(name) || !existsSync(schema)) {
  throw new Error(
    `AGENTSTATE_DB must name a database folder with a schema.ts (got ${JSON.stringify(name)}); ` +
      'run drizzle-kit through `pnpm db:generate --db <name>`',
  );
}

export default defineConfig({
  dialect: 'sqlite',
  schema,
  out: process.env.AGENTSTATE_MIGRATIONS_OUT ?? `./migrations/${name}`,
  dbCredentials: { url: process.env.AGENTSTATE_DB_URL ?? ':memory:' },
  // Push runs with no terminal: strict would ask to confirm every change (data-loss statements
  // still ask, and the command reports that as a failure).
  strict: process.env.AGENTSTATE_DRIZZLE_LENIENT !== '1',
  verbose: true,
  // The full-text indexes (`<table>_fts` and the shadow tables FTS5 keeps beside it) are made by
  // hand-written migrations, not by the Drizzle schema: push and studio leave them alone.
  tablesFilter: ['!*_fts', '!*_fts_*'],
});
