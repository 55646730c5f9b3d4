import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations, openConnection, readAppliedMigrations } from '../src/index.ts';
import { count, fixtureFolder, tableNames, tempDir } from './helpers/fixtures.ts';
import { spawnMigrateChild } from './helpers/processes.ts';

describe('several processes migrating the same new file at once', () => {
  it('apply each migration exactly once, and all exit 0', async () => {
    const path = join(tempDir(), 'shared.db');
    const folder = fixtureFolder('ordering');
    const children = Array.from({ length: 4 }, () => spawnMigrateChild(path, folder));
    // Every process has its connection open before any starts, so they race for the lock.
    await Promise.all(children.map((c) => c.waitFor('ready')));
    for (const child of children) child.go();
    const exits = await Promise.all(children.map((c) => c.exited));

    expect(exits).toEqual(children.map(() => ({ code: 0, signal: null })));
    const results = await Promise.all(
      children.map(
        async (c) => JSON.parse((await c.waitFor('result ')).slice(7)) as { applied: string[] },
      ),
    );
    const tags = loadMigrations({ folder }).map((m) => m.tag);
    // One process applied everything; the others found nothing pending once they had the lock.
    expect(results.flatMap((r) => r.applied).sort()).toEqual([...tags].sort());
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);

    const sqlite = openConnection(path, { readonly: true });
    const recorded = readAppliedMigrations(sqlite);
    expect(recorded).toHaveLength(tags.length);
    expect(new Set(recorded.map((r) => r.hash)).size).toBe(tags.length);
    expect(tableNames(sqlite)).toEqual(['__drizzle_migrations', 'accounts', 'projects', 'tags']);
    expect(count(sqlite, 'accounts')).toBe(0);
    sqlite.close();
  });
});
