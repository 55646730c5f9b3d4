import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openConnection } from '../src/index.ts';
import {
  LagTracker,
  litestreamMetaDir,
  ShadowWalSalts,
  WalCommitReader,
} from '../src/replicate/lag-tracker.ts';
import { startReplication } from '../src/replicate/replication.ts';
import { tempDir } from './helpers/fixtures.ts';
import { pokecodeWithSession } from './helpers/replication.ts';

/** A pokecode database whose WAL only this connection's explicit checkpoints start over. */
async function appender() {
  const path = await pokecodeWithSession(tempDir());
  const sqlite = openConnection(path);
  sqlite.pragma('wal_autocheckpoint = 0');
  const session = sqlite.prepare('SELECT id FROM sessions LIMIT 1').pluck().get() as string;
  const insert = sqlite.prepare(
    "INSERT INTO session_messages (id, session_id, provider, type, content_data, created_at) VALUES (?, ?, 'claude-code', 'assistant', '{}', 0)",
  );
  let seq = 0;
  return {
    path,
    dir: dirname(path),
    append: (n = 1) => {
      for (let i = 0; i < n; i++) insert.run(`append-${seq++}`, session);
    },
    /** Checkpoints the whole WAL: the next commit starts it over, with new salts. */
    restartWal: () => {
      const [result] = sqlite.pragma('wal_checkpoint(RESTART)') as Array<{ busy: number }>;
      expect(result?.busy).toBe(0);
    },
    close: () => sqlite.close(),
  };
}

describe('WalCommitReader', () => {
  it('reads the commits an old WAL got after the last read, when the WAL started over before the next', async () => {
    const db = await appender();
    const reader = new WalCommitReader(`${db.path}-wal`);
    db.append(20);
    const [seen] = reader.read();
    expect(seen).toBeDefined();
    // One more commit in that WAL, then it starts over before the reader looks again (Litestream
    // checkpointing between two polls): the commit is only in the old WAL's frames.
    db.append();
    db.restartWal();
    db.append();
    const next = reader.read();
    expect(next).toHaveLength(2);
    expect(next[0]?.salt).toBe(seen?.salt);
    expect(next[0]?.end).toBeGreaterThan(seen!.end);
    expect(Number.isFinite(next[0]?.end)).toBe(true);
    expect(next[1]?.salt).not.toBe(seen?.salt);
    // Nothing new since: nothing is reported twice.
    expect(reader.read()).toEqual([]);
    db.close();
  });

  it('stands for them with a commit it cannot place when the new WAL already overwrote them', async () => {
    const db = await appender();
    const reader = new WalCommitReader(`${db.path}-wal`);
    // A short WAL, read; a commit after the read; then the WAL starts over and outgrows it.
    db.restartWal();
    db.append();
    const [seen] = reader.read();
    expect(seen).toBeDefined();
    db.append();
    db.restartWal();
    db.append(20);
    const next = reader.read();
    expect(next.map((c) => [c.salt === seen?.salt, c.end === Number.POSITIVE_INFINITY])).toEqual([
      [true, true],
      [false, false],
    ]);
    db.close();
  });
});

describe('LagTracker', () => {
  it('a commit shipped before a poll saw it confirms the commits seen before it, also in an older WAL', async () => {
    const db = await appender();
    const reader = new WalCommitReader(`${db.path}-wal`);
    const tracker = new LagTracker(new ShadowWalSalts(litestreamMetaDir(db.path)));
    db.append();
    tracker.observe(reader.read(), 0);
    expect(tracker.pendingCount).toBe(1);
    // The WAL starts over with a commit, and Litestream ships it (a new generation whose shadow
    // WAL names the new salts) before the next poll: the poll finds it already confirmed.
    db.restartWal();
    db.append();
    const replication = await startReplication({ path: db.path, to: join(db.dir, 'replica') });
    await replication.caughtUp();
    await replication.stop();
    const generation = readFileSync(join(litestreamMetaDir(db.path), 'generation'), 'utf8').trim();
    const [shipped] = new WalCommitReader(`${db.path}-wal`).read().slice(-1);
    expect(tracker.confirm({ generation, index: 0, offset: shipped!.end }, 10)).toBeUndefined();
    tracker.observe(reader.read(), 20);
    // Nothing is left waiting (before, the older WAL's commit waited for ever and so did
    // Replication.caughtUp); the lag is back to the time since the last poll.
    expect(tracker.pendingCount).toBe(0);
    expect(tracker.lagMs(30)).toBe(10);
    db.close();
  });
});
