import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseCatalog } from '../src/browser/catalog.ts';
import { createPokecodeDatabase, SESSION_COUNT, tempDir } from './helpers/fixture.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('the browser catalog', () => {
  it('reads a closed WAL file, refuses every write, and leaves no -wal or -shm once closed', async () => {
    const temp = tempDir();
    cleanups.push(() => temp.remove());
    const path = join(temp.dir, 'pokecode.db');
    await createPokecodeDatabase(path);
    const listing = readdirSync(temp.dir).sort();
    expect(listing).toEqual(['pokecode.db']);

    const catalog = new DatabaseCatalog({ pokecode: path });
    expect(catalog.rowCount('pokecode', 'sessions')).toBe(SESSION_COUNT);
    expect(() =>
      catalog.connection('pokecode').prepare("DELETE FROM sessions WHERE id = 's001'").run(),
    ).toThrow(/readonly/);
    const reader = catalog.openReader('pokecode');
    expect(reader.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(SESSION_COUNT);
    reader.close();
    catalog.close();

    expect(readdirSync(temp.dir).sort()).toEqual(listing);
    const again = new DatabaseCatalog({ pokecode: path });
    expect(again.rowCount('pokecode', 'sessions')).toBe(SESSION_COUNT);
    again.close();
    expect(readdirSync(temp.dir).sort()).toEqual(listing);
  });
});
