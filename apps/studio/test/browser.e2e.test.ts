import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '@agentstate/db';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPokecodeDatabase, SESSION_COUNT, tempDir } from './helpers/fixture.ts';
import { startStudioInBrowser, type StudioInBrowser } from './helpers/browser.ts';
import { processAlive, studioRoot, type RunningCommand } from './helpers/processes.ts';

const screenshots = join(studioRoot, 'test-output', 'screenshots');

const temp = tempDir();
let browser: StudioInBrowser | undefined;
let studio: RunningCommand | undefined;
let page: Page;
let base: string;
let pokecodePath: string;
/** Requests the page made to anything but the studio: must stay empty (the browser works offline). */
const offsite: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  pokecodePath = join(temp.dir, 'pokecode.db');
  const enginePath = join(temp.dir, 'engine.db');
  await createPokecodeDatabase(pokecodePath);
  (await openDatabase('engine', { path: enginePath, migrate: { log: () => {} } })).close();
  browser = await startStudioInBrowser({
    dir: temp.dir,
    pokecodePath,
    enginePath,
    viewport: { width: 1400, height: 900 },
  });
  ({ studio, page, base } = browser);
  await browser.context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`)) return route.continue();
    offsite.push(url);
    return route.abort();
  });
});

afterAll(async () => {
  await browser?.stop();
  expect(studio?.child.pid === undefined || !processAlive(studio.child.pid)).toBe(true);
  expect(studio?.output()).toMatch(/^stopping: SIGTERM$/m);
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

  it('links foreign-key cells to the row they reference', async () => {
    await page.goto(`${base}/#/db/pokecode/t/session_messages`);
    const cell = page
      .locator('[data-testid="rows"] tbody tr')
      .nth(4)
      .locator('[data-testid="fk-session_id"]');
    // session_messages: three a session, so the fifth row is s002's second message.
    await expect
      .poll(() =>
        page.locator('[data-testid="rows"] tbody tr').nth(4).locator('td').first().textContent(),
      )
      .toBe('s002-m2');
    expect(await cell.textContent()).toBe('s002');
    expect(await page.locator('th[data-column="session_id"] .type').textContent()).toContain(
      '→ sessions',
    );
    await cell.click();
    const detail = page.locator('[data-testid="row-detail"]');
    await detail.waitFor();
    expect(await detail.locator('dd[data-column="id"]').textContent()).toBe('s002');
    expect(await detail.locator('dd[data-column="name"]').textContent()).toBe('session 2');
    expect(page.url()).toContain('#/db/pokecode/t/sessions/row?match=');
    await shot('08-fk-followed');
    // A relation SQLite does not enforce links too: sessions.current_job_id → job_queue.
    await page.goto(`${base}/#/db/pokecode/t/sessions`);
    const job = page
      .locator('[data-testid="rows"] tbody tr')
      .first()
      .locator('[data-testid="fk-current_job_id"]');
    await job.click();
    await expect.poll(() => page.locator('dd[data-column="id"]').textContent()).toBe('job01');
    expect(await page.locator('dd[data-column="prompt_id"]').textContent()).toBe('prompt-1');
  });

  it('exports the filtered, sorted view as CSV and JSON', async () => {
    await page.goto(`${base}/#/db/pokecode/t/sessions?sort=name&dir=desc&f=provider:eq:codex-cli`);
    await expect.poll(() => page.locator('[data-testid="range"]').textContent()).toBe('rows 1–50');
    const expected = (() => {
      const sqlite = new Database(pokecodePath, { readonly: true });
      try {
        return sqlite
          .prepare(
            "SELECT * FROM sessions WHERE provider = 'codex-cli' ORDER BY name DESC, rowid DESC",
          )
          .all() as Array<Record<string, string | number | null>>;
      } finally {
        sqlite.close();
      }
    })();
    expect(expected).toHaveLength(SESSION_COUNT / 2);

    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="export-csv"]'),
    ]);
    expect(csvDownload.suggestedFilename()).toBe('pokecode-sessions.csv');
    const csv = readFileSync(await csvDownload.path(), 'utf8');
    const [header, ...records] = parse(csv, { relax_quotes: false });
    expect(records).toEqual(
      expected.map((row) =>
        (header ?? []).map((column) => (row[column] === null ? '' : String(row[column]))),
      ),
    );

    const [jsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="export-json"]'),
    ]);
    expect(jsonDownload.suggestedFilename()).toBe('pokecode-sessions.json');
    const exported = JSON.parse(readFileSync(await jsonDownload.path(), 'utf8')) as unknown[];
    expect(exported).toEqual(
      expected.map((row) => ({
        ...row,
        metadata: row.metadata === null ? null : (JSON.parse(row.metadata as string) as unknown),
      })),
    );
  });

  describe('the SQL box', () => {
    const fileHash = () => createHash('sha256').update(readFileSync(pokecodePath)).digest('hex');
    const run = async (sql: string) => {
      await page.fill('[data-testid="sql-input"]', sql);
      await page.click('[data-testid="sql-run"]');
    };

    it('pages the result of a select like a table', async () => {
      await page.goto(`${base}/#/db/pokecode`);
      await page.click('[data-testid="side-sql"]');
      await page.locator('[data-testid="sql-input"]').waitFor();
      await run('SELECT id, name, metadata FROM sessions ORDER BY id');
      const range = page.locator('[data-testid="sql-range"]');
      await expect.poll(() => range.textContent(), { timeout: 20_000 }).toBe('rows 1–50');
      const firstCell = page
        .locator('[data-testid="sql-rows"] tbody tr')
        .first()
        .locator('td')
        .first();
      expect(await firstCell.textContent()).toBe('s001');
      expect(await page.locator('[data-testid="sql-rows"] thead th').allTextContents()).toEqual([
        'id',
        'name',
        'metadata',
      ]);
      // JSON text is shown as JSON, like in tables.
      const cells = page.locator('[data-testid="sql-rows"] tbody tr').first().locator('td');
      expect(await cells.nth(2).locator('details').count()).toBeGreaterThan(0);
      expect(await cells.nth(1).locator('details').count()).toBe(0);
      await page.click('[data-testid="sql-next"]');
      await expect.poll(() => range.textContent(), { timeout: 20_000 }).toBe('rows 51–100');
      expect(await firstCell.textContent()).toBe('s051');
      await page.click('[data-testid="sql-next"]');
      await expect.poll(() => range.textContent(), { timeout: 20_000 }).toBe('rows 101–120');
      expect(await page.locator('[data-testid="sql-next"]').isDisabled()).toBe(true);
      await shot('09-sql-page-3');
      await page.goBack();
      await expect.poll(() => range.textContent(), { timeout: 20_000 }).toBe('rows 51–100');
      expect(await page.locator('[data-testid="sql-input"]').inputValue()).toBe(
        'SELECT id, name, metadata FROM sessions ORDER BY id',
      );
    });

    it('refuses a write and leaves the file as it was', async () => {
      const before = fileHash();
      await run("DELETE FROM sessions WHERE id = 's001'");
      const error = page.locator('[data-testid="sql-result"] [data-testid="error"]');
      await expect
        .poll(() => error.textContent(), { timeout: 20_000 })
        .toMatch(/^q: DELETE is refused: the SQL box runs only statements that read/);
      await run("VACUUM INTO '/tmp/agentstate-studio-copy.db'");
      await expect
        .poll(() => error.textContent(), { timeout: 20_000 })
        .toMatch(/^q: VACUUM is refused/);
      expect(existsSync('/tmp/agentstate-studio-copy.db')).toBe(false);
      expect(fileHash()).toBe(before);
      // The query stays in the box to be corrected; the tables are still there.
      expect(await page.locator('[data-testid="sql-input"]').inputValue()).toContain('VACUUM INTO');
      expect(await page.locator('[data-testid="side-sessions"]').count()).toBe(1);
      await shot('10-sql-refused');
    });

    it('stops a slow query at the time limit', async () => {
      await run(
        'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
      );
      await page.locator('[data-testid="sql-running"]').waitFor();
      const error = page.locator('[data-testid="sql-result"] [data-testid="error"]');
      await expect
        .poll(() => error.textContent(), { timeout: 30_000 })
        .toMatch(/^q: stopped after 5 s, the SQL box's time limit/);
      await shot('11-sql-time-limit');
      // And it answers the next query.
      await run('SELECT count(*) AS n FROM sessions');
      await expect
        .poll(() => page.locator('[data-testid="sql-rows"] tbody td').first().textContent(), {
          timeout: 20_000,
        })
        .toBe(String(SESSION_COUNT));
    });
  });

  it('shows an error with the navigation around it and a way back', async () => {
    await page.goto(`${base}/#/db/pokecode/t/sessions?f=created_at:ge:tomorrow`);
    const error = page.locator('[data-testid="error"]');
    await expect
      .poll(() => error.textContent())
      .toBe('filter: created_at takes a date (2026-01-31) or an epoch number, not "tomorrow"');
    expect(await page.locator('[data-testid="side-session_messages"]').count()).toBe(1);
    expect(await page.locator('#crumbs a').allTextContents()).toEqual(['databases', 'pokecode']);
    // The filter at fault is shown, to be removed.
    expect(await page.locator('[data-testid="filters"] .chip').textContent()).toContain(
      'created_at ≥ tomorrow',
    );
    await shot('12-error-kept-navigation');
    await page.click('[data-testid="error-back"]');
    await expect
      .poll(() => page.locator('[data-testid="range"]').textContent())
      .toBe(`rows 1–50 of ${SESSION_COUNT}`);

    await page.goto(`${base}/#/db/pokecode/t/nope`);
    await expect.poll(() => error.textContent()).toBe('pokecode has no table nope');
    expect(await page.locator('[data-testid="side-sessions"]').count()).toBe(1);
    await page.click('[data-testid="error-back"]');
    await page.locator('[data-testid="tables"]').waitFor();

    await page.goto(`${base}/#/db/nope`);
    await expect.poll(() => error.textContent()).toMatch(/^database: no database "nope" is shown/);
    expect(await page.locator('#sidebar a').count()).toBe(0); // no other database's tables
    await page.click('[data-testid="error-back"]');
    await expect.poll(() => page.locator('a.card').count()).toBe(2);
  });

  it('fetched nothing from the network', () => {
    expect(offsite).toEqual([]);
  });
});
