import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createQueue, openDatabase } from '../src/index.ts';
import { toJob } from '../src/client/pokecode/rows.ts';
import { pokecodeSql as sql } from '../src/client/pokecode/statements.ts';
const dir = mkdtempSync(join(tmpdir(), 'bg-'));
const ours = await openDatabase('pokecode', { path: join(dir, 'o.db'), migrate: { log: () => {} } });
ours.sqlite.exec(`INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at) VALUES ('s1', 'claude-code', '/r', 'n', 1, 1, 1)`);
const q = createQueue('pokecode', ours, { trackSessions: false });
const job = q.enqueue({ sessionId: 's1', promptId: 'p', provider: 'claude-code', data: { prompt: 'refactor the parser', projectPath: '/home/me/project' } } as never) as { id: string };
const { Database } = await import('bun:sqlite' as string);
const db = new Database(join(dir, 'o.db'), { strict: true });
const raw = db.prepare(sql.getJob);
const adapted = ours.sqlite.prepare(sql.getJob);
const N = 300000;
function time(name: string, f: () => unknown) {
  for (let i = 0; i < 20000; i++) f();
  let best = Infinity;
  for (let r = 0; r < 15; r++) {
  const t = process.cpuUsage();
  let s = 0;
  for (let i = 0; i < 20000; i++) s += f() ? 1 : 0;
  const u = process.cpuUsage(t);
  best = Math.min(best, (u.user + u.system) / 20000);
  }
  console.log(name.padEnd(20), best.toFixed(3), 'us');
}
for (let k = 0; k < 2; k++) {
time('raw', () => raw.get(job.id));
time('adapter', () => adapted.get(job.id));
time('raw+toJob', () => toJob(raw.get(job.id)));
time('queue.get', () => q.get(job.id));
time('raw again', () => raw.get(job.id));
}
const dec = (r: unknown[]) => ({ id: r[0], sessionId: r[1], promptId: r[2], provider: r[3], status: r[4], data: JSON.parse(r[5] as string), attempts: r[6], maxAttempts: r[7], createdAt: new Date((r[8] as number) * 1000), startedAt: r[9] == null ? null : new Date((r[9] as number) * 1000), completedAt: r[10] == null ? null : new Date((r[10] as number) * 1000), error: r[11], nextRetryAt: r[12] == null ? null : new Date((r[12] as number) * 1000), leaseOwner: r[13], leaseToken: r[14], leaseExpiresAt: r[15] == null ? null : new Date(r[15] as number), progress: r[16] });
for (let k = 0; k < 2; k++) {
time('raw get', () => raw.get(job.id));
time('raw values', () => raw.values(job.id)[0]);
time('raw get+toJob', () => toJob(raw.get(job.id)));
time('values+dec', () => dec(raw.values(job.id)[0]));
}
