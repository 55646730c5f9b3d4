import { cliPackageDir } from './helpers/cli.ts';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  backupDatabase,
  litestreamMetaDir,
  restoreFromReplica,
  withReplicationPaused,
} from '@agentstate/db';
import {
  tempDir,
  appendedSeqs,
  eventually,
  isRunning,
  killGroup,
  pokecodeWithSession,
  replicaWithDamagedNewestGeneration,
  spawnAppendWriter,
  type AppendWriter,
} from '@agentstate/db/testing';

const env = () => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AGENTSTATE_')),
  ),
  INIT_CWD: cliPackageDir,
  NO_COLOR: '1',
});

/** The real CLI, as `pnpm db:*` runs it, to completion. */
function cli(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: cliPackageDir,
    env: env(),
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Running {
  process: ChildProcessWithoutNullStreams;
  output: () => string;
  /** Resolves with the first match of `pattern` in what it printed (stdout and stderr). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `db:replicate` in its own process group, as a terminal runs a foreground command. */
function spawnReplicate(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'replicate', ...args], {
    cwd: cliPackageDir,
    env: env(),
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    output: () => output,
    exited,
    // Generous: on a loaded machine a restart of Litestream after a restore takes seconds.
    waitFor: async (pattern, timeoutMs = 90_000) => {
      let match: RegExpMatchArray | null = null;
      await eventually(
        () => (match = output.match(pattern)) !== null || child.exitCode !== null,
        () => `${pattern} in:\n${output}`,
        timeoutMs,
      );
      if (!match) throw new Error(`db:replicate exited before printing ${pattern}:\n${output}`);
      return match;
    },
  };
}

const STARTED = /replicating pokecode .* → .* \(Litestream, process group (\d+), every 100 ms\)/;

describe(
  'pnpm db:replicate / db:replicas / db:restore --from-replica (real Litestream)',
  {
    timeout: 300_000,
  },
  () => {
    const groups: Array<number | undefined> = [];
    const writers: AppendWriter[] = [];
    afterEach(() => {
      for (const writer of writers.splice(0)) killGroup(writer.process.pid);
      for (const group of groups.splice(0)) killGroup(group);
    });

    it('replicates, prints its lag, pauses for a db:restore and follows the restored file, stops on Ctrl-C', async () => {
      const dir = tempDir();
      const path = await pokecodeWithSession(dir);
      const replica = join(dir, 'replica');
      const run = spawnReplicate([
        '--db',
        'pokecode',
        '--path',
        path,
        '--to',
        replica,
        '--report-every',
        '500ms',
      ]);
      groups.push(run.process.pid);
      const litestream = Number((await run.waitFor(STARTED))[1]);
      groups.push(litestream);
      await run.waitFor(/snapshot written up to [0-9a-f]{16}\/0{8}:\d+/);

      const writer = spawnAppendWriter(path, 5);
      writers.push(writer);
      await writer.waitFor(40);
      await writer.stop();
      await run.waitFor(
        /[1-9]\d* segment\(s\), [\d.]+ [KM]?B shipped in the last 1 s; commit → replica p50 \d+ ms, max \d+ ms; lag now \d+ ms/,
      );

      const listed = cli(['replicas', '--db', 'pokecode', '--path', path, '--to', replica]);
      expect(listed.stderr).toBe('');
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(
        /generation [0-9a-f]{16}: restorable 20\d\d-\d\d-\d\dT[\d:]+Z – 20\d\d-[\d-]+T[\d:]+Z.*; 1 snapshot\(s\)/,
      );

      // A backup of this moment; then more writes; then db:restore of the backup while replicating.
      const backup = await backupDatabase(path, join(dir, 'before.bak'));
      const kept = appendedSeqs(backup.path);
      expect(kept.length).toBe(writer.appends.length);
      const later = spawnAppendWriter(path, 5, 1000);
      writers.push(later);
      await later.waitFor(20);
      await later.stop();
      const restored = cli(['restore', '--db', 'pokecode', '--path', path, '--from', backup.path]);
      expect(restored.stderr).toMatch(/pausing the replication of process \d+/);
      expect(restored.stdout).toMatch(/^restored .* from .*before\.bak/);
      expect(restored.status).toBe(0);
      await run.waitFor(
        /paused: process \d+ is restoring the database\nresumed on the restored file/,
      );
      await run.waitFor(
        /new generation [0-9a-f]{16} \(.+\): a snapshot starts the replica over[\s\S]*new generation/,
      );
      expect(appendedSeqs(path)).toEqual(kept);

      // The replica follows the restored file: its latest state is the backup plus what came after.
      const after = spawnAppendWriter(path, 5, 2000);
      writers.push(after);
      await after.waitFor(10);
      await after.stop();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const latest = join(dir, 'latest.db');
      const report = cli([
        'restore',
        '--db',
        'pokecode',
        '--path',
        latest,
        '--from-replica',
        replica,
      ]);
      expect(report.stdout).toMatch(
        /^restored .*latest\.db from .*replica: [\d,]+ rows, integrity ok/,
      );
      expect(report.status).toBe(0);
      const written = after.appends.map((a) => a.seq);
      expect(appendedSeqs(latest)).toEqual(
        [...new Set([...kept, ...written])].sort((a, b) => a - b),
      );

      // A pause that outlasts the report interval (1 s): no lag line while nothing ships. The
      // Ctrl-C below comes while Litestream starts again after it.
      await withReplicationPaused(path, () => new Promise((resolve) => setTimeout(resolve, 2500)));
      await run.waitFor(
        new RegExp(
          `paused: process ${process.pid} is restoring the database\nresumed on the restored file`,
        ),
      );

      // Ctrl-C: the terminal signals the foreground group; Litestream, in its own, stops with it.
      process.kill(-run.process.pid!, 'SIGINT');
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(run.output()).toMatch(
        /SIGINT: stopping Litestream …\nstopped: the replica ends at [0-9a-f]{16}\//,
      );
      expect(isRunning(litestream)).toBe(false);
      expect(existsSync(join(litestreamMetaDir(path), 'agentstate-replicator.json'))).toBe(false);
    });

    it('stops cleanly on SIGTERM, and leaves no Litestream behind when it is SIGKILLed', async () => {
      const dir = tempDir();
      const path = await pokecodeWithSession(dir);
      const replica = join(dir, 'replica');

      const first = spawnReplicate(['--db', 'pokecode', '--path', path, '--to', replica]);
      groups.push(first.process.pid);
      const firstGroup = Number((await first.waitFor(STARTED))[1]);
      groups.push(firstGroup);
      first.process.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });
      expect(isRunning(firstGroup)).toBe(false);

      const second = spawnReplicate(['--db', 'pokecode', '--path', path, '--to', replica]);
      groups.push(second.process.pid);
      const secondGroup = Number((await second.waitFor(STARTED))[1]);
      groups.push(secondGroup);
      // A second replicator of the same file is refused while this one runs.
      const other = cli([
        'replicate',
        '--db',
        'pokecode',
        '--path',
        path,
        '--to',
        join(dir, 'other'),
      ]);
      expect(other.stderr).toMatch(
        /^error: .*pokecode\.db is already replicated by process \d+ \(to .*replica\); stop it first\n$/,
      );
      expect(other.status).toBe(1);

      second.process.kill('SIGKILL');
      await second.exited;
      await eventually(() => !isRunning(secondGroup), 'Litestream to exit after its parent died');
      // Its claim on the file died with it: a new replicator starts.
      const third = spawnReplicate(['--db', 'pokecode', '--path', path, '--to', replica]);
      groups.push(third.process.pid);
      groups.push(Number((await third.waitFor(STARTED))[1]));
      process.kill(-third.process.pid!, 'SIGINT');
      const thirdExit = await third.exited;
      expect({ ...thirdExit, output: thirdExit.code === 0 ? '' : third.output() }).toEqual({
        code: 0,
        signal: null,
        output: '',
      });
      const restored = join(dir, 'restored.db');
      await restoreFromReplica('pokecode', restored, { from: replica });
      expect(existsSync(restored)).toBe(true);
    });

    it('pnpm db:replicate stops Litestream when the outer pnpm is sent SIGTERM', async () => {
      const dir = tempDir();
      const path = await pokecodeWithSession(dir);
      const root = join('../..');
      const pnpm = spawn(
        'pnpm',
        ['-s', 'db:replicate', '--db', 'pokecode', '--path', path, '--to', join(dir, 'replica')],
        {
          cwd: root,
          env: env(),
          detached: true,
        },
      );
      groups.push(pnpm.pid);
      let output = '';
      pnpm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      pnpm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await eventually(
        () => STARTED.test(output),
        () => `db:replicate to start:\n${output}`,
        90_000,
      );
      const litestream = Number(output.match(STARTED)![1]);
      groups.push(litestream);
      // pnpm dies of it without passing it on; the command notices its parent is gone.
      pnpm.kill('SIGTERM');
      await eventually(() => !isRunning(litestream), 'Litestream to stop', 60_000);
      await eventually(
        () => !existsSync(join(litestreamMetaDir(path), 'agentstate-replicator.json')),
        'the replicator to release the file',
      );
    });

    it('db:restore --from-replica names a newer generation it passed over, on stdout', async () => {
      const dir = tempDir();
      const { replica, sound, damaged } = await replicaWithDamagedNewestGeneration(dir);
      const restored = join(dir, 'restored.db');
      const result = cli([
        'restore',
        '--db',
        'pokecode',
        '--path',
        restored,
        '--from-replica',
        replica,
      ]);
      expect(result.status).toBe(0);
      expect(result.stderr).toContain(`generation ${damaged} of ${replica} is corrupt: `);
      expect(result.stdout).toMatch(
        /^restored .*restored\.db from .*replica: [\d,]+ rows, integrity ok\n/,
      );
      expect(result.stdout).toMatch(
        new RegExp(`^passed over the newer generation ${damaged}: it is corrupt: .+$`, 'm'),
      );
      expect(result.stdout).not.toContain(sound);
      expect(appendedSeqs(restored)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });

    it('refuses bad input with one line, writing nothing', async () => {
      const dir = tempDir();
      const path = await pokecodeWithSession(dir);
      const replica = join(dir, 'replica');
      const cases: Array<[string[], RegExp]> = [
        [
          ['replicate', '--db', 'pokecode', '--path', path, '--to', 'ftp://host/x'],
          /^error: --to: unsupported replica ftp:\/\/: use a folder, s3:\/\/<bucket>\/<path>/,
        ],
        [
          ['replicate', '--db', 'pokecode', '--path', path, '--to', 'sftp://host/backups'],
          /^error: --to: the replica sftp:\/\/host\/backups names no user/,
        ],
        [
          ['replicate', '--db', 'pokecode', '--path', join(dir, 'missing.db'), '--to', replica],
          /^error: .*missing\.db: does not exist: nothing to replicate/,
        ],
        [
          [
            'replicate',
            '--db',
            'pokecode',
            '--path',
            path,
            '--to',
            replica,
            '--monitor-interval',
            'often',
          ],
          /^error: --monitor-interval: not a duration: "often"/,
        ],
        [
          [
            'restore',
            '--db',
            'pokecode',
            '--path',
            path,
            '--from',
            'x.bak',
            '--at',
            '2026-01-01T00:00:00Z',
          ],
          /^error: --at needs --from-replica/,
        ],
        [
          [
            'restore',
            '--db',
            'pokecode',
            '--path',
            path,
            '--from-replica',
            replica,
            '--at',
            'yesterday',
          ],
          /^error: --at: "yesterday" is not a time with a zone/,
        ],
        [
          [
            'restore',
            '--db',
            'pokecode',
            '--path',
            path,
            '--from-replica',
            replica,
            '--at',
            '2026-01-01T00:00:00',
          ],
          /^error: --at: "2026-01-01T00:00:00" is not a time with a zone/,
        ],
        [
          [
            'restore',
            '--db',
            'pokecode',
            '--path',
            path,
            '--from',
            'x.bak',
            '--from-replica',
            replica,
          ],
          /^error: give exactly one of --from <backup> and --from-replica <replica>/,
        ],
      ];
      for (const [args, message] of cases) {
        const run = cli(args);
        expect(run.stderr, args.join(' ')).toMatch(message);
        expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        // A wrong command line exits 2, a file that is not there 1 (the one error path's codes).
        expect(run.status, args.join(' ')).toBe(args.includes(join(dir, 'missing.db')) ? 1 : 2);
      }
      // Not bad input, but nothing to restore: after its progress line, one error line.
      const empty = cli(['restore', '--db', 'pokecode', '--path', path, '--from-replica', replica]);
      expect(empty.stderr).toMatch(
        /\nerror: .*replica holds no backup of the database: it holds no generation of this database\n$/,
      );
      expect(empty.stderr.match(/error:/g)).toHaveLength(1);
      expect(empty.status).toBe(1);
      expect(existsSync(replica)).toBe(false);
      expect(existsSync(litestreamMetaDir(path))).toBe(false);
      expect(readdirSync(dir).sort()).toEqual(['pokecode.db']);
      expect(appendedSeqs(path)).toEqual([]);
    });
  },
);
