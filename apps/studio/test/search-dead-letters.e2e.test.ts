import { join } from 'node:path';
import { createClient, openDatabase } from '@agentstate/db';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/fixture.ts';
import { startStudioInBrowser, type StudioInBrowser } from './helpers/browser.ts';

const temp = tempDir();
let browser: StudioInBrowser | undefined;
let page: Page;
let base: string;
let failedJobId = '';
let pokecodeFile = '';

/** Claude Code events as PokéCode stores them, and a job that ran out of attempts. */
async function createFiles(pokecodePath: string, enginePath: string) {
  const handle = await openDatabase('pokecode', { path: pokecodePath, migrate: { log: () => {} } });
  const pokecode = createClient('pokecode', handle);
  const session = pokecode.createSession({
    provider: 'claude-code',
    projectPath: '/shop',
    name: 'shop',
  });
  const say = (type: 'user' | 'assistant', text: string) =>
    pokecode.saveMessage({
      sessionId: session.id,
      provider: 'claude-code',
      type,
      contentData: JSON.stringify(
        type === 'user'
          ? { type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null }
          : {
              type: 'assistant',
              message: { role: 'assistant', content: [{ type: 'text', text }] },
              parent_tool_use_id: null,
            },
      ),
    });
  say('user', 'The checkout <script>alert(1)</script> page throws when the cart is empty');
  say('assistant', 'I will add an empty-cart guard to the checkout service');
  say('assistant', 'Unrelated: the logo is blurry on retina screens');
  const job = pokecode.jobs.enqueue({
    sessionId: session.id,
    promptId: 'p1',
    provider: 'claude-code',
    data: { prompt: 'fix checkout', projectPath: '/shop' },
    maxAttempts: 1,
  });
  const claimed = pokecode.jobs.claim({ worker: 'w1' })!;
  pokecode.jobs.fail(claimed, 'claude exited with code 1: rate limit');
  failedJobId = job.id;
  handle.close();
  (await openDatabase('engine', { path: enginePath, migrate: { log: () => {} } })).close();
}

beforeAll(async () => {
  pokecodeFile = join(temp.dir, 'pokecode.db');
  const enginePath = join(temp.dir, 'engine.db');
  await createFiles(pokecodeFile, enginePath);
  browser = await startStudioInBrowser({ dir: temp.dir, pokecodePath: pokecodeFile, enginePath });
  ({ page, base } = browser);
});

afterAll(async () => {
  await browser?.stop();
  temp.remove();
});

describe('the search box and the dead letters, in Chromium', () => {
  it('searches the messages from the database page and marks the matched words', async () => {
    await page.goto(`${base}/#/db/pokecode`);
    await page.locator('[data-testid="search-input"]').fill('checkout cart');
    await page.locator('[data-testid="search-form"] button').click();
    await page.waitForURL(/#\/db\/pokecode\/search\?/);
    const hits = page.locator('[data-testid="search-hit"]');
    await expect.poll(() => hits.count()).toBe(2);
    const prompt = hits.filter({ hasText: 'alert(1)' });
    expect(await prompt.locator('.snippet mark').allTextContents()).toEqual(['checkout', 'cart']);
    expect(
      await hits.filter({ hasText: 'guard' }).locator('.snippet mark').allTextContents(),
    ).toEqual(['cart', 'checkout']);
    // The message's text is shown as text: its markup is not run or rendered.
    expect(await prompt.locator('.snippet').textContent()).toContain('<script>alert(1)</script>');
    expect(await page.locator('.snippet script').count()).toBe(0);

    await page.locator('[data-testid="search-input"]').fill('checkout OR retina');
    await page.locator('[data-testid="search-form"] button').click();
    await expect.poll(() => hits.count()).toBe(3);
  });

  it('shows what is wrong with a malformed query', async () => {
    await page.goto(
      `${base}/#/db/pokecode/search?table=session_messages&q=${encodeURIComponent('cart AND')}`,
    );
    await expect
      .poll(() => page.locator('main').textContent())
      .toContain('q: syntax error near ""');
  });

  it('lists the failed jobs with their last error, linked to the row', async () => {
    await page.goto(`${base}/#/db/pokecode`);
    await page.locator('[data-testid="dead-letters-link"]').click();
    const row = page.locator(`[data-testid="dead-letter-${failedJobId}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(3).textContent()).toBe(
      'claude exited with code 1: rate limit',
    );
    expect(await row.locator('td').nth(2).textContent()).toBe('1');
    expect(await page.locator('[data-testid="dead-letters-count"]').textContent()).toMatch(
      /^1 failed in job_queue/,
    );
    await row.locator('a').click();
    await page.waitForURL(/\/t\/job_queue\/row\?match=/);
  });

  it('refuses a retry in a studio opened read-only, and the job stays failed', async () => {
    await page.goto(`${base}/#/db/pokecode/dead-letters`);
    await page.locator(`[data-testid="dead-letter-${failedJobId}"]`).waitFor();
    expect(await page.locator('[data-testid="dead-letters-count"]').textContent()).toContain(
      'Read-only: start the studio with --write to retry them.',
    );
    expect(await page.locator(`[data-testid="retry-${failedJobId}"]`).isDisabled()).toBe(true);
    expect(await page.locator('[data-testid="dead-letters-retry-all"]').isDisabled()).toBe(true);
    // The page's own request, as the button would send it.
    const answer = await page.evaluate(async (id) => {
      const response = await fetch('/api/databases/pokecode/dead-letters/retry', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      return { status: response.status, body: (await response.json()) as { error: string } };
    }, failedJobId);
    expect(answer).toEqual({
      status: 403,
      body: { error: 'pokecode is open read-only: start the studio with --write to change it' },
    });
    const sqlite = new Database(pokecodeFile, { readonly: true });
    try {
      expect(
        sqlite.prepare('SELECT status FROM job_queue WHERE id = ?').pluck().get(failedJobId),
      ).toBe('failed');
    } finally {
      sqlite.close();
    }
  });

  it('the API names a table without an index and a database without a queue', async () => {
    const get = async (path: string) => {
      const response = await fetch(`${base}/api/databases/${path}`);
      return { status: response.status, body: (await response.json()) as { error?: string } };
    };
    expect(await get('pokecode/search?table=job_queue&q=x')).toEqual({
      status: 400,
      body: {
        error:
          'table: pokecode has no full-text index on "job_queue" (searchable: session_messages)',
      },
    });
    expect((await get('engine/dead-letters')).body).toMatchObject({ table: 'workers', total: 0 });
    expect((await get('pokecode')).body).toMatchObject({
      search: [{ table: 'session_messages', fts: 'session_messages_fts' }],
      deadLetters: 'job_queue',
    });
  });
});
