// Run by Bun (see drivers.ts): the bun:sqlite rows, printed as JSON on stdout.
import { join } from 'node:path';
import { createQueue, openDatabase } from '../../src/index.ts';
import { connectionPragmas } from '../../src/open/pragmas.ts';
import { LEGACY_CLAIM_MS, RECOVERY_INTERVAL_MS } from '../../src/client/shared/lease.ts';
import { pokecodeSql as sql } from '../../src/client/pokecode/statements.ts';
import { measureHotPaths, queueHotPaths, scratchDir } from './driver-rows.ts';

const quick = process.argv.includes('--quick');
const scratch = scratchDir();
try {
  const ours = await openDatabase('pokecode', {
    path: join(scratch.dir, 'ours.db'),
    migrate: { log: () => {} },
  });
  const raw = await openDatabase('pokecode', {
    path: join(scratch.dir, 'raw.db'),
    migrate: { log: () => {} },
  });
  for (const db of [ours, raw]) {
    db.sqlite.exec(`INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at,
      last_accessed_at) VALUES ('s1', 'claude-code', '/r', 'n', 1, 1, 1)`);
  }
  const queue = createQueue('pokecode', ours, { trackSessions: false });
  // The raw side: bun:sqlite's own Database under the same pragmas, the same statements.
  // A specifier in a variable: bun:sqlite's types ship with Bun, not with this package.
  const bunSqlite = 'bun:sqlite';
  const { Database } = (await import(bunSqlite)) as {
    Database: new (
      path: string,
      options: object,
    ) => {
      prepare(sql: string): { run(...a: unknown[]): unknown; get(...a: unknown[]): unknown };
      transaction<F extends (...a: never[]) => unknown>(fn: F): { immediate: F };
      exec(sql: string): void;
    };
  };
  raw.close();
  const db = new Database(join(scratch.dir, 'raw.db'), { strict: true });
  // The connection settings ours has, from the same list.
  for (const pragma of connectionPragmas()) db.exec(`PRAGMA ${pragma}`);
  const st = Object.fromEntries(Object.entries(sql).map(([k, v]) => [k, db.prepare(v)]));
  const seconds = () => Math.floor(Date.now() / 1000);
  let lastRecovery = -Infinity;
  const claim = db.transaction(() => {
    const now = Date.now();
    if (now - lastRecovery >= RECOVERY_INTERVAL_MS) {
      st.recoverExpired!.get({
        seconds: seconds(),
        now,
        legacy: seconds() - LEGACY_CLAIM_MS / 1000,
      });
      lastRecovery = now;
    }
    return st.claimNext!.get({
      now: seconds(),
      worker: 'raw',
      token: crypto.randomUUID(),
      expires: now + 60_000,
    });
  });
  const enqueue = db.transaction((id: string) =>
    st.insertJob!.run(
      id,
      's1',
      'p',
      'claude-code',
      'pending',
      '{"prompt":"refactor the parser","projectPath":"/home/me/project"}',
      0,
      3,
      seconds(),
    ),
  );
  const rows = await measureHotPaths(
    'bun:sqlite',
    queueHotPaths(queue, {
      enqueue: (id) => enqueue.immediate(id),
      claim: () => claim.immediate(),
      complete: (row) => st.completeJob!.get(seconds(), row.id, row.lease_token),
      get: (id) => st.getJob!.get(id),
    }),
    quick,
  );
  ours.close();
  console.log(JSON.stringify(rows));
} finally {
  scratch.remove();
}
