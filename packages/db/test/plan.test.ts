import { describe, expect, it } from 'vitest';
import { hashMigration } from '../src/migrate/load-migrations.ts';
import { planFromRecords } from '../src/migrate/plan.ts';
import type { AppliedMigration, Migration } from '../src/index.ts';

const migration = (idx: number, sql: string, when: number): Migration => ({
  idx,
  tag: `000${idx}_m`,
  when,
  breakpoints: true,
  sql,
  hash: hashMigration(sql),
});
const record = (m: Migration, createdAt = m.when): AppliedMigration => ({
  id: null,
  hash: m.hash,
  createdAt,
});

describe('planFromRecords', () => {
  // drizzle-kit's `generate --custom` writes the same placeholder text every time.
  const placeholder = '-- Custom SQL migration file, put your code below! --';
  const a = migration(0, 'CREATE TABLE a (id integer);', 1000);
  const b = migration(1, placeholder, 2000);
  const c = migration(2, placeholder, 3000);

  it('tells apart migrations with identical text by their journal time', () => {
    const plan = planFromRecords([record(a), record(b)], [a, b, c]);
    expect(plan.applied).toEqual([a, b]);
    expect(plan.pending).toEqual([c]);
    expect(plan.unknown).toEqual([]);
  });

  it('matches a row by hash when only the journal time changed', () => {
    const plan = planFromRecords([record(a, 999)], [a, b]);
    expect(plan.applied).toEqual([a]);
    expect(plan.pending).toEqual([b]);
    expect(plan.edited).toEqual([]);
  });

  it('flags a changed text at a known journal time as edited, and anything else as unknown', () => {
    const edited = { id: null, hash: 'f'.repeat(64), createdAt: a.when };
    const unknown = { id: null, hash: 'e'.repeat(64), createdAt: 9999 };
    const plan = planFromRecords([edited, unknown], [a, b]);
    expect(plan.edited).toEqual([{ tag: a.tag, hash: a.hash, recorded: edited }]);
    expect(plan.unknown).toEqual([unknown]);
    expect(plan.pending).toEqual([b]);
  });
});
