import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, betterSqlite3Of } from '@agentstate/db';
import * as pokecode from '@agentstate/schema/pokecode';
import { drizzle } from 'drizzle-orm/better-sqlite3';

export const SESSION_COUNT = 120;
export const MESSAGES_PER_SESSION = 3;
/** Sessions 1..40 have messages. */
export const SESSIONS_WITH_MESSAGES = 40;
export const JOB_COUNT = 10;

export function tempDir(prefix = 'agentstate-studio-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const sessionId = (n: number): string => `s${String(n).padStart(3, '0')}`;

/**
 * A pokecode database migrated with the real migrations and filled through the Drizzle schema:
 * 120 sessions (some names with LIKE wildcards, a third without last_message_sent_at, repeated
 * dates), 3 messages for each of the first 40, 10 jobs, and session 1 pointing at job 1.
 */
export async function createPokecodeDatabase(path: string): Promise<void> {
  const handle = await openDatabase('pokecode', { path, migrate: { log: () => {} } });
  try {
    const db = drizzle(betterSqlite3Of(handle.sqlite), { schema: pokecode });
    const base = Date.UTC(2026, 0, 1) / 1000;
    db.transaction(
      (tx) => {
        for (let n = 1; n <= SESSION_COUNT; n++) {
          tx.insert(pokecode.sessions)
            .values({
              id: sessionId(n),
              provider: n % 2 === 0 ? 'codex-cli' : 'claude-code',
              projectPath: `/projects/p${n % 7}`,
              name: n % 10 === 0 ? `100%_done ${n}` : `session ${n}`,
              metadata:
                n % 4 === 0
                  ? null
                  : { repository: `repo-${n}`, branch: 'main', allowedTools: ['Read', 'Edit'] },
              createdAt: new Date((base + n * 3600) * 1000),
              updatedAt: new Date((base + n * 3600) * 1000),
              lastAccessedAt: new Date((base + n * 60) * 1000),
              // Every third is NULL; the others repeat in groups of five (ties in sorting).
              lastMessageSentAt:
                n % 3 === 0 ? null : new Date((base + Math.floor(n / 5) * 86400) * 1000),
              currentJobId: n === 1 ? 'job01' : null,
              messageCount: n <= SESSIONS_WITH_MESSAGES ? MESSAGES_PER_SESSION : 0,
            })
            .run();
        }
        for (let n = 1; n <= SESSIONS_WITH_MESSAGES; n++) {
          for (let m = 1; m <= MESSAGES_PER_SESSION; m++) {
            tx.insert(pokecode.sessionMessages)
              .values({
                id: `${sessionId(n)}-m${m}`,
                sessionId: sessionId(n),
                provider: 'claude-code',
                type: m === 1 ? 'user' : 'assistant',
                contentData: JSON.stringify({
                  role: m === 1 ? 'user' : 'assistant',
                  content: [{ type: 'text', text: `message ${m} of ${n}` }],
                }),
                createdAt: new Date((base + n * 3600 + m) * 1000),
              })
              .run();
          }
        }
        for (let j = 1; j <= JOB_COUNT; j++) {
          tx.insert(pokecode.jobQueue)
            .values({
              id: `job${String(j).padStart(2, '0')}`,
              sessionId: sessionId(j),
              promptId: `prompt-${j}`,
              provider: 'claude-code',
              status: j % 2 === 0 ? 'completed' : 'pending',
              data: { prompt: `do thing ${j}`, projectPath: '/projects/p1' },
              createdAt: new Date((base + j) * 1000),
            })
            .run();
        }
      },
      { behavior: 'immediate' },
    );
  } finally {
    handle.close();
  }
}
