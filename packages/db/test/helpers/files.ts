import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { seededRandom } from './processes.ts';

/**
 * Everything under `root`, as `relative path -> sha256` (`dir` for folders): equal before and after
 * means nothing was written, created or removed there.
 */
export function snapshotTree(root: string): Record<string, string> {
  const tree: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const key = relative(root, path);
    if (entry.isDirectory()) tree[key] = 'dir';
    else {
      try {
        tree[key] = createHash('sha256').update(readFileSync(path)).digest('hex');
      } catch {
        tree[key] = `unreadable ${statSync(path).size}`; // e.g. a file made unreadable on purpose
      }
    }
  }
  return tree;
}

/**
 * Overwrites every page after the first with seeded random bytes: the header and the schema on
 * page 1 still read, every table does not. A real database with damaged pages.
 */
export function damagePages(path: string, seed = 7): void {
  const pageSize = statSync(path).size >= 100 ? readFileSync(path).readUInt16BE(16) : 4096;
  const size = statSync(path).size;
  if (size < 3 * pageSize) throw new Error(`${path} has fewer than 3 pages`);
  const random = seededRandom(seed);
  const garbage = Buffer.alloc(size - pageSize);
  for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(random() * 256);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, garbage, 0, garbage.length, pageSize);
  } finally {
    closeSync(fd);
  }
}

/** Random bytes that are not a database. */
export function writeRandomBytes(path: string, bytes = 8192, seed = 3): void {
  const random = seededRandom(seed);
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) data[i] = Math.floor(random() * 256);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

const NOBODY = 65_534;

/**
 * How to run a child without the power to ignore file modes. Root reads and writes any file and
 * folder whatever its mode, so as root the child is started as `nobody` with setpriv; another user
 * needs nothing. `skip` says why it cannot be done.
 */
export const unprivileged: { prefix: string[]; uid: number; skip?: undefined } | { skip: string } =
  (() => {
    const uid = process.getuid?.();
    if (uid === undefined) return { skip: 'no POSIX user ids on this platform' };
    if (uid !== 0) return { prefix: [], uid };
    const probe = spawnSync('setpriv', [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      'true',
    ]);
    if (probe.status === 0) {
      return {
        prefix: ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'],
        uid: NOBODY,
      };
    }
    return {
      skip:
        'running as root without a working setpriv: root ignores file modes, so files without ' +
        'permission and read-only folders cannot be tested',
    };
  })();

/** Lets the unprivileged user reach `dir` (temp folders are created 0700) and read what is in it. */
export function openToEveryone(dir: string, stopAt: string): void {
  for (let current = dir; ; current = dirname(current)) {
    chmodSync(current, statSync(current).mode | 0o755);
    if (current === stopAt || dirname(current) === current) break;
  }
}
