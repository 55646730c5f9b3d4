import { join } from 'node:path';
import { createClient, openDatabase } from '@agentstate/db';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/fixture.ts';
import { startStudioInBrowser, type StudioInBrowser } from './helpers/browser.ts';

const temp = tempDir();
const pokecodePath = join(temp.dir, 'pokecode.db');
const enginePath = join(temp.dir, 'engine.db');
let browser: StudioInBrowser | undefined;
let page: Page;
let base: string;
const failedIds: string[] = [];
/** A failed job as PokéCode's own worker leaves it: no completed_at, no lease columns. */
const originalFailedId = 'k5q1x0rzv8c2m9n4b7t3y6wa';

async function createFiles() {
  const handle = await openDatabase('pokecode', { path: pokecodePath, migrate: { log: () => {} } });
  const pokecode = createClient('pokecode', handle);
  const session = pokecode.createSession({
    provider: 'claude-code',
    projectPath: '/shop',
    name: 'shop',
  });
  for (const [promptId, error] of [
    ['p1', 'claude exited with code 1: rate limit'],
    ['p2', 'claude exited with code 137'],
  ] as const) {
    const job = pokecode.jobs.enqueue({
      sessionId: session.id,
      promptId,
      provider: 'claude-code',
      data: { prompt: `prompt ${promptId}`, projectPath: '/shop' },
      maxAttempts: 1,
    });
    const claimed = pokecode.jobs.claim({ worker: 'w1' })!;
    pokecode.jobs.fail(claimed, error);
    failedIds.push(job.id);
  }
  // A job still pending: retry all must leave it alone.
  pokecode.jobs.enqueue({
    sessionId: session.id,
    promptId: 'p3',
    provider: 'claude-code',
    data: { prompt: 'prompt p3', projectPath: '/shop' },
  });
  handle.sqlite
    .prepare(
      `INSERT INTO job_queue (id, session_id, prompt_id, provider, status, data, attempts,
         max_attempts, created_at, started_at, error)
       VALUES (?, ?, 'p0', 'claude-code', 'failed', ?, 3, 3, 1764590000, 1764590100, ?)`,
    )
    .run(
      originalFailedId,
      session.id,
      JSON.stringify({ prompt: 'prompt p0', projectPath: '/shop' }),
      'Error: spawn claude ENOENT',
    );
  handle.close();
  (await openDatabase('engine', { path: enginePath, migrate: { log: () => {} } })).close();
}

/** The jobs' status and attempts as the file holds them, read on a connection of the test's own. */
function jobsInFile(): Map<string, { status: string; attempts: number; error: string | null }> {
  const sqlite = new Database(pokecodePath, { readonly: true });
  try {
    const rows = sqlite
      .prepare('SELECT id, status, attempts, error FROM job_queue')
      .all() as Array<{
      id: string;
      status: string;
      attempts: number;
      error: string | null;
    }>;
    return new Map(rows.map(({ id, ...rest }) => [id, rest]));
  } finally {
    sqlite.close();
  }
}

beforeAll(async () => {
  await createFiles();
  browser = await startStudioInBrowser({
    dir: temp.dir,
    pokecodePath,
    enginePath,
    args: ['--write'],
  });
  ({ page, base } = browser);
});

afterAll(async () => {
  await browser?.stop();
  temp.remove();
});

describe('retrying dead letters in a studio started with --write, in Chromium', () => {
  it('retries one job: its row leaves the list and the job is pending in the file', async () => {
    await page.goto(`${base}/#/db/pokecode/dead-letters`);
    const rows = page.locator('[data-testid="dead-letters"] tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const original = page.locator(`[data-testid="dead-letter-${originalFailedId}"]`);
    expect(await original.locator('td').nth(3).textContent()).toBe('Error: spawn claude ENOENT');
    expect(await original.locator('td').nth(1).textContent()).toBe(''); // no completed_at

    const first = failedIds[0]!;
    await page.locator(`[data-testid="retry-${first}"]`).click();
    await expect
      .poll(() => page.locator('[data-testid="dead-letters-status"]').textContent())
      .toBe(`Retried ${first}: pending again.`);
    expect(await page.locator(`[data-testid="dead-letter-${first}"]`).count()).toBe(0);
    expect(await rows.count()).toBe(2);
    expect(await page.locator('[data-testid="dead-letters-count"]').textContent()).toMatch(
      /^2 failed in job_queue/,
    );

    const jobs = jobsInFile();
    expect(jobs.get(first)).toEqual({
      status: 'pending',
      attempts: 0,
      error: 'claude exited with code 1: rate limit',
    });
    expect(jobs.get(failedIds[1]!)?.status).toBe('failed');
    expect(jobs.get(originalFailedId)?.status).toBe('failed');
  });

  it('retries all: the list is empty and every failed job is pending, the rest untouched', async () => {
    const before = jobsInFile();
    const retryAll = page.locator('[data-testid="dead-letters-retry-all"]');
    expect(await retryAll.textContent()).toBe('Retry all (2)');
    await retryAll.click();
    await expect
      .poll(() => page.locator('[data-testid="dead-letters-status"]').textContent())
      .toBe('Retried 2: pending again.');
    expect(await page.locator('[data-testid="dead-letters"] tbody tr').count()).toBe(0);
    expect(await retryAll.isDisabled()).toBe(true);

    const after = jobsInFile();
    for (const id of [failedIds[1]!, originalFailedId]) {
      expect(after.get(id)).toMatchObject({ status: 'pending', attempts: 0 });
    }
    expect([...after.values()].filter((job) => job.status === 'failed')).toEqual([]);
    // Every job that was not failed is exactly as it was.
    for (const [id, job] of before) {
      if (job.status !== 'failed') expect(after.get(id)).toEqual(job);
    }
  });

  it('answers a job that is not failed with 409, and a missing one with 404', async () => {
    const retry = (body: unknown) =>
      page.evaluate(async (text) => {
        const response = await fetch('/api/databases/pokecode/dead-letters/retry', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: text,
        });
        return { status: response.status, body: (await response.json()) as { error: string } };
      }, JSON.stringify(body));
    expect(await retry({ id: failedIds[0] })).toEqual({
      status: 409,
      body: {
        error: `job_queue "${failedIds[0]}" is pending: cannot retry it (only a failed job is retried)`,
      },
    });
    expect((await retry({ id: 'nope' })).status).toBe(404);
    expect(await retry({ id: 'x', all: true })).toEqual({
      status: 400,
      body: {
        error: 'body: expected {"id": "<job id>"} or {"all": true}, not {"id":"x","all":true}',
      },
    });
  });

  it('refuses a change to a database it only shows (not the one opened with --write)', async () => {
    const answer = await page.evaluate(async () => {
      const response = await fetch('/api/databases/engine/dead-letters/retry', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ all: true }),
      });
      return { status: response.status, body: (await response.json()) as { error: string } };
    });
    expect(answer).toEqual({
      status: 403,
      body: {
        error:
          'engine is shown read-only: only the database opened with --db and --write (pokecode) can be changed',
      },
    });
    await page.goto(`${base}/#/db/engine/dead-letters`);
    await page.locator('[data-testid="dead-letters-count"]').waitFor();
    expect(await page.locator('[data-testid="dead-letters-retry-all"]').isDisabled()).toBe(true);
  });
});
