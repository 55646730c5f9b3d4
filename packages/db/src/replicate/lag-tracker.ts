import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ReplicaPosition } from './litestream-log.ts';

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
/** Frames read per pass when walking the WAL's new frames. */
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/** Litestream's own folder beside the database: `.<file>-litestream`. */
export function litestreamMetaDir(databasePath: string): string {
  return join(dirname(databasePath), `.${basename(databasePath)}-litestream`);
}

/** A commit seen in the WAL: where its last frame ends, in the WAL whose header has `salt`. */
interface Commit {
  salt: string;
  end: number;
  /**
   * The poll before the one that saw it (ms, performance.now() clock): the commit happened after
   * this, so timing from it never understates the lag.
   */
  seenAt: number;
}

function readAt(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
}

/** The WAL header's salts (bytes 16–23): they change each time the WAL starts over. */
const saltOf = (header: Buffer) => header.subarray(16, 24).toString('hex');

/** A commit seen in the WAL: the salts of the WAL it is in, and where its last frame ends. */
export interface WalCommit {
  salt: string;
  /**
   * Infinity: commits the reader cannot place, in a WAL that started over before they were read
   * and whose old frames the new ones overwrote. Only what comes after confirms them.
   */
  end: number;
}

/**
 * Reads the end of a database's WAL to learn each commit's position: frames are fixed-size, a
 * commit frame has a non-zero database size, and a frame belongs to the current WAL only when its
 * salts equal the header's. Only reads; SQLite is not involved. The scan resumes from the last
 * commit's end, never past frames of an unfinished transaction (a rollback rewrites them).
 */
export class WalCommitReader {
  private salt = '';
  private saltBytes = Buffer.alloc(0);
  private pageSize = 0;
  private scanned = 0;

  constructor(private readonly walPath: string) {}

  /** The commits appended since the last call (only the last one per read, and per WAL, matters). */
  read(): WalCommit[] {
    let fd: number;
    try {
      fd = openSync(this.walPath, 'r');
    } catch {
      return [];
    }
    try {
      const header = readAt(fd, WAL_HEADER_BYTES, 0);
      if (header.length < WAL_HEADER_BYTES) return [];
      const salt = saltOf(header);
      const commits: WalCommit[] = [];
      if (salt !== this.salt) {
        // The WAL started over since the last read. Commits made in the old one after that read
        // are still in the file past the new frames (Litestream copies them from there before it
        // starts on the new WAL): they are read first, unless the new frames reached them.
        if (this.salt !== '') {
          const tail = this.scan(fd, this.saltBytes, this.scanned);
          if (tail.lastCommit > 0) commits.push({ salt: this.salt, end: tail.lastCommit });
          if (tail.stoppedOn?.equals(header.subarray(16, 24))) {
            commits.push({ salt: this.salt, end: Number.POSITIVE_INFINITY });
          }
        }
        this.salt = salt;
        this.saltBytes = Buffer.from(header.subarray(16, 24));
        this.pageSize = header.readUInt32BE(8);
        this.scanned = WAL_HEADER_BYTES;
      }
      const { lastCommit } = this.scan(fd, this.saltBytes, this.scanned);
      if (lastCommit > 0) {
        this.scanned = lastCommit;
        commits.push({ salt, end: lastCommit });
      }
      return commits;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * The end of the last commit frame from `offset` on among the frames with these salts, and the
   * salts of the whole frame the scan stopped on (undefined at the end of the file).
   */
  private scan(
    fd: number,
    saltBytes: Buffer,
    offset: number,
  ): { lastCommit: number; stoppedOn: Buffer | undefined } {
    const frameBytes = FRAME_HEADER_BYTES + this.pageSize;
    const frames = Math.max(1, Math.floor(READ_CHUNK_BYTES / frameBytes));
    let lastCommit = 0;
    for (;;) {
      const chunk = readAt(fd, frames * frameBytes, offset);
      // Whole frames only: one still being appended is read on the next poll.
      for (let at = 0; at + frameBytes <= chunk.length; at += frameBytes) {
        const frameSalt = chunk.subarray(at + 8, at + 16);
        if (!frameSalt.equals(saltBytes)) return { lastCommit, stoppedOn: Buffer.from(frameSalt) };
        offset += frameBytes;
        if (chunk.readUInt32BE(at + 4) !== 0) lastCommit = offset;
      }
      if (chunk.length < frames * frameBytes) return { lastCommit, stoppedOn: undefined };
    }
  }
}

/**
 * Litestream's shadow WAL files (`<meta>/generations/<g>/wal/<index>.wal`) start with the header of
 * the WAL they copy: that names the salts of each of Litestream's WAL indexes, so a replicated
 * position can be matched with the commits seen in the WAL.
 */
export class ShadowWalSalts {
  private readonly salts = new Map<string, string>();

  constructor(private readonly metaDir: string) {}

  saltOf(generation: string, index: number): string | undefined {
    const key = `${generation}/${index}`;
    if (!this.salts.has(key)) this.learn(generation);
    return this.salts.get(key);
  }

  /** Reads the headers of the generation's shadow WAL files not read yet. */
  learn(generation: string): void {
    const dir = join(this.metaDir, 'generations', generation, 'wal');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const index = /^([0-9a-f]{8})\.wal$/.exec(name)?.[1];
      if (index === undefined) continue;
      const key = `${generation}/${Number.parseInt(index, 16)}`;
      if (this.salts.has(key)) continue;
      try {
        const fd = openSync(join(dir, name), 'r');
        try {
          const header = readAt(fd, WAL_HEADER_BYTES, 0);
          if (header.length === WAL_HEADER_BYTES) this.salts.set(key, saltOf(header));
        } finally {
          closeSync(fd);
        }
      } catch {
        // Removed by Litestream once replicated: nothing left to learn from it.
      }
    }
  }
}

/** Commits kept waiting for confirmation; beyond this, neighbours merge (keeping the older time). */
const MAX_PENDING = 10_000;

/**
 * Replication lag as the age of the oldest commit the replica does not hold yet. Commits come from
 * the WAL (WalCommitReader), polled every few milliseconds; the end of a WAL segment Litestream
 * reports as written to the replica confirms every commit up to it, and every commit seen before
 * those (Litestream ships a generation's WAL in order, after a snapshot of all that came before;
 * the snapshot alone confirms nothing, see Replication).
 * A commit is timed from the poll before the one that saw it: the figure is an upper bound, over
 * by at most one poll interval, never under.
 */
export class LagTracker {
  private pending: Commit[] = [];
  private lastPoll: number | undefined;
  /** The latest position confirmed, as a WAL salt and offset: a commit seen late may be in it. */
  private confirmed: { salt: string; end: number } | undefined;

