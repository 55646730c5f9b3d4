import type { SqliteConnection } from '../driver/types.ts';
import { openSqlite } from '../driver/sync-driver.ts';
import {
  chmodSync,
  close,
  closeSync,
  copyFileSync,
  mkdirSync,
  fsync,
  open,
  openSync,
  readSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { fsyncPath } from './fsync.ts';
import { openReader } from '../open/read-only.ts';

/**
 * A backup at disk speed: the database file and its WAL copied by the kernel (`copyFileSync`
 * uses copy_file_range or a reflink), then the copied WAL folded into the copy. Consistent because
 * of when each part is copied, all under a read transaction (`openSnapshotReader`):
 * - the main file: a checkpoint may write pages into it meanwhile, but only from frames that stay
 *   in the WAL (SQLite never restarts a WAL a reader still needs), or none at all when the reader
 *   reads the file alone (a checkpoint needs that reader's lock to write to the file);
 * - then the WAL: frames appended while it is copied are either whole commits or a torn tail,
 *   which SQLite's recovery of the copy drops (frame checksums). The one hazard, the WAL starting
 *   over while it is copied (possible only when the reader needs no frame of it), shows as a
 *   changed header: that copy is taken again (`copyWalFile`). Under the write lock (the migrator
 *   holds it) nothing changes the WAL at all.
 * The copy holds the last commit its WAL copy has: the reader's snapshot or a later one.
 */

const SIDE_FILES = ['-wal', '-shm'] as const;

export const partialPathOf = (path: string) => `${path}.partial`;

/** Removes a partial copy and the side files SQLite may have made beside it. */
export function removePartial(partial: string): void {
  for (const suffix of ['', ...SIDE_FILES]) rmSync(partial + suffix, { force: true });
}

/**
 * A read-only connection holding a read transaction on the live file, so no checkpoint can
 * overwrite what the copy of the main file still needs. End it with `release()`.
 */
export function openSnapshotReader(path: string): { release(): void } {
  // openReader: a connection that leaves no -wal or -shm beside a closed database once released.
  const reader = openReader(path);
  try {
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    reader.close();
    throw error;
  }
  return {
    release: () => {
      if (!reader.open) return;
      if (reader.inTransaction) reader.exec('COMMIT');
      reader.close();
    },
  };
}

/** Copies the main file into `partial` (0600, its folder 0700); sealCopy fsyncs it. */
export function copyMainFile(path: string, partial: string): void {
  mkdirSync(dirname(partial), { recursive: true, mode: 0o700 });
  removePartial(partial);
  // Created first so the copy is private from its first byte; copyFile then keeps the inode.
  closeSync(openSync(partial, 'wx', 0o600));
  copyFileSync(path, partial);
  chmodSync(partial, 0o600);
}

const WAL_HEADER_BYTES = 32;

function walHeader(wal: string): Buffer | undefined {
  try {
    const fd = openSync(wal, 'r');
    try {
      const header = Buffer.alloc(WAL_HEADER_BYTES);
      return readSync(fd, header, 0, WAL_HEADER_BYTES, 0) === WAL_HEADER_BYTES ? header : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * Copies the live WAL beside the copy, under the read transaction of the main file's copy: again
 * while the WAL started over meanwhile (its header changed), so the copy is one WAL's frames.
 */
export function copyWalFile(path: string, partial: string): void {
  const wal = `${path}-wal`;
  for (let attempt = 0; attempt < 10; attempt++) {
    rmSync(`${partial}-wal`, { force: true });
    const before = walHeader(wal);
    if (!before) return; // no WAL, or not even a header: the main file is the whole database
    closeSync(openSync(`${partial}-wal`, 'w', 0o600));
    copyFileSync(wal, `${partial}-wal`);
    const copied = walHeader(`${partial}-wal`);
    const after = walHeader(wal);
    if (copied && after && before.equals(copied) && after.equals(copied)) return;
  }
  throw new Error(`${wal} kept starting over while it was copied; try again`);
}

/** fsync on libuv's thread pool, so the main thread can go on reading meanwhile. */
function fsyncInBackground(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (error, fd) => {
      if (error) return reject(error);
      fsync(fd, (syncError) => close(fd, () => (syncError ? reject(syncError) : resolve())));
    });
  });
}

/**
 * Folds the copied WAL into the copy (SQLite recovers it on open, then a TRUNCATE checkpoint
 * writes it into the file), runs `check` on the copy while its bytes are flushed to disk, then
 * renames it to `path` and fsyncs the folder: a backup that exists is complete and durable. A
 * failed check or fold removes the partial copy and throws.
 */
export async function sealCopy(
  partial: string,
  path: string,
  check?: (copy: SqliteConnection) => void,
): Promise<void> {
  let synced: Promise<void> | undefined;
  try {
    const copy = openSqlite(partial, { fileMustExist: true });
    try {
      // Flushed once below, in the background, rather than by the checkpoint itself.
      copy.pragma('synchronous = OFF');
      copy.pragma('wal_checkpoint(TRUNCATE)');
      // The file's bytes are final once the WAL is folded in: check them while they go to disk.
      synced = fsyncInBackground(partial);
      check?.(copy);
    } finally {
      // The last connection of a WAL-mode file removes -wal and -shm (both empty by now).
      copy.close();
      await synced?.catch(() => {});
    }
    for (const side of SIDE_FILES) rmSync(partial + side, { force: true });
    await synced;
    renameSync(partial, path);
    fsyncPath(dirname(path));
  } catch (error) {
    removePartial(partial);
    throw error;
  }
}
