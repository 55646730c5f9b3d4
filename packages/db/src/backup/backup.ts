import type { SqliteConnection } from '../driver/types.ts';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isProcessAlive } from '../process/alive.ts';
import { fsyncPath } from './fsync.ts';
import { betterSqlite3Of } from '../driver/better-sqlite3.ts';
import { driverOf } from '../driver/sync-driver.ts';

export const DEFAULT_BACKUPS_KEPT = 5;
const PARTIAL = '.partial';
/** A copy begun before the write lock, by the process in its name (`.pid-<n>.bak.copying`). */
export const COPYING = '.copying';

/**
 * Copies a live database to `path` with SQLite's online backup API, then fsyncs the copy and its
 * folder, so a backup that exists is complete and durable. It is written under a temporary name and
 * renamed, so a crash mid-way never leaves a truncated `.bak`. Returns `path`.
 */
export async function createBackup(sqlite: SqliteConnection, path: string): Promise<string> {
  const dir = dirname(path);
  const created = mkdirSync(dir, { recursive: true, mode: 0o700 });
  const partial = `${path}${PARTIAL}`;
  rmSync(partial, { force: true });
  // Created first so SQLite keeps its 0600 mode: a backup holds the same private data.
  closeSync(openSync(partial, 'wx', 0o600));
  try {
    await onlineBackup(sqlite, partial);
    fsyncPath(partial);
    renameSync(partial, path);
    fsyncPath(dir);
  } catch (error) {
    rmSync(partial, { force: true });
    if (created) removeEmptyDirs(dir, created);
    throw error;
  }
  return path;
}

/**
 * better-sqlite3 has SQLite's online backup API; bun:sqlite does not, so there the copy is
 * `VACUUM INTO` (one read transaction, a consistent and compact copy; fsynced by the caller).
 */
async function onlineBackup(sqlite: SqliteConnection, path: string): Promise<void> {
  if (driverOf(sqlite) === 'better-sqlite3') {
    await betterSqlite3Of(sqlite).backup(path);
    return;
  }
  sqlite.prepare('VACUUM INTO ?').run(path);
}

/** Removes `dir` and its parents up to `top` (the first one mkdir created), while they are empty. */
function removeEmptyDirs(dir: string, top: string): void {
  for (let current = dir; ; current = dirname(current)) {
    try {
      rmdirSync(current);
    } catch {
      return; // not empty: another backup is being written there
    }
    if (current === top || dirname(current) === current) return;
  }
}

/** `<file>.<ISO time>.<tag>.bak` in `dir`: sorts by time, says which migration it precedes. */
export function backupPathFor(
  databasePath: string,
  dir: string,
  tag: string,
  now = new Date(),
): string {
  const time = now.toISOString().replace(/:/g, '-');
  return join(dir, `${basename(databasePath)}.${time}.${tag}.bak`);
}

/** The default backup folder: `backups/` beside the database file. */
export function defaultBackupDir(databasePath: string): string {
  return join(dirname(databasePath), 'backups');
}

/** The database's backups in `dir`, oldest first. */
export function listBackups(databasePath: string, dir: string): string[] {
  const prefix = `${basename(databasePath)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && name.endsWith('.bak'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Deletes all but the newest `keep` backups, and partial copies a killed process left behind.
 * Call it only while holding the database's write lock, so no partial copy is still being written
 * (a copy begun before the lock is kept while its process lives).
 */
export function pruneBackups(databasePath: string, dir: string, keep: number): string[] {
  const prefix = `${basename(databasePath)}.`;
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    // A copy still being made outside the lock belongs to a live process: left alone.
    const copier = /\.pid-(\d+)\.bak\.copying/.exec(name);
    const abandoned = copier ? !isProcessAlive(Number(copier[1])) : name.includes(`.bak${PARTIAL}`);
    if (abandoned) {
      rmSync(join(dir, name), { force: true });
      removed.push(join(dir, name));
    }
  }
  const backups = listBackups(databasePath, dir);
  for (const path of backups.slice(0, Math.max(0, backups.length - keep))) {
    rmSync(path, { force: true });
    removed.push(path);
  }
  return removed;
}
