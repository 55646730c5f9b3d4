import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { legacyStepHash, stepHash, stepSidecars } from '@agentstate/schema/kit';
import { embeddedMigrations, type EmbeddedMigration } from '@agentstate/schema/migrations';
import type { DatabaseName } from '../database-names.ts';
import { InvalidMigrationsError } from './errors.ts';
import { checkSquashes } from './squash.ts';

/** One drizzle-kit migration as the migrator uses it (the same shape as the embedded data). */
export type Migration = EmbeddedMigration;

/**
 * Where migrations come from: a database's embedded copy (works in a bundled app), a drizzle-kit
 * output folder, or migrations given as data.
 */
export type MigrationSource =
  DatabaseName | { folder: string } | { embedded: readonly EmbeddedMigration[] };

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
  breakpoints: boolean;
}

/** sha256 hex of a migration file's text: what drizzle-orm's `readMigrationFiles` records. */
export function hashMigration(sql: string): string {
  return stepHash(sql);
}

/**
 * Every hash a file may have recorded for a step: its hash, and for a data step the hash of its
 * SQL alone, which files migrated before its source was hashed (or by drizzle-orm's migrator)
 * recorded. Those are accepted as drizzle-orm accepts any old row: without the source check.
 */
export function recordedHashes(m: Pick<Migration, 'hash' | 'sql' | 'sourceHash'>): string[] {
  const legacy = legacyStepHash(m);
  return legacy === undefined || legacy === m.hash ? [m.hash] : [m.hash, legacy];
}

/** Loads and checks migrations, in journal order. */
export function loadMigrations(source: MigrationSource): readonly Migration[] {
  if (typeof source === 'string') {
    const embedded = embeddedMigrations[source];
    if (!embedded) throw new InvalidMigrationsError(`unknown database ${JSON.stringify(source)}`);
    return checkMigrations(embedded, `embedded migrations of ${source}`, true);
  }
  if ('folder' in source) return checkMigrations(readFolder(source.folder), source.folder, false);
  return checkMigrations(source.embedded, 'embedded migrations', true);
}

/** Reads drizzle-kit's output as drizzle-orm's `readMigrationFiles` does (same text, same hash). */
function readFolder(folder: string): Migration[] {
  const journalPath = join(folder, 'meta', '_journal.json');
  if (!existsSync(journalPath)) {
    throw new InvalidMigrationsError(
      `${journalPath} not found: is ${folder} a drizzle-kit migrations folder?`,
    );
  }
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries?: JournalEntry[] };
  return (journal.entries ?? []).map((entry) => {
    const file = join(folder, `${entry.tag}.sql`);
    let sql: string;
    try {
      sql = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new InvalidMigrationsError(`${file} is listed in ${journalPath} but cannot be read`, {
        cause,
      });
    }
    const sidecars = stepSidecars(folder, entry.tag);
    return {
      idx: entry.idx,
      tag: entry.tag,
      when: entry.when,
      breakpoints: entry.breakpoints,
      sql,
      hash: stepHash(sql, sidecars.sourceHash),
      ...sidecars,
    };
  });
}

/**
 * A migration is identified by its hash and its journal `when`; both must be unambiguous, and an
 * embedded hash must match its text, or the migrator could mistake one migration for another.
 */
function checkMigrations(
  migrations: readonly Migration[],
  where: string,
  /** Embedded data carries its hash; a folder's was just computed from the text. */
  verifyHashes: boolean,
): readonly Migration[] {
  const tags = new Set<string>();
  const keys = new Set<string>();
  for (const m of migrations) {
    if (tags.has(m.tag)) throw new InvalidMigrationsError(`${where}: tag ${m.tag} appears twice`);
    tags.add(m.tag);
    const key = `${m.hash}@${m.when}`;
    if (keys.has(key))
      throw new InvalidMigrationsError(
        `${where}: ${m.tag} has the same text and time as an earlier migration`,
      );
    keys.add(key);
    if (!Number.isFinite(m.when))
      throw new InvalidMigrationsError(`${where}: ${m.tag} has no journal time`);
    if (verifyHashes && stepHash(m.sql, m.sourceHash) !== m.hash) {
      throw new InvalidMigrationsError(
        `${where}: the hash of ${m.tag} does not match its text; regenerate with pnpm db:generate`,
      );
    }
  }
  checkSquashes(migrations, where);
  return migrations;
}
