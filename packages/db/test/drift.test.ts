import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { databaseNames } from '@agentstate/schema';
import { describe, expect, it } from 'vitest';
import {
  adoptAndMigrate,
  databaseStatus,
  DriftError,
  loadMigrations,
  openDatabase,
  readAppliedMigrations,
} from '../src/index.ts';
import { tempDir } from './helpers/fixtures.ts';
import { buildOriginalDatabase, sha256File, type OriginalTool } from './helpers/original-tools.ts';

const quiet = { log: () => {}, backup: false as const };

/** A pokecode file migrated up to, not including, its last step. */
async function oneStepBehind() {
  const path = join(tempDir(), 'pokecode.db');
  const all = loadMigrations('pokecode');
  const handle = await openDatabase('pokecode', {
    path,
    migrate: { ...quiet, migrations: all.slice(0, -1) },
  });
  handle.close();
  return { path, pending: all.at(-1)!.tag };
}

function exec(path: string, sql: string): void {
  const sqlite = new Database(path);
  sqlite.exec(sql);
  sqlite.close();
}

describe('drift: a managed file whose schema is not what its applied migrations produce', () => {
  it.each(databaseNames)('is none on a freshly migrated %s', async (name) => {
    const path = join(tempDir(), `${name}.db`);
    (await openDatabase(name, { path, migrate: quiet })).close();
    expect((await databaseStatus(name, { path })).drift).toEqual([]);
  });

  it.each([
    ['mcpmaker', 'mcpmaker'],
    ['pokecode', 'pokecode'],
    ['dipeo', 'dipeo'],
    ['dipeo', 'dipeo-execution-states'],
    ['multishot', 'multishot'],
    ['engine', 'engine'],
  ] as const)(
    'is none on %s adopted from the original tool (%s)',
    async (name, tool: OriginalTool) => {
      const path = buildOriginalDatabase(tempDir(), tool, () => {});
      await adoptAndMigrate(name, { path, ...quiet });
      const status = await databaseStatus(name, { path });
      expect(status.state).toBe('managed');
      expect(status.drift).toEqual([]);
    },
  );

  it('reports a manual CREATE INDEX, and db:migrate refuses the file unchanged', async () => {
    const { path, pending } = await oneStepBehind();
    exec(path, 'CREATE INDEX `by_hand` ON `sessions` (`name`)');
    const status = await databaseStatus('pokecode', { path });
    expect(status.drift).toEqual(['sessions index by_hand: expected no such index, found (name)']);
    expect(status.pending).toEqual([pending]);

    const before = sha256File(path);
    const error = await adoptAndMigrate('pokecode', { path, ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftError);
    expect((error as DriftError).details).toEqual(status.drift);
    expect((error as Error).message).toContain('--accept-drift');
    expect(sha256File(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);

    const result = await adoptAndMigrate('pokecode', { path, ...quiet, acceptDrift: true });
    expect(result.migration.applied).toEqual([pending]);
    // The accepted difference is kept as it was.
    expect((await databaseStatus('pokecode', { path })).drift).toEqual(status.drift);
  });

  it('reports a dropped column and a trigger exactly', async () => {
    const path = join(tempDir(), 'pokecode.db');
    (await openDatabase('pokecode', { path, migrate: quiet })).close();
    exec(
      path,
      [
        'ALTER TABLE `devices` DROP COLUMN `platform`',
        'CREATE TRIGGER `touch` AFTER INSERT ON `devices` BEGIN SELECT 1; END',
      ].join(';\n'),
    );
    expect((await databaseStatus('pokecode', { path })).drift).toEqual([
      'devices.platform: expected text, found missing',
      'trigger touch: expected no trigger, found trigger',
    ]);
  });

  it('is measured against the applied steps only, not the ones still pending', async () => {
    const { path } = await oneStepBehind();
    const sqlite = new Database(path, { readonly: true });
    expect(readAppliedMigrations(sqlite)).toHaveLength(loadMigrations('pokecode').length - 1);
    sqlite.close();
    expect((await databaseStatus('pokecode', { path })).drift).toEqual([]);
  });
});
