/**
 * A separate process that migrates one database file, for the concurrency and SIGKILL tests.
 *   node --import tsx test/helpers/migrate-child.ts <db file> <migrations folder>
 * Prints `ready` once the connection is open, waits for a line on stdin, migrates, and prints one
 * line per progress event and a final `result {...}`. Lines go out with writeSync so that a line the
 * parent reads was written before the next step started.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadMigrations, migrate, MigrationError, openConnection } from '../../src/index.ts';

const [dbPath, folder] = process.argv.slice(2);
if (!dbPath || !folder) throw new Error('usage: migrate-child.ts <db file> <migrations folder>');

const say = (line: string) => writeSync(1, `${line}\n`);
const migrations = loadMigrations({ folder });
const sqlite = openConnection(dbPath);
say('ready');

const input = createInterface({ input: process.stdin });
input.once('line', () => {
  input.close();
  process.stdin.destroy(); // an open stdin would keep the process alive
  const started = performance.now();
  migrate(sqlite, migrations, {
    log: () => {},
    onEvent: (event) => say(`event ${JSON.stringify(event)}`),
  })
    .then((result) => {
      say(`result ${JSON.stringify({ ...result, ms: performance.now() - started })}`);
      sqlite.close();
    })
    .catch((error: unknown) => {
      say(`error ${error instanceof MigrationError ? error.code : 'UNKNOWN'} ${String(error)}`);
      process.exitCode = 1;
    });
});
