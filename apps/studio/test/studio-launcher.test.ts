import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProcess } from '@agentstate/cli-kit';
import { freePort } from '../src/kit/drizzle-kit.ts';
import { createPokecodeDatabase, tempDir } from './helpers/fixture.ts';
import {
  eventually,
  http,
  listening,
  processAlive,
  run,
  workspaceRoot,
} from './helpers/processes.ts';

const temp = tempDir();
const dbPath = join(temp.dir, 'pokecode.db');
const env = {
  HOME: temp.dir,
  AGENTSTATE_MCPMAKER_PATH: join(temp.dir, 'absent', 'mcpmaker.db'),
  AGENTSTATE_DIPEO_PATH: join(temp.dir, 'absent', 'dipeo.db'),
  AGENTSTATE_ENGINE_PATH: join(temp.dir, 'absent', 'engine.db'),
  AGENTSTATE_MULTISHOT_PATH: join(temp.dir, 'absent', 'multishot.db'),
};
/** Every process started in these tests, killed at the end if a test failed half-way. */
const started: number[] = [];

beforeAll(() => createPokecodeDatabase(dbPath));
afterAll(() => {
  for (const pid of started) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  temp.remove();
});

/** `pid` and all its descendants that are alive now. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProcess(Number(name));
    if (info?.parent === undefined || info.exited) continue;
    children.set(info.parent, [...(children.get(info.parent) ?? []), info.pid]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

const alive = (pid: number) => processAlive(pid) && readProcess(pid)?.exited !== true;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pnpm db:studio started in the background by a script', () => {
  it('keeps serving after the script exits, and stops with its launcher, leaving nothing behind', async () => {
    const port = await freePort();
    const log = join(temp.dir, 'studio.log');
    // A script that starts the studio in the background, goes on until it is up, and ends: it is
    // an ancestor of the studio while the studio starts. In a session of its own, like nohup's.
    const script = run(
      'setsid',
      [
        'sh',
        '-c',
        `pnpm db:studio --db pokecode --path '${dbPath}' --port ${port} > '${log}' 2>&1 &
         echo $!
         for i in $(seq 600); do grep -q 'Offline browser:' '${log}' && exit 0; sleep 0.2; done
         exit 1`,
      ],
      { cwd: workspaceRoot, env },
    );
    expect(await script.exited).toBe(0);
    const launcher = Number(script.output().trim().split('\n')[0]);
    started.push(launcher);
    expect(launcher).toBeGreaterThan(1);
    const output = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');

    const kitPid = Number(/drizzle-kit studio: pid (\d+)/.exec(output())?.[1]);
    started.push(kitPid);
    // Long after the script's shell is gone (the launcher is checked every 500 ms), it serves.
    for (let i = 0; i < 6; i++) {
      const answer = await http(port, { path: '/api/databases' });
      expect(answer.status).toBe(200);
      await sleep(500);
    }
    expect(output()).not.toContain('stopping:');

    const tree = processTree(launcher);
    started.push(...tree);
    expect(tree).toContain(kitPid);
    expect(tree.length).toBeGreaterThanOrEqual(7); // pnpm, sh, pnpm, sh, tsx, studio, drizzle-kit

    process.kill(launcher, 'SIGKILL'); // the launcher dies without a word to its children
    expect(
      await eventually(
        () => output().includes(`stopping: launcher pid ${launcher} (pnpm) exited`),
        30_000,
      ),
    ).toBe(true);
    expect(await eventually(async () => !(await listening(port)), 30_000)).toBe(true);
    expect(await eventually(() => tree.every((pid) => !alive(pid)), 30_000)).toBe(true);
    expect(output().match(/^stopping: /gm)).toHaveLength(1);
  });
});

describe('pnpm db:studio says why it stops', () => {
  it('on SIGTERM to the studio process itself', async () => {
    const port = await freePort();
    const studio = run(
      'pnpm',
      [
        'db:studio',
        '--db',
        'pokecode',
        '--path',
        dbPath,
        '--port',
        String(port),
        '--no-drizzle-kit',
      ],
      { cwd: workspaceRoot, env },
    );
    started.push(studio.child.pid as number);
    await studio.waitFor(/Offline browser:/, 90_000);
    const main = processTree(studio.child.pid as number).find(
      (pid) =>
        readProcess(pid)?.argv.some((arg) => arg === 'src/main.ts') &&
        readProcess(pid)?.argv[0]?.endsWith('node') &&
        readProcess(pid)?.argv.includes('--import'),
    );
    expect(main).toBeDefined();
    process.kill(main as number, 'SIGTERM');
    await studio.exited;
    expect(studio.output()).toMatch(/^stopping: SIGTERM$/m);
    expect(await listening(port)).toBe(false);
  });
});
