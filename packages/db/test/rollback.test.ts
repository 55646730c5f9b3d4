import { betterSqlite3Of } from '../src/driver/better-sqlite3.ts';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { databaseNames, type DatabaseName } from '@agentstate/schema';
import { seedDatabase } from '@agentstate/schema/seed-kit';
import { describe, expect, it } from 'vitest';
import {
  BEFORE_FIRST_STEP,
  IrreversibleStepError,
  loadMigrations,
  migrate,
  openConnection,
  openDatabase,
  readAppliedMigrations,
  rollback,
  type Migration,
} from '../src/index.ts';
import { readLiveSchema } from '../src/adopt/live-schema.ts';
import { hashMigration } from '../src/migrate/load-migrations.ts';
import { tempDir } from './helpers/fixtures.ts';
import { comparableSchema, sha256File, snapshotRows } from './helpers/original-tools.ts';

const quiet = { log: () => {} };

async function seededFile(name: DatabaseName, dir = tempDir()): Promise<string> {
  const path = join(dir, `${name}.db`);
  const handle = await openDatabase(name, { path, migrate: { ...quiet, backup: false } });
  seedDatabase(betterSqlite3Of(handle.sqlite), name, { rows: 300, seed: 11 });
  handle.close();
  return path;
}

const appliedTags = (path: string, migrations: readonly Migration[]) => {
  const sqlite = openConnection(path, { readonly: true });
  try {
    const hashes = new Set(readAppliedMigrations(sqlite).map((r) => r.hash));
    return migrations.filter((m) => hashes.has(m.hash)).map((m) => m.tag);
  } finally {
    sqlite.close();
  }
};

