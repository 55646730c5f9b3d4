import type { AppliedMigration } from './migrations-table.ts';

export type MigrationErrorCode =
  | 'INVALID_MIGRATIONS'
  | 'EDITED_MIGRATION'
  | 'NEWER_DATABASE'
  | 'FOREIGN_KEY_VIOLATION'
  | 'MIGRATION_FAILED'
  | 'NOT_MIGRATABLE'
  | 'DRIFT'
  | 'IRREVERSIBLE'
  | 'ROLLBACK_FAILED';

/** Every refusal or failure of the migrator; `code` tells which, the message says what and where. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    /** The database file (or `:memory:`), when one is involved. */
    readonly databasePath?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The migrations themselves are unusable: missing journal or file, duplicate tag, wrong hash. */
export class InvalidMigrationsError extends MigrationError {
  override name = 'InvalidMigrationsError';
  constructor(message: string, options?: ErrorOptions) {
    super('INVALID_MIGRATIONS', message, undefined, options);
  }
}

/** The connection cannot be migrated now: read-only, or inside a transaction. */
export class NotMigratableError extends MigrationError {
  override name = 'NotMigratableError';
  constructor(message: string, databasePath: string) {
    super('NOT_MIGRATABLE', message, databasePath);
  }
}

export interface EditedMigration {
  tag: string;
  /** sha256 of the migration as this build has it. */
  hash: string;
  /** The row recorded when it was applied. */
  recorded: AppliedMigration;
}

/** A migration already applied to the database has different text now. */
export class EditedMigrationError extends MigrationError {
  override name = 'EditedMigrationError';
  constructor(
    databasePath: string,
    readonly edited: readonly EditedMigration[],
  ) {
    const list = edited
      .map((e) => `${e.tag} (applied as ${short(e.recorded.hash)}, now ${short(e.hash)})`)
      .join(', ');
    super(
      'EDITED_MIGRATION',
      `${databasePath}: migration ${list} was changed after it was applied. ` +
        'Restore its original text and put the change in a new migration (pnpm db:generate). ' +
        'Nothing was changed in the database.',
      databasePath,
    );
  }
}

/** The database records migrations this build does not have: a newer version migrated it. */
export class NewerDatabaseError extends MigrationError {
  override name = 'NewerDatabaseError';
  constructor(
    databasePath: string,
    readonly unknown: readonly AppliedMigration[],
  ) {
    const list = unknown
      .map((m) => `${short(m.hash)} (generated ${new Date(m.createdAt).toISOString()})`)
      .join(', ');
    super(
      'NEWER_DATABASE',
      `${databasePath} has ${unknown.length} applied migration(s) this version of agentstate does not know: ` +
        `${list}. It was written by a newer version; upgrade agentstate to use it. ` +
        'Nothing was changed in the database.',
      databasePath,
    );
  }
}

export interface ForeignKeyViolation {
  table: string;
  rowid: number | null;
  parent: string;
  fkid: number;
}

/** After a migration's statements, `PRAGMA foreign_key_check` found rows without their parent. */
export class ForeignKeyViolationError extends MigrationError {
  override name = 'ForeignKeyViolationError';
  constructor(
    databasePath: string,
    readonly tag: string,
    readonly violations: readonly ForeignKeyViolation[],
    readonly backupPath: string | undefined,
    /** How many rows violate, when `violations` holds only the first of them. */
    readonly total: number = violations.length,
  ) {
    const sample = violations
      .slice(0, 5)
      .map((v) => `${v.table} rowid ${v.rowid} -> ${v.parent}`)
      .join(', ');
    super(
      'FOREIGN_KEY_VIOLATION',
      `${databasePath}: migration ${tag} would leave ${total} row(s) pointing at missing ` +
        `parents (${sample}${total > 5 ? ', ...' : ''}); it was rolled back. ${restoreHint(databasePath, backupPath)}`,
      databasePath,
    );
  }
}

/** A statement of a migration failed; the transaction was rolled back. */
export class MigrationFailedError extends MigrationError {
  override name = 'MigrationFailedError';
  constructor(
    databasePath: string,
    readonly tag: string,
    readonly backupPath: string | undefined,
    cause: unknown,
  ) {
    super(
      'MIGRATION_FAILED',
      `${databasePath}: migration ${tag} failed: ${cause instanceof Error ? cause.message : String(cause)}; ` +
        `it was rolled back. ${restoreHint(databasePath, backupPath)}`,
      databasePath,
      { cause },
    );
  }
}

function short(hash: string): string {
  return hash.slice(0, 12);
}

/** What to tell someone whose migration failed: the rollback kept the data; the backup is the fallback. */
export function restoreHint(databasePath: string, backupPath: string | undefined): string {
  if (!backupPath) return 'The database is unchanged.';
  return (
    `The database should be unchanged; a backup taken just before is at ${backupPath}. ` +
    `To restore it: stop every process using the database, copy ${backupPath} to ${databasePath}, ` +
    `and delete ${databasePath}-wal and ${databasePath}-shm.`
  );
}
