import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  launcherChainOf,
  readProcess,
  watchLauncher,
  type LauncherProcess,
  type ProcessInfo,
} from '../src/launcher.ts';

let nextPid = 1000;
/** An ancestor as /proc shows it; `parent` is filled in by `chain`. */
const proc = (command: string): ProcessInfo => ({
  pid: nextPid++,
  parent: undefined,
  argv: command.split(' '),
  startTime: '42',
  exited: false,
});
const names = (ancestors: ProcessInfo[]) => launcherChainOf(ancestors).map((p) => p.name);

/** The ancestors `pnpm db:studio` gives the studio process (read from /proc), nearest first. */
const pnpmDbStudio = (): ProcessInfo[] => [
  proc('node /work/apps/studio/node_modules/.bin/../tsx/dist/cli.mjs src/main.ts --db pokecode'),
  proc('sh -c tsx src/main.ts --db pokecode'),
  proc('node /usr/bin/pnpm -F @agentstate/studio run studio --db pokecode'),
  proc('sh -c pnpm -F @agentstate/studio run studio --db pokecode'),
  proc('node /usr/bin/pnpm db:studio --db pokecode'),
];

describe('the launcher chain', () => {
  it('is pnpm, its script shells and tsx, up to the user\u2019s shell', () => {
    expect(names([...pnpmDbStudio(), proc('-bash'), proc('sshd: me@pts/0')])).toEqual([
      'tsx',
      'sh',
      'pnpm',
      'sh',
      'pnpm',
    ]);
  });

  it('ends below a script that started it in the background, and below nohup\u2019s caller', () => {
    // `sh -c 'pnpm db:studio ... &'` run from bash, from a test runner, or by timeout/nohup.
    expect(
      names([...pnpmDbStudio(), proc('sh -c pnpm db:studio --db pokecode &'), proc('bash')]),
    ).toHaveLength(5);
    expect(
      names([
        ...pnpmDbStudio(),
        proc('sh -c pnpm db:studio --db pokecode &'),
        proc('node /work/node_modules/vitest/vitest.mjs run'),
      ]),
    ).toHaveLength(5);
    expect(
      names([...pnpmDbStudio(), proc('timeout 40 pnpm db:studio'), proc('bash')]),
    ).toHaveLength(5);
    expect(names([...pnpmDbStudio(), proc('/lib/systemd/systemd --user')])).toHaveLength(5);
  });

  it('is empty when started directly, not by a package manager', () => {
    expect(names([proc('bash'), proc('tmux')])).toEqual([]);
    expect(names([proc('node /work/node_modules/vitest/vitest.mjs run')])).toEqual([]);
    // A shell running a command line is a script, unless a package manager started it.
    expect(names([proc('sh -c node --import tsx src/main.ts'), proc('bash')])).toEqual([]);
  });

  it('knows pnpm, npm, yarn, bun and tsx however they are installed', () => {
    expect(names([proc('node /usr/lib/node_modules/corepack/dist/pnpm.js db:studio')])).toEqual([
      'pnpm',
    ]);
    expect(names([proc('/home/me/.local/share/pnpm/pnpm db:studio')])).toEqual(['pnpm']);
    expect(names([proc('node /usr/lib/node_modules/npm/bin/npm-cli.js run studio')])).toEqual([
      'npm',
    ]);
    expect(names([proc('node /usr/lib/node_modules/npm/bin/npx-cli.js tsx src/main.ts')])).toEqual([
      'npx',
    ]);
    expect(
      names([proc('/usr/bin/node --max-old-space-size=4096 /opt/yarn/bin/yarn.js studio')]),
    ).toEqual(['yarn']);
    expect(names([proc('bun run studio')])).toEqual(['bun']);
    expect(names([proc('/usr/local/bin/tsx src/main.ts')])).toEqual(['tsx']);
    expect(names([proc('node /x/node_modules/tsx/dist/cli.mjs src/main.ts')])).toEqual(['tsx']);
    // Another program's cli.mjs is not tsx.
    expect(names([proc('node /x/node_modules/other/dist/cli.mjs')])).toEqual([]);
  });

  it('reads real processes from /proc', async () => {
    // An argument with a space, in a process that stays alive (`sleep 60 'x y'` exits at once on
    // its bad argument, so it could be a zombie by the time it is read).
    const script = 'setTimeout(() => {}, 60_000)';
    const child = spawn(process.execPath, ['-e', script, 'x y'], { stdio: 'ignore' });
    try {
      const info = readProcess(child.pid as number);
      expect(info).toMatchObject({ pid: child.pid, parent: process.pid, exited: false });
      expect(info?.argv).toEqual([process.execPath, '-e', script, 'x y']);
      expect(info?.startTime).toMatch(/^\d+$/);
      expect(readProcess(process.pid)?.parent).toBe(process.ppid);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(readProcess(child.pid as number)).toBeUndefined();
  });
});

describe('watching the launcher', () => {
  const sleeper = () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    const info = readProcess(child.pid as number) as ProcessInfo;
    return { child, launcher: { pid: info.pid, name: 'sleep', startTime: info.startTime } };
  };

  it('reports the launcher that exited, and only once', async () => {
    const first = sleeper();
    const second = sleeper();
    const gone: LauncherProcess[] = [];
    const stop = watchLauncher(
      (launcher) => gone.push(launcher),
      [first.launcher, second.launcher],
      50,
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(gone).toEqual([]);
      second.child.kill('SIGKILL');
      await new Promise((resolve) => second.child.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(gone).toEqual([second.launcher]);
      first.child.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(gone).toHaveLength(1);
    } finally {
      stop();
      first.child.kill('SIGKILL');
    }
  });

  it('takes an exited process that is not yet reaped (a zombie) as gone', async () => {
    // Node reaps its children in the event loop; a blocked loop leaves a zombie meanwhile.
    const { child, launcher } = sleeper();
    try {
      child.kill('SIGKILL');
      const until = Date.now() + 300;
      while (Date.now() < until) {
        // busy wait: the child cannot be reaped while this runs
      }
      expect(readProcess(launcher.pid)?.exited).toBe(true);
    } finally {
      await new Promise((resolve) =>
        child.exitCode === null && child.signalCode === null
          ? child.once('exit', resolve)
          : resolve(undefined),
      );
    }
  });

  it('does not take a recycled pid for the launcher', async () => {
    const { child, launcher } = sleeper();
    const gone: LauncherProcess[] = [];
    // Same pid, another start time: a different process.
    const stop = watchLauncher((l) => gone.push(l), [{ ...launcher, startTime: '1' }], 50);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(gone).toHaveLength(1);
    } finally {
      stop();
      child.kill('SIGKILL');
    }
  });
});
