import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '@agentstate/db';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/kit/drizzle-kit.ts';
import { createPokecodeDatabase, SESSION_COUNT, tempDir } from './helpers/fixture.ts';
import { processAlive, run, studioRoot, type RunningCommand } from './helpers/processes.ts';

const executablePath = process.env.AGENTSTATE_CHROMIUM ?? '/usr/bin/chromium';
const screenshots = join(studioRoot, 'test-output', 'screenshots');
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!existsSync(executablePath)) {
  throw new Error(
    `${executablePath} is missing: run \`pnpm -F @agentstate/studio install-browser\` (Debian's chromium)`,
  );
}

const temp = tempDir();
let studio: RunningCommand;
let context: BrowserContext;
let page: Page;
let base: string;
/** Requests the page made to anything but the studio: must stay empty (the browser works offline). */
const offsite: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  const pokecodePath = join(temp.dir, 'pokecode.db');
  const enginePath = join(temp.dir, 'engine.db');
  await createPokecodeDatabase(pokecodePath);
  (await openDatabase('engine', { path: enginePath, migrate: { log: () => {} } })).close();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  studio = run(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main.ts',
      '--db',
      'pokecode',
      '--path',
      pokecodePath,
      '--engine-path',
      enginePath,
      '--port',
      String(port),
      '--no-drizzle-kit',
    ],
    { cwd: studioRoot, env: { HOME: temp.dir, AGENTSTATE_DIPEO_PATH: join(temp.dir, 'none.db') } },
  );
  await studio.waitFor(/Offline browser:/);
  context = await chromium.launchPersistentContext(join(temp.dir, 'profile'), {
    executablePath,
    args: chromiumArgs,
    headless: true,
    viewport: { width: 1400, height: 900 },
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`)) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  if (studio && studio.child.exitCode === null) {
    studio.child.kill('SIGTERM');
    await studio.exited;
  }
  expect(studio?.child.pid === undefined || !processAlive(studio.child.pid)).toBe(true);
  temp.remove();
});

describe('offline browser in Chromium', () => {
  it('lists the databases whose files exist', async () => {
    await page.goto(`${base}/`);
    await expect.poll(() => page.locator('a.card').count()).toBe(2);
    expect(await page.locator('[data-testid="db-pokecode"]').textContent()).toContain(
      'Drizzle Studio',
    );
    expect(await page.locator('[data-testid="db-engine"]').getAttribute('href')).toBe(
      '#/db/engine',
    );
    expect(await page.locator('[data-testid="db-dipeo"]').textContent()).toContain('no file at');
    await shot('01-databases');
  });

  it('opens a database: its tables with row counts', async () => {
    await page.click('[data-testid="db-pokecode"]');
    const sessions = page.locator('[data-testid="table-sessions"]');
    await sessions.waitFor();
    expect(await sessions.locator('td').nth(1).textContent()).toBe(String(SESSION_COUNT));
    expect(
      await page.locator('[data-testid="table-session_messages"] td').nth(1).textContent(),
    ).toBe('120');
    await shot('02-tables');
  });

  it('pages through a table and back', async () => {
    await page.click('[data-testid="table-sessions"] a');
    const range = page.locator('[data-testid="range"]');
    await expect.poll(() => range.textContent()).toBe('rows 1–50 of 120');
    expect(await page.locator('[data-testid="rows"] tbody tr').count()).toBe(50);
    await page.click('[data-testid="next"]');
    await expect.poll(() => range.textContent()).toBe('rows 51–100 of 120');
    expect(
      await page
        .locator('[data-testid="rows"] tbody tr')
        .first()
        .locator('td')
        .first()
        .textContent(),
    ).toBe('s051');
    await page.click('[data-testid="next"]');
    await expect.poll(() => range.textContent()).toBe('rows 101–120 of 120');
    expect(await page.locator('[data-testid="next"]').isDisabled()).toBe(true);
    await page.click('[data-testid="prev"]');
    await expect.poll(() => range.textContent()).toBe('rows 51–100 of 120');
    await shot('03-sessions-page-2');
  });

  it('sorts by a column', async () => {
    await page.click('[data-testid="sort-id"]');
    await page.click('[data-testid="sort-id"]'); // second click: descending
    const firstId = page.locator('[data-testid="rows"] tbody tr').first().locator('td').first();
    await expect.poll(() => firstId.textContent()).toBe('s120');
    expect(await page.locator('th[data-column="id"]').getAttribute('aria-sort')).toBe('descending');
  });

  it('filters by a column, offering the enum values from the schema', async () => {
    await page.selectOption('[data-testid="filter-column"]', 'provider');
    const options = await page
      .locator('select[data-testid="filter-value"] option')
      .allTextContents();
    expect(options).toEqual(['claude-code', 'codex-cli']);
    await page.selectOption('select[data-testid="filter-value"]', 'codex-cli');
    await page.click('[data-testid="filter-apply"]');
    await expect.poll(() => page.locator('[data-testid="range"]').textContent()).toBe('rows 1–50');
    const providers = await page
      .locator('[data-testid="rows"] tbody tr td:nth-child(2)')
      .allTextContents();
    expect(providers).toHaveLength(50);
    expect(new Set(providers)).toEqual(new Set(['codex-cli']));
    expect(await page.locator('[data-testid="filters"] .chip').textContent()).toContain(
      'provider = codex-cli',
    );
    await page.click('[data-testid="next"]');
    await expect.poll(() => page.locator('[data-testid="range"]').textContent()).toBe('rows 51–60');
    await shot('04-filtered');
  });

  it('opens a row with its JSON pretty-printed and collapsible', async () => {
    await page.goto(`${base}/#/db/pokecode/t/sessions`);
    await page.locator('[data-testid="rows"] tbody tr').first().locator('td').first().click();
    const detail = page.locator('[data-testid="row-detail"]');
    await detail.waitFor();
    expect(await detail.locator('dd[data-column="id"]').textContent()).toBe('s001');
    const json = detail.locator('dd[data-column="metadata"] details').first();
    expect(await json.getAttribute('open')).not.toBeNull();
    expect(await detail.locator('dd[data-column="metadata"]').textContent()).toContain(
      '"repository": "repo-1"',
    );
    await json.locator('summary').first().click();
    expect(await json.getAttribute('open')).toBeNull();
    // A relation declared only in Drizzle (sessions.current_job_id → job_queue.id).
    expect(await page.locator('[data-testid="follow-currentJob"]').textContent()).toBe(
      'job_queue job01',
    );
    await shot('05-row-detail');
  });

  it('follows foreign keys both ways', async () => {
    // Into the session's messages (incoming foreign key) ...
    await page.click('[data-testid="incoming-session_messages-session_id"]');
    await expect.poll(() => page.locator('[data-testid="rows"] tbody tr').count()).toBe(3);
    await page.locator('[data-testid="rows"] tbody tr').nth(1).locator('td').first().click();
    await page.locator('[data-testid="row-detail"]').waitFor();
    expect(await page.locator('dd[data-column="id"]').textContent()).toBe('s001-m2');
    expect(await page.locator('dd[data-column="content_data"]').textContent()).toContain(
      '"text": "message 2 of 1"',
    );
    await shot('06-message');
    // ... and back along session_messages.session_id to the session.
    await page.click('[data-testid="follow-session"]');
    await expect.poll(() => page.locator('dd[data-column="name"]').textContent()).toBe('session 1');
  });

  it('shows the ER diagram and opens a table from it', async () => {
    await page.goto(`${base}/#/db/pokecode`);
    await page.click('[data-testid="er-link"]');
    const diagram = page.locator('[data-testid="er-diagram"] svg');
    await diagram.waitFor();
    expect(await diagram.locator('a.er-table').count()).toBe(4);
    expect(await diagram.locator('path.er-link').count()).toBeGreaterThanOrEqual(3);
    expect(await diagram.locator('path.er-link-relation').count()).toBeGreaterThanOrEqual(1);
    await shot('07-er-diagram');
    await diagram.locator('a.er-table[data-table="job_queue"]').click();
    await expect
      .poll(() => page.locator('[data-testid="range"]').textContent())
      .toBe('rows 1–10 of 10');
  });

  it('fetched nothing from the network', () => {
    expect(offsite).toEqual([]);
  });
});
