/**
 * A separate process that migrates a libSQL URL through the client (migrateLibsqlUrl), for the
 * concurrency tests.
 *   node --import tsx test/helpers/libsql-migrate-child.ts <url> <database> [pause]
 * Prints `ready`, waits for a line on stdin, migrates; with `pause` it stops once planned, prints
 * `paused`, and goes on at the next line. One `event {...}` line per event, then `result {...}`.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseDatabaseName } from '../../src/database-names.ts';
import { MigrationError, migrateLibsqlUrl } from '../../src/index.ts';

const [url, database, pause] = process.argv.slice(2);
if (!url || !database) throw new Error('usage: libsql-migrate-child.ts <url> <database> [pause]');

const say = (line: string) => writeSync(1, `${line}\n`);
const name = parseDatabaseName(database);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = () => lines.next();
say('ready');

await nextLine();
let paused = pause !== 'pause';
try {
  // The entry point `agentstate migrate --url` and openDatabase use: a client of its own (WAL for
  // a file), closed afterwards.
  const result = await migrateLibsqlUrl(name, {
    url,
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
  process.stdin.destroy();
}