describe('rollback: every committed step reversed on seeded data and applied again', () => {
  const cases = databaseNames.flatMap((name) =>
    loadMigrations(name).map(
      (m, i, all) => [name, m.tag, i === 0 ? BEFORE_FIRST_STEP : all[i - 1]!.tag] as const,
    ),
  );

  // What the seeded rows allow: a down that would drop seeded values refuses.
  const refused = new Set([
    'mcpmaker 0000_initial_schema',
    'multishot 0000_initial_schema',
    'dipeo 0000_initial_schema',
    'pokecode 0000_initial_schema',
    'pokecode 0001_add_devices_and_last_message_sent_at',
    'engine 0000_initial_schema',
    'engine 0001_conversation_notifications',
    'engine 0002_context_warning_tracking',
    // Seeded workers hold leases, which 0004's down would drop.
    'engine 0003_drop_session_notifications',
    'engine 0004_add_worker_leases',
  ]);

  it.each(cases)(
    '%s %s: reversed and re-applied with every row unchanged, or refused with nothing changed',
    async (name, tag, to) => {
      const dir = tempDir();
      const path = await seededFile(name, dir);
      const migrations = loadMigrations(name);
      const sqlite = openConnection(path);
      const rows = snapshotRows(sqlite);
      const schema = comparableSchema(readLiveSchema(sqlite));
      const before = sha256File(path);
      try {
        if (refused.has(`${name} ${tag}`)) {
          sqlite.close();
          const again = openConnection(path);
          const error = await rollback(again, migrations, { to, ...quiet }).catch(
            (e: unknown) => e,
          );
          again.close();
          expect(error).toBeInstanceOf(IrreversibleStepError);
          expect((error as Error).message).toMatch(/without losing data: it drops (table|column)/);
          expect(sha256File(path)).toBe(before);
          // Refused before the lock: not even a backup was written.
          expect(existsSync(join(dir, 'backups'))).toBe(false);
          return;
        }
        const result = await rollback(sqlite, migrations, { to, ...quiet });
        const reversed = migrations
          .slice(migrations.findIndex((m) => m.tag === tag))
          .map((m) => m.tag);
        expect(result.rolledBack).toEqual([...reversed].reverse());
        expect(result.backupPath && existsSync(result.backupPath)).toBe(true);
        sqlite.close();
        expect(appliedTags(path, migrations)).toEqual(
          migrations.slice(0, migrations.length - reversed.length).map((m) => m.tag),
        );
        // The schema is the previous step's exactly, as the real migrator builds it.
        const scratch = openConnection(join(dir, 'expected.db'));
        await migrate(scratch, migrations.slice(0, migrations.length - reversed.length), {
          ...quiet,
          backup: false,
        });
        const rolledBack = openConnection(path);
        expect(comparableSchema(readLiveSchema(rolledBack))).toEqual(
          comparableSchema(readLiveSchema(scratch)),
        );
        scratch.close();
        rolledBack.close();

        const reopened = await openDatabase(name, { path, migrate: { ...quiet, backup: false } });
        expect(reopened.migration?.applied).toEqual(reversed);
        expect(snapshotRows(reopened.sqlite)).toEqual(rows);
        expect(comparableSchema(readLiveSchema(reopened.sqlite))).toEqual(schema);
        reopened.close();
      } finally {
        if (sqlite.open) sqlite.close();
      }
    },
  );

  it('reverses the first step too on a file without rows (--to 0), leaving no table', async () => {
    const path = join(tempDir(), 'dipeo.db');
    (await openDatabase('dipeo', { path, migrate: { ...quiet, backup: false } })).close();
    const sqlite = openConnection(path);
    const result = await rollback(sqlite, loadMigrations('dipeo'), {
      to: BEFORE_FIRST_STEP,
      ...quiet,
    });
    // Every step, newest first.
    expect(result.rolledBack).toEqual(
      loadMigrations('dipeo')
        .map((step) => step.tag)
        .reverse(),
    );
    expect(readLiveSchema(sqlite).tables.size).toBe(0);
    expect(readAppliedMigrations(sqlite)).toEqual([]);
    sqlite.close();
  });

  it('names the backup taken before the irreversible step was applied', async () => {
    const dir = tempDir();
    const path = join(dir, 'engine.db');
    const migrations = loadMigrations('engine');
    const upTo = migrations.findIndex((m) => m.tag === '0002_context_warning_tracking');
    const first = await openDatabase('engine', {
      path,
      migrate: { ...quiet, backup: false, migrations: migrations.slice(0, upTo) },
    });
    first.close();
    // The next migrate backs the (non-empty) file up before applying 0002 and the rest.
    (await openDatabase('engine', { path, migrate: quiet })).close();
    const sqlite = openConnection(path);
    sqlite
      .prepare(
        "INSERT INTO sessions (id, role, started_at, context_warning_level) VALUES ('s1', 'chief', '2026-01-01T00:00:00Z', 2)",
      )
      .run();
    sqlite.close();
    const before = sha256File(path);
    const again = openConnection(path);
    const error = (await rollback(again, migrations, {
      to: '0001_conversation_notifications',
      ...quiet,
    }).catch((e: unknown) => e)) as IrreversibleStepError;
    again.close();
    expect(error).toBeInstanceOf(IrreversibleStepError);
    expect(error.tag).toBe('0002_context_warning_tracking');
    expect(error.reason).toBe(
      'it drops column sessions.context_warning_level, which holds values in 1 row(s) (other than its default 0)',
    );
    const backups = readdirSync(join(dir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(error.preMigrationBackup).toBe(join(dir, 'backups', backups[0]!));
    expect(backups[0]).toMatch(/\.0002_context_warning_tracking\.bak$/);
    expect(error.message).toContain(`db:restore --from ${error.preMigrationBackup}`);
    expect(sha256File(path)).toBe(before);
  });

  it('refuses a step without a down or marked irreversible, and rolls back all or nothing', async () => {
    const path = await seededFile('pokecode');
    const migrations = loadMigrations('pokecode');
    const last = migrations.at(-1)!;
    const up = 'CREATE TABLE `notes` (`id` text PRIMARY KEY NOT NULL);';
    const step = (tag: string, when: number, down?: string): Migration => ({
      idx: migrations.length,
      tag,
      when,
      breakpoints: true,
      sql: up.replace('notes', tag),
      hash: hashMigration(up.replace('notes', tag)),
      ...(down !== undefined && { down }),
    });
    const withDownless = [...migrations, step('9000_a', last.when + 1)];
    const sqlite = openConnection(path);
    await migrate(sqlite, withDownless, { ...quiet, backup: false });
    await expect(rollback(sqlite, withDownless, { to: last.tag, ...quiet })).rejects.toThrow(
      'cannot roll back 9000_a without losing data: it has no down migration',
    );

    const marked = [
      ...migrations,
      step(
        '9000_a',
        last.when + 1,
        '-- agentstate:irreversible the notes are sent on\nDROP TABLE `9000_a`;',
      ),
    ];
    await expect(rollback(sqlite, marked, { to: last.tag, ...quiet })).rejects.toThrow(
      'its down migration says so: the notes are sent on',
    );

    // A down that cannot run on the step's own schema is refused before anything is touched.
    const broken = [...migrations, step('9000_a', last.when + 1, 'DROP TABLE `missing`;')];
    await expect(rollback(sqlite, broken, { to: last.tag, ...quiet })).rejects.toThrow(
      /migration 9000_a \(down\) failed: no such table: missing/,
    );

    // A down that fails half-way on the data leaves every step applied, the earlier downs
    // undone too: seeded sessions share providers, so the unique index fails.
    const failing = [
      ...migrations,
      step('9000_a', last.when + 1, 'DROP TABLE `9000_a`;'),
      step(
        '9001_b',
        last.when + 2,
        'DROP TABLE `9001_b`;\n--> statement-breakpoint\nCREATE UNIQUE INDEX `ux_provider` ON `sessions` (`provider`);',
      ),
    ];
    await migrate(sqlite, failing, { ...quiet, backup: false });
    const before = snapshotRows(sqlite);
    await expect(rollback(sqlite, failing, { to: last.tag, ...quiet })).rejects.toThrow(
      /migration 9001_b \(down\) failed: UNIQUE constraint failed: sessions.provider/,
    );
    expect(snapshotRows(sqlite)).toEqual(before);
    expect(readAppliedMigrations(sqlite)).toHaveLength(failing.length);
    sqlite.close();
  });
});
