import { describe, expect, it } from 'vitest';
import { AdoptionConflictError } from '../src/adopt/report.ts';
import { openDatabase } from '../src/open/open-database.ts';
import { tempDir } from './helpers/fixtures.ts';
import { buildOriginalDatabase, sha256File } from './helpers/original-tools.ts';

describe('openDatabase on a file the original tool created', () => {
  it('adopts it, keeps its rows and brings it up to date', async () => {
    const path = buildOriginalDatabase(tempDir(), 'mcpmaker', (sqlite) => {
      sqlite
        .prepare(
          "INSERT INTO workflows (id, name, created_at, updated_at) VALUES ('w1', 'Book', '2026-01-01T10:00:00.000Z', '2026-01-01 10:00:00')",
        )
        .run();
      sqlite
        .prepare(
          "INSERT INTO sessions (id, workflow_id, workflow_name, url, started_at, ended_at) VALUES ('s1', 'w1', 'Book', 'https://x.test', 1, 2)",
        )
        .run();
    });
    const handle = await openDatabase('mcpmaker', { path, migrate: { log: () => {} } });
    try {
      expect(handle.adoption?.adopted).toBe(true);
      expect(handle.adoption?.baseline).toBe('0000_initial_schema');
      expect(
        handle.sqlite.prepare('SELECT id, created_at, updated_at FROM workflows').all(),
      ).toEqual([
        { id: 'w1', created_at: '2026-01-01T10:00:00.000Z', updated_at: '2026-01-01 10:00:00' },
      ]);
      // 0000_initial_schema and 0001_full_text_search.
      expect(handle.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get()).toEqual(
        {
          n: 2,
        },
      );
    } finally {
      handle.close();
    }
    // A second open finds it managed: nothing to adopt, nothing to apply.
    const again = await openDatabase('mcpmaker', { path });
    expect(again.adoption).toBeUndefined();
    expect(again.migration?.applied).toEqual([]);
    again.close();
  });

  it('refuses a conflicting file with the adoption report and leaves it untouched', async () => {
    const path = buildOriginalDatabase(tempDir(), 'mcpmaker', (sqlite) => {
      // The seed makes sessions.workflow_id a foreign key: an orphan value conflicts with it.
      sqlite
        .prepare(
          "INSERT INTO sessions (id, workflow_id, workflow_name, url, started_at, ended_at) VALUES ('s1', 'gone', 'Book', 'https://x.test', 1, 2)",
        )
        .run();
    });
    const before = sha256File(path);
    await expect(openDatabase('mcpmaker', { path, migrate: { log: () => {} } })).rejects.toThrow(
      AdoptionConflictError,
    );
    expect(sha256File(path)).toBe(before);
  });
});
