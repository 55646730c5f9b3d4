/**
 * A separate process that rolls one database file back, for the SIGKILL test.
 *   node --import tsx test/helpers/rollback-child.ts <db file> <database name> <to tag>
 * Prints `ready` once the connection is open, waits for a line on stdin, rolls back, and prints
 * one line per event and a final `result {...}` (writeSync: a line read was written before the
 * next step started).
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { DatabaseName } from '@agentstate/schema';
import { loadMigrations, MigrationError, openConnection, rollback } from '../../src/index.ts';

const [dbPath, name, to] = process.argv.slice(2);
if (!dbPath || !name || !to) throw new Error('usage: rollback-child.ts <db file> <name> <to>');

const say = (line: string) => writeSync(1, `${line}\n`);
const migrations = loadMigrations(name as DatabaseName);
const sqlite = openConnection(dbPath);
say('ready');

const input = createInterface({ input: process.stdin });
input.once('line', () => {
  input.close();
  process.stdin.destroy();
  rollback(sqlite, migrations, {
    to,
    log: () => {},
    onEvent: (event) => say(`event ${JSON.stringify(event)}`),
  })
    .then((result) => {
      say(`result ${JSON.stringify(result)}`);
      sqlite.close();
    })
    .catch((error: unknown) => {
      say(`error ${error instanceof MigrationError ? error.code : 'UNKNOWN'} ${String(error)}`);
      process.exitCode = 1;
    });
});
