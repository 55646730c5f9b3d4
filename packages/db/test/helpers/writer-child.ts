/**
 * A separate process that writes to a pokecode database without pause until killed, for the
 * online-backup test:  node --import tsx test/helpers/writer-child.ts <db file> [autocheckpoint pages]
 * Prints `ready` after its first commit. A small autocheckpoint makes the WAL start over often.
 */
import { writeSync } from 'node:fs';
import { openConnection } from '../../src/index.ts';

const [path, autocheckpoint] = process.argv.slice(2);
if (!path) throw new Error('usage: writer-child.ts <db file> [autocheckpoint pages]');
const sqlite = openConnection(path);
if (autocheckpoint) sqlite.pragma(`wal_autocheckpoint = ${Number(autocheckpoint)}`);
const sessionId = sqlite.prepare('SELECT id FROM sessions LIMIT 1').pluck().get() as string;
const insert = sqlite.prepare(
  "INSERT INTO session_messages (id, session_id, provider, type, content_data, created_at) VALUES (?, ?, 'claude-code', 'assistant', ?, ?)",
);
const bump = sqlite.prepare('UPDATE sessions SET message_count = message_count + 100 WHERE id = ?');
let n = 0;
const batch = sqlite.transaction(() => {
  for (let i = 0; i < 100; i++, n++)
    insert.run(`writer-${n}`, sessionId, `{"n":${n}}`, Math.floor(Date.now() / 1000));
  bump.run(sessionId);
});
batch.immediate();
writeSync(1, 'ready\n');
for (;;) batch.immediate();
