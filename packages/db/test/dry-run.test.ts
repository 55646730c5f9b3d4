import { betterSqlite3Of } from '../src/driver/better-sqlite3.ts';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { databaseNames, type DatabaseName } from '@agentstate/schema';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import { describe, expect, it } from 'vitest';
import {
  DryRunFailedError,
  dryRunMigrations,
  loadMigrations,
  openDatabase,
  type Migration,
} from '../src/index.ts';
import { hashMigration } from '../src/migrate/load-migrations.ts';
import { tempDir } from './helpers/fixtures.ts';
import { buildOriginalDatabase, sha256File } from './helpers/original-tools.ts';

const quiet = { log: () => {}, backup: false as const };

/** A seeded, fully migrated file and the migrations it has applied. */
async function seeded(name: DatabaseName) {
  const dir = tempDir();
  const path = join(dir, `${name}.db`);
  const handle = await openDatabase(name, { path, migrate: quiet });
  const seed = seedDatabase(betterSqlite3Of(handle.sqlite), name, { rows: 400, seed: 5 });
  handle.close();
  return { dir, path, migrations: loadMigrations(name), seeded: seed.tables };
}

function nextStep(migrations: readonly Migration[], tag: string, sql: string): Migration {
  const last = migrations.at(-1)!;
  return {
    idx: last.idx + 1,
    tag,
    when: last.when + 1,
    breakpoints: true,
    sql,
    hash: hashMigration(sql),
  };
}

describe('db:migrate --dry-run (dryRunMigrations)', () => {
  it.each(databaseNames)(
    'rehearses a pending step of seeded %s on a copy: counts per table, time, lint; the file byte-identical',
    async (name) => {
      const { dir, path, migrations, seeded: rows } = await seeded(name);
      const [table, n] = Object.entries(rows).find(([, count]) => count > 0)!;
      const probe = nextStep(
        migrations,
        '9000_probe',
        [
          'CREATE TABLE `probe` (`id` integer PRIMARY KEY, `n` integer NOT NULL)',
          `INSERT INTO \`probe\` (\`n\`) SELECT 1 FROM \`${table}\``,
          'CREATE UNIQUE INDEX `ux_probe_n` ON `probe` (`n`) WHERE `n` > 1',
        ].join('\n--> statement-breakpoint\n'),
      );
      const before = sha256File(path);
      const scratch = tempDir();
      const report = await dryRunMigrations(name, {
        path,
        migrations: [...migrations, probe],
        tempDir: scratch,
      });

      expect(sha256File(path)).toBe(before);
      expect(readdirSync(dir).sort()).toEqual([`${name}.db`]);
      expect(readdirSync(scratch)).toEqual([]);
      expect(report.stateBefore).toBe('managed');
      expect(report.steps.map((s) => s.tag)).toEqual(['9000_probe']);
      const [step] = report.steps;
      expect(step!.ms).toBeGreaterThan(0);
      expect(step!.tables.find((t) => t.table === 'probe')).toEqual({
        table: 'probe',
        before: null,
        after: n,
      });
      // Every table of the schema is reported with its seeded rows, unchanged.
      for (const [seededTable, count] of Object.entries(rows)) {
        expect(step!.tables.find((t) => t.table === seededTable)).toEqual({
          table: seededTable,
          before: count,
          after: count,
        });
      }
      // The probe's table is new in this step, so its unique index is no finding.
      expect(step!.findings).toEqual([]);
    },
  );

  it('reports the lint findings of a pending step and the rows it removes', async () => {
    const { path, migrations } = await seeded('pokecode');
    const drop = nextStep(migrations, '9000_drop_devices', 'DROP TABLE `devices`;');
    const before = sha256File(path);
    const report = await dryRunMigrations('pokecode', { path, migrations: [...migrations, drop] });
    expect(sha256File(path)).toBe(before);
    const devices = report.steps[0]!.tables.find((t) => t.table === 'devices')!;
    expect(devices.before).toBeGreaterThan(0);
    expect(devices.after).toBeNull();
    expect(report.steps[0]!.findings).toMatchObject([{ rule: 'drop-table', statement: 1 }]);
  });

  it('reports nothing to apply on an up-to-date file', async () => {
    const { path } = await seeded('engine');
    const before = sha256File(path);
    const report = await dryRunMigrations('engine', { path });
    expect(report.steps).toEqual([]);
    expect(sha256File(path)).toBe(before);
  });

  it('rehearses the adoption and every step on a file the original tool made', async () => {
    const dir = tempDir();
    const path = buildOriginalDatabase(dir, 'pokecode', (sqlite) => {
      sqlite
        .prepare(
          "INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at) VALUES ('s1', 'claude-code', '/p', 'n', 1, 1, 1)",
        )
        .run();
    });
    const before = sha256File(path);
    const report = await dryRunMigrations('pokecode', { path });
    expect(sha256File(path)).toBe(before);
    expect(report.stateBefore).toBe('adoptable');
    expect(report.adoptedAt).toBeDefined();
    for (const step of report.steps) {
      expect(step.tables.find((t) => t.table === 'sessions')).toMatchObject({
        before: 1,
        after: 1,
      });
    }
  });

  it('fails as migrate would, naming the real file, which is left unchanged', async () => {
    const { path, migrations } = await seeded('dipeo');
    const broken = nextStep(
      migrations,
      '9000_broken',
      'ALTER TABLE `executions` ADD `status` text;',
    );
    const before = sha256File(path);
    const error = await dryRunMigrations('dipeo', {
      path,
      migrations: [...migrations, broken],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DryRunFailedError);
    expect((error as Error).message).toContain(`${path}: migration 9000_broken failed`);
    expect((error as Error).message).toContain(`${path} was not changed`);
    expect((error as Error).message).not.toContain('agentstate-dry-run-');
    expect(sha256File(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
