import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Transaction } from '@libsql/client';
import { createQueue, openDatabase } from '../../src/index.ts';
import { LEGACY_CLAIM_MS, RECOVERY_INTERVAL_MS } from '../../src/client/shared/lease.ts';
import { pokecodeSql as sql } from '../../src/client/pokecode/statements.ts';
import { bunBinary } from '../../test/conformance/bun-runner.ts';
import type { BenchOptions, Comparison, Suite, SuiteResult } from '../lib/types.ts';
import { measureHotPaths, queueHotPaths, scratchDir } from './driver-rows.ts';

const bunScript = fileURLToPath(new URL('./bun-drivers.ts', import.meta.url));
const SETTINGS =
  'PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL';

/** bun:sqlite rows: the same measurement, run by the Bun binary the package installs. */
function bunRows(quick: boolean): Comparison[] {
  const result = spawnSync(bunBinary(), [bunScript, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`bun bench failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Comparison[];
}

/** libSQL file: rows, in this process: our queue beside @libsql/client with the same SQL. */
async function libsqlRows(quick: boolean): Promise<Comparison[]> {
  const scratch = scratchDir();
  try {
    const open = (file: string) =>
      openDatabase('pokecode', {
        url: `file:${join(scratch.dir, file)}`,
        migrate: { log: () => {} },
      });
    const ours = await open('ours.db');
    const rawHandle = await open('raw.db');
    for (const db of [ours, rawHandle]) {
      await db.client.execute(`INSERT INTO sessions (id, provider, project_path, name, created_at,
        updated_at, last_accessed_at) VALUES ('s1', 'claude-code', '/r', 'n', 1, 1, 1)`);
    }
    rawHandle.close();
    const client = createClient({ url: `file:${join(scratch.dir, 'raw.db')}`, intMode: 'number' });
    const seconds = () => Math.floor(Date.now() / 1000);
    // The raw side writes as the client must on libSQL: settings, then one write transaction.
    const write = async <R>(body: (tx: Transaction) => Promise<R>): Promise<R> => {
      await client.executeMultiple(SETTINGS);
      const tx = await client.transaction('write');
      try {
        const result = await body(tx);
        await tx.commit();
        return result;
      } finally {
        tx.close();
      }
    };
    let lastRecovery = -Infinity;
    const rows = await measureHotPaths(
      'libSQL file:',
      queueHotPaths(createQueue('pokecode', ours, { trackSessions: false }), {
        enqueue: (id) =>
          write((tx) =>
            tx.execute({
              sql: sql.insertJob,
              args: [
                id,
                's1',
                'p',
                'claude-code',
                'pending',
                '{"prompt":"refactor the parser","projectPath":"/home/me/project"}',
                0,
                3,
                seconds(),
              ],
            }),
          ),
        claim: () =>
          write(async (tx) => {
            const now = Date.now();
            if (now - lastRecovery >= RECOVERY_INTERVAL_MS) {
              await tx.execute({
                sql: sql.recoverExpired,
                args: { seconds: seconds(), now, legacy: seconds() - LEGACY_CLAIM_MS / 1000 },
              });
              lastRecovery = now;
            }
            const rs = await tx.execute({
              sql: sql.claimNext,
              args: {
                now: seconds(),
                worker: 'raw',
                token: crypto.randomUUID(),
                expires: now + 60_000,
              },
            });
            return rs.rows[0];
          }),
        complete: (row) =>
          write((tx) =>
            tx.execute({
              sql: sql.completeJob,
              args: [seconds(), row.id as string, row.lease_token as string],
            }),
          ),
        get: (id) => client.execute({ sql: sql.getJob, args: [id] }).then((rs) => rs.rows[0]),
      }),
      quick,
    );
    ours.close();
    client.close();
    return rows;
  } finally {
    scratch.remove();
  }
}

export const driversSuite: Suite = {
  name: 'drivers',
  description:
    'the queue hot paths on bun:sqlite (under Bun) and libSQL file:, each beside its raw driver running the same SQL',
  async run({ quick }: BenchOptions): Promise<SuiteResult> {
    return { comparisons: [...bunRows(quick), ...(await libsqlRows(quick))], skipped: [] };
  },
};
