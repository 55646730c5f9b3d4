import { describe, expect, it } from 'vitest';
import { fullTextTable } from '../src/define-database.ts';
import { databaseNames, databases, type DatabaseName } from '../src/registry.ts';
import { migratedFile } from './helpers.ts';
import { listTables, listVirtualTables, readTableSpec } from './live-schema.ts';
import { seedSpecs } from './seed-specs.ts';

const sortFks = (fks: NonNullable<ReturnType<typeof readTableSpec>['foreignKeys']>) =>
  [...fks].sort((a, b) => a.from.localeCompare(b.from));

const specified = Object.keys(seedSpecs) as DatabaseName[];

it('every database a seed document specifies is registered', () => {
  expect(specified.filter((name) => !databaseNames.includes(name))).toEqual([]);
  expect(specified).toHaveLength(5);
});

describe.each(specified)('%s migrations produce the seed schema', (name) => {
  const spec = seedSpecs[name] ?? {};

  it('creates exactly the seed tables, and the full-text indexes its definition declares', () => {
    const db = migratedFile(name);
    expect(listTables(db)).toEqual(Object.keys(spec).sort());
    expect(listVirtualTables(db)).toEqual(
      (databases[name].fullText ?? []).map((index) => fullTextTable(index)).sort(),
    );
    db.close();
  });

  it.each(Object.keys(spec))(
    'table %s: columns, keys, defaults, indexes, foreign keys',
    (table) => {
      const db = migratedFile(name);
      const live = readTableSpec(db, table);
      const expected = spec[table]!;
      // Column order matters: it is what `SELECT *` and positional inserts see.
      expect(Object.entries(live.columns)).toEqual(Object.entries(expected.columns));
      expect(live.indexes).toEqual(expected.indexes ?? {});
      expect(sortFks(live.foreignKeys ?? [])).toEqual(sortFks(expected.foreignKeys ?? []));
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    },
  );
});
