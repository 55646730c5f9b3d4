import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from '@agentstate/db';
import { tempDir } from '@agentstate/db/testing';
import { errorLines, runCli } from './helpers/cli.ts';

// --through-client sends a file: URL down the server's code path (the real @libsql/client on a
// real file), so `migrate --url` and `status --url` are exercised without a server.

// Pokecode's history: its newest step is the one left pending.
const steps = loadMigrations('pokecode');
const newest = steps.at(-1)!.tag;
const previous = steps.at(-2)!.tag;

function dirs() {
  const root = tempDir();
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  mkdirSync(home);
  mkdirSync(cwd);
  const file = join(cwd, 'pokecode.db');
  return { home, cwd, file, url: `file:${file}` };
}

/** A seeded pokecode file with its newest step rolled back, so one step is pending. */
function seededOneBehind(d: ReturnType<typeof dirs>) {
  expect(runCli(['migrate', '--db', 'pokecode', '--path', d.file], d).status).toBe(0);
  expect(runCli(['seed', '--db', 'pokecode', '--path', d.file, '--rows', '200'], d).status).toBe(0);
  const rolled = runCli(['rollback', '--db', 'pokecode', '--path', d.file, '--to', previous], d);
  expect(rolled.status).toBe(0);
}

/** A local port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const count = (file: string, sql: string) => {
  const sqlite = new Database(file, { readonly: true });
  try {
    return sqlite.prepare(sql).pluck().get() as number;
  } finally {
    sqlite.close();
  }
};

describe('migrate --url and status --url (a libSQL server)', () => {
  it('applies the pending step through the client, says no backup is made, and makes none', () => {
    const d = dirs();
    seededOneBehind(d);
    const sessions = count(d.file, 'SELECT count(*) FROM sessions');
    const backups = readdirSync(join(d.cwd, 'backups'));
    const server = ['--db', 'pokecode', '--url', d.url, '--through-client'];

    const status = runCli(['status', ...server], d);
    expect(status.stderr).toBe('');
    expect(status.stdout).toMatch(new RegExp(`^pokecode +managed +${steps.length - 1} +1 `, 'm'));
    expect(status.stdout).toContain(`pending: ${newest}`);

    const run = runCli(['migrate', ...server], d);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `pokecode: ${d.url}`,
      "  no backup is made of a libSQL server before migrating (there is no file to copy): rely on Turso's point-in-time restore or take a dump first",
      `  applied: ${newest}`,
    ]);
    expect(readdirSync(join(d.cwd, 'backups'))).toEqual(backups);
    expect(count(d.file, 'SELECT count(*) FROM sessions')).toBe(sessions);
    expect(count(d.file, 'SELECT count(*) FROM __drizzle_migrations')).toBe(steps.length);

    const again = runCli(['migrate', ...server], d);
    expect(again.stdout.trimEnd().split('\n')).toEqual([`pokecode: ${d.url}`, '  up to date']);
    expect(runCli(['status', ...server], d).stdout).toMatch(
      new RegExp(`^pokecode +managed +${steps.length} +0 `, 'm'),
    );
    // The file migrator agrees: nothing left to apply.
    expect(runCli(['migrate', '--db', 'pokecode', '--path', d.file], d).stdout).toContain(
      '  up to date',
    );
  });

  it('refuses drift through the client until --accept-drift, changing nothing', () => {
    const d = dirs();
    seededOneBehind(d);
    const sqlite = new Database(d.file);
    sqlite.exec('CREATE INDEX `by_hand` ON `sessions` (`name`)');
    sqlite.close();
    const server = ['--db', 'pokecode', '--url', d.url, '--through-client'];

    expect(runCli(['status', ...server], d).stdout).toContain(
      '  drift: sessions index by_hand: expected no such index, found (name)',
    );
    const refused = runCli(['migrate', ...server], d);
    expect(refused.status).toBe(1);
    expect(errorLines(refused)).toHaveLength(1);
    expect(refused.stderr).toContain('its schema differs from what its applied migrations produce');
    expect(count(d.file, 'SELECT count(*) FROM __drizzle_migrations')).toBe(steps.length - 1);

    const accepted = runCli(['migrate', ...server, '--accept-drift'], d);
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toContain(`  applied: ${newest}`);
  });

  it('bad combinations and an unreachable server are one line each, nothing written', async () => {
    const d = dirs();
    const closed = await closedPort();
    const cases: Array<[string[], number, RegExp]> = [
      [['migrate', '--url', 'libsql://db.example'], 2, /--url needs --db <name>/],
      [['migrate', '--db', 'engine', '--url', d.url, '--path', d.file], 2, /--url and --path/],
      [['migrate', '--db', 'engine', '--auth-token', 't'], 2, /--auth-token needs --url/],
      [
        ['migrate', '--db', 'engine', '--url', 'ftp://x'],
        2,
        /--url: 'ftp:\/\/x' is not a libSQL URL/,
      ],
      [
        ['migrate', '--db', 'engine', '--url', 'libsql://db.example', '--dry-run'],
        2,
        /--dry-run rehearses on a copy of a file/,
      ],
      [
        ['migrate', '--db', 'engine', '--url', `ws://127.0.0.1:${closed}`],
        1,
        new RegExp(`^error: ws://127.0.0.1:${closed}: .*ECONNREFUSED`),
      ],
      [
        ['status', '--db', 'engine', '--url', `http://127.0.0.1:${closed}`],
        1,
        new RegExp(`^error: http://127.0.0.1:${closed}: fetch failed \\(.*ECONNREFUSED`),
      ],
    ];
    for (const [args, exit, line] of cases) {
      const run = runCli(args, d);
      expect(run.status, args.join(' ')).toBe(exit);
      expect(errorLines(run), args.join(' ')).toHaveLength(1);
      expect(run.stderr, args.join(' ')).toMatch(line);
    }
    expect(existsSync(d.file)).toBe(false);
  });
});