  constructor(private readonly shadow: ShadowWalSalts) {}

  /** Records a poll's commits; `now` is the poll's time. */
  observe(commits: WalCommit[], now: number): void {
    // The first poll's commits were made before replication started: timed from then.
    const since = this.lastPoll ?? now;
    this.lastPoll = now;
    for (const commit of commits) {
      // Shipped before this poll saw it (a poll running late): not waiting for anything, and nor
      // is any commit seen before it, which came first in the WAL (in an older WAL, maybe: then no
      // position of its own would ever confirm it).
      if (commit.salt === this.confirmed?.salt && commit.end <= this.confirmed.end) {
        this.pending = [];
        continue;
      }
      this.pending.push({ ...commit, seenAt: since });
    }
    if (this.pending.length > MAX_PENDING) {
      const merged: Commit[] = [];
      for (let i = 0; i < this.pending.length; i += 2) {
        const a = this.pending[i];
        if (a === undefined) break;
        const b = this.pending[i + 1];
        merged.push(b && b.salt === a.salt ? { ...b, seenAt: a.seenAt } : a);
        if (b && b.salt !== a.salt) merged.push(b);
      }
      this.pending = merged;
    }
  }

  /**
   * The replica now holds everything up to `position`. Returns how long the oldest commit it
   * confirmed waited, and each confirmed poll's commits (undefined when it confirmed none).
   */
  confirm(
    position: ReplicaPosition,
    now: number,
  ): { lagMs: number; commits: number; lagsMs: number[] } | undefined {
    const salt = this.shadow.saltOf(position.generation, position.index);
    if (salt === undefined) return undefined;
    this.confirmed = { salt, end: position.offset };
    const last = this.pending.findLastIndex(
      (commit) => commit.salt === salt && commit.end <= position.offset,
    );
    const oldest = this.pending[0];
    if (last < 0 || oldest === undefined) return undefined;
    const confirmed = this.pending.slice(0, last + 1);
    this.pending = this.pending.slice(last + 1);
    const lagsMs = confirmed.map((commit) => now - commit.seenAt);
    return { lagMs: now - oldest.seenAt, commits: confirmed.length, lagsMs };
  }

  /**
   * An upper bound on the age of the oldest commit the replica does not hold: from the oldest
   * pending one, else from the last poll (a commit since then is not seen yet).
   */
  lagMs(now: number): number {
    const oldest = this.pending[0];
    if (oldest) return now - oldest.seenAt;
    return this.lastPoll === undefined ? 0 : Math.max(0, now - this.lastPoll);
  }

  /** Forgets the commits seen before `time`: the replica is known to hold them. */
  dropSeenBefore(time: number): void {
    this.pending = this.pending.filter((commit) => commit.seenAt >= time);
  }

  /** Commits seen (merged per poll) that the replica does not hold yet. */
  get pendingCount(): number {
    return this.pending.length;
  }

  reset(): void {
    this.pending = [];
    this.lastPoll = undefined;
    this.confirmed = undefined;
  }
}
