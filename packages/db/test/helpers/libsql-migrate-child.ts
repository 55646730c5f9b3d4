/**
 * A separate process that migrates a libSQL URL through the client (migrate-libsql.ts), for the
 * concurrency tests.
 *   node --import tsx test/helpers/libsql-migrate-child.ts <url> <database> [pause]
 * Prints `ready`, waits for a line on stdin, migrates; with `pause` it stops once planned, prints
 * `paused`, and goes on at the next line. One `event {...}` line per event, then `result {...}`.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createClient } from '@libsql/client';
import { parseDatabaseName } from '../../src/database-names.ts';
import { loadMigrations, migrateLibsql, MigrationError } from '../../src/index.ts';

const [url, database, pause] = process.argv.slice(2);
if (!url || !database) throw new Error('usage: libsql-migrate-child.ts <url> <database> [pause]');

const say = (line: string) => writeSync(1, `${line}\n`);
const migrations = loadMigrations(parseDatabaseName(database));
const client = createClient({ url, intMode: 'number' });
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = () => lines.next();
say('ready');

await nextLine();
let paused = pause !== 'pause';
try {
  const result = await migrateLibsql(client, url, migrations, {
    log: () => {},
    onEvent: async (event) => {
      say(`event ${JSON.stringify(event)}`);
      if (event.type === 'planned' && !paused) {
        paused = true;
        say('paused');
        await nextLine();
      }
    },
  });
  say(`result ${JSON.stringify(result)}`);
} catch (error) {
  say(`error ${error instanceof MigrationError ? error.code : 'UNKNOWN'} ${String(error)}`);
  process.exitCode = 1;
} finally {
  client.close();
  process.stdin.destroy();
}
