import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sha256File, tempDir } from '@agentstate/db/testing';
import { runCli } from './helpers/cli.ts';

function dirs() {
  const root = tempDir();
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  mkdirSync(home);
  mkdirSync(cwd);
  return { home, cwd, file: join(cwd, 'pokecode.db') };
}

/** A seeded pokecode file, its last step rolled back through the CLI so it is pending again. */
function seededOneBehind(d: ReturnType<typeof dirs>) {
  expect(runCli(['migrate', '--db', 'pokecode', '--path', d.file], d).status).toBe(0);
  expect(runCli(['seed', '--db', 'pokecode', '--path', d.file, '--rows', '200'], d).status).toBe(0);
  const rolled = runCli(
    ['rollback', '--db', 'pokecode', '--path', d.file, '--to', '0005_full_text_search'],
    d,
  );
  expect(rolled.stderr).toBe('');
  expect(rolled.stdout).toContain('rolled back: 0006_job_progress');
  expect(rolled.status).toBe(0);
}

describe('the migration commands end to end', () => {
  it('db:migrate --dry-run reports rows per table and leaves the file byte-identical', () => {
    const d = dirs();
    seededOneBehind(d);
    const before = sha256File(d.file);
    const run = runCli(['migrate', '--db', 'pokecode', '--path', d.file, '--dry-run'], d);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('(dry run on a copy: the file is not changed)');
    expect(run.stdout).toMatch(/ {2}0006_job_progress: [\d.]+ ms/);
    expect(sha256File(d.file)).toBe(before);
    expect(existsSync(`${d.file}-wal`)).toBe(false);
    const sqlite = new Database(d.file, { readonly: true });
    const jobs = sqlite.prepare('SELECT count(*) FROM job_queue').pluck().get() as number;
    sqlite.close();
    expect(run.stdout).toContain(
      `    job_queue: ${jobs.toLocaleString('en-US')} -> ${jobs.toLocaleString('en-US')} rows`,
    );
  });

  it('db:status reports a hand-made index as drift; db:migrate refuses until --accept-drift', () => {
    const d = dirs();
    seededOneBehind(d);
    const sqlite = new Database(d.file);
    sqlite.exec('CREATE INDEX `by_hand` ON `sessions` (`name`)');
    sqlite.close();
    const status = runCli(['status', '--db', 'pokecode', '--path', d.file], d);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/^pokecode +drifted +6 +1 /m);
    expect(status.stdout).toContain(
      '  drift: sessions index by_hand: expected no such index, found (name)',
    );

    const before = sha256File(d.file);
    const refused = runCli(['migrate', '--db', 'pokecode', '--path', d.file], d);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('its schema differs from what its applied migrations produce');
    expect(refused.stdout).toContain(
      'sessions index by_hand: expected no such index, found (name)',
    );
    expect(sha256File(d.file)).toBe(before);

    const accepted = runCli(['migrate', '--db', 'pokecode', '--path', d.file, '--accept-drift'], d);
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toContain('applied: 0006_job_progress');
  });

  it('db:rollback refuses a step whose down loses data, naming it, and a bad --to as usage', () => {
    const d = dirs();
    expect(runCli(['migrate', '--db', 'pokecode', '--path', d.file], d).status).toBe(0);
    expect(runCli(['seed', '--db', 'pokecode', '--path', d.file, '--rows', '200'], d).status).toBe(
      0,
    );
    const before = sha256File(d.file);
    const refused = runCli(
      ['rollback', '--db', 'pokecode', '--path', d.file, '--to', '0000_initial_schema'],
      d,
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: .*: cannot roll back 0001_add_devices_and_last_message_sent_at without losing data: it drops table devices, which has \d+ row\(s\);.*; nothing was changed/,
    );
    expect(sha256File(d.file)).toBe(before);
    const bad = runCli(['rollback', '--db', 'pokecode', '--path', d.file, '--to', 'nope'], d);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--to: "nope" is not a migration of pokecode');
  });
});
