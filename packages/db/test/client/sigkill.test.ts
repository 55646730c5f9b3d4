import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPokecodeClient, openDatabase, type DatabaseName } from '../../src/index.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { startWorker } from './children/spawn.ts';

/** 200 kills in all, split across the three workloads, which run side by side. */
const KILLS = { messages: 67, transitions: 67, jobs: 66 } as const;
type Workload = keyof typeof KILLS;

async function killRepeatedly(
  workload: Workload,
  path: string,
  sessionId: string,
): Promise<string[]> {
  const acked: string[] = [];
  for (let i = 0; i < KILLS[workload]; i++) {
    const writer = startWorker([workload, path, `writer-${i}`, sessionId]);
    await writer.ready;
    // Kill at a random point of the write loop: mid-statement, mid-transaction, mid-commit.
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 120));
    writer.child.kill('SIGKILL');
    const exit = await writer.exited;
    expect(exit.signal, writer.stderr()).toBe('SIGKILL');
    expect(writer.lines.filter((l) => l.startsWith('error'))).toEqual([]);
    acked.push(...writer.lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4)));
  }
  return acked;
}

async function open(name: DatabaseName, path: string) {
  return openDatabase(name, { path, migrate: { log: () => {} } });
}

describe('writers killed with SIGKILL', () => {
  it('lose no acknowledged write, show no partial transaction, keep seq gapless', async () => {
    const dir = tempDir();
    const paths = {
      messages: join(dir, 'messages.db'),
      transitions: join(dir, 'dipeo.db'),
      jobs: join(dir, 'jobs.db'),
    };
    const sessionIds: Record<string, string> = {};
    for (const workload of ['messages', 'jobs'] as const) {
      const handle = await open('pokecode', paths[workload]);
      sessionIds[workload] = createPokecodeClient(handle).createSession({
        provider: 'claude-code',
        projectPath: '/p',
        name: workload,
      }).id;
      handle.close();
    }
    (await open('dipeo', paths.transitions)).close();

    const [messages, transitions, jobs] = await Promise.all([
      killRepeatedly('messages', paths.messages, sessionIds.messages!),
      killRepeatedly('transitions', paths.transitions, ''),
      killRepeatedly('jobs', paths.jobs, sessionIds.jobs!),
    ]);

    // Messages: every acknowledged one is there, and the counters match the rows exactly.
    const m = await open('pokecode', paths.messages);
    const ids = new Set(
      m.sqlite.prepare('SELECT id FROM session_messages').pluck().all() as string[],
    );
    expect(messages.filter((id) => !ids.has(id))).toEqual([]);
    expect(m.sqlite.prepare('SELECT message_count, token_count FROM sessions').get()).toEqual({
      message_count: ids.size,
      token_count: ids.size * 3,
    });
    expect(m.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    m.close();

    // Transitions: seq runs 1..n without gaps or duplicates; every acknowledged seq is stored.
    const d = await open('dipeo', paths.transitions);
    const seqs = d.sqlite
      .prepare("SELECT seq FROM transitions WHERE execution_id = 'exec' ORDER BY seq")
      .pluck()
      .all() as number[];
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(transitions.map(Number).filter((seq) => seq > seqs.length)).toEqual([]);
    expect(d.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    d.close();

    // Job cycles: every acknowledged state change is durable.
    const j = await open('pokecode', paths.jobs);
    const status = j.sqlite.prepare('SELECT status, lease_token FROM job_queue WHERE id = ?');
    for (const line of jobs) {
      const [step, id] = line.split(' ') as [string, string];
      const row = status.get(id) as { status: string; lease_token: string | null } | undefined;
      expect(row, line).toBeDefined();
      if (step === 'complete') expect(row!.status, line).toBe('completed');
      if (step === 'claim') expect(['processing', 'completed'], line).toContain(row!.status);
    }
    // No half-done completion: completed jobs hold no lease, processing ones do.
    expect(
      j.sqlite
        .prepare(
          "SELECT count(*) FROM job_queue WHERE (status = 'completed' AND lease_token IS NOT NULL) OR (status = 'processing' AND lease_token IS NULL)",
        )
        .pluck()
        .get(),
    ).toBe(0);
    expect(j.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    j.close();
    expect(messages.length + transitions.length + jobs.length).toBeGreaterThan(200);
  }, 300_000);
});
