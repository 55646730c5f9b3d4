/**
 * A separate process appending messages to a pokecode database, one commit each, for the
 * replication tests:  node --import tsx test/helpers/append-writer.ts <db file> [pause ms] [first seq]
 * After each commit it prints `<seq> <Date.now() after the commit> <ms the commit took>`, so the
 * parent knows what was committed when, and how long each write waited. Runs until killed.
 */
import { writeSync } from 'node:fs';
import { openConnection } from '../../src/index.ts';

const [path, pause = '5', first = '0'] = process.argv.slice(2);
if (!path) throw new Error('usage: append-writer.ts <db file> [pause ms] [first seq]');
const sqlite = openConnection(path);
const sessionId = sqlite.prepare('SELECT id FROM sessions LIMIT 1').pluck().get() as string;
const insert = sqlite.prepare(
  "INSERT INTO session_messages (id, session_id, provider, type, content_data, created_at) VALUES (?, ?, 'claude-code', 'assistant', ?, ?)",
);
const append = sqlite.transaction((seq: number) => {
  insert.run(`append-${seq}`, sessionId, JSON.stringify({ seq }), Math.floor(Date.now() / 1000));
});
let seq = Number(first);
const step = () => {
  const started = performance.now();
  append.immediate(seq);
  const took = performance.now() - started;
  writeSync(1, `${seq} ${Date.now()} ${took.toFixed(2)}\n`);
  seq++;
  setTimeout(step, Number(pause));
};
step();
