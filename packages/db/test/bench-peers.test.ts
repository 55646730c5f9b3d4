import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDir, tempDir } from './helpers/fixtures.ts';

/**
 * The on-demand install of the benchmark peers (bench/lib/peers.ts), run for real: real npm, real
 * separate processes, on a peers folder of the same shape as bench/peers/ whose one dependency is
 * a local tarball with an install script that logs each run and can be made slow. No registry.
 */
function peersFolder(): { dir: string; installs: () => number } {
  const root = tempDir();
  const dep = join(root, 'slow-peer');
  mkdirSync(dep);
  writeFileSync(
    join(dep, 'package.json'),
    JSON.stringify({
      name: 'slow-peer',
      version: '1.0.0',
      scripts: { install: 'node install.cjs' },
    }),
  );
  writeFileSync(
    join(dep, 'install.cjs'),
    `require('node:fs').appendFileSync(${JSON.stringify(join(root, 'installs.log'))}, process.pid + '\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.PEER_INSTALL_MS ?? 0));`,
  );
  const dir = join(root, 'peers');
  mkdirSync(dir);
  npm(dep, ['pack', '--pack-destination', dir]);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'fixture-peers',
      private: true,
      dependencies: { 'slow-peer': 'file:slow-peer-1.0.0.tgz' },
      allowScripts: { 'slow-peer': true },
    }),
  );
  npm(dir, ['install', '--package-lock-only']);
  const installs = () =>
    existsSync(join(root, 'installs.log'))
      ? readFileSync(join(root, 'installs.log'), 'utf8').trim().split('\n').length
      : 0;
  return { dir, installs };
}

function npm(cwd: string, args: string[]): void {
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')}: ${result.stderr}`);
}

// As bench/main.ts reports it: a PeerInstallError is one line.
const runner = `
import { ensurePeers, PeerInstallError } from './bench/lib/peers.ts';
try {
  await ensurePeers(process.argv[1]);
} catch (error) {
  if (!(error instanceof PeerInstallError)) throw error;
  console.error('error: ' + error.message);
  process.exit(1);
}`;

/** ensurePeers(dir) in its own process (its own process group, so a test can kill npm with it). */
function install(dir: string, env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', runner, dir],
    { cwd: packageDir, env: { ...process.env, ...env }, detached: true },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, done };
}

const leftovers = (dir: string) => readdirSync(dir).filter((entry) => entry.startsWith('.install'));
const stamped = (dir: string) => existsSync(join(dir, 'node_modules', '.agentstate-peers'));

describe('benchmark peers, installed on first need', () => {
  it('installs once, finds the install in place after, and reinstalls when the manifest changes', async () => {
    const { dir, installs } = peersFolder();
    const first = await install(dir).done;
    expect(first.stderr).toMatch(
      /installing the benchmark peers \(slow-peer@file:slow-peer-1\.0\.0\.tgz\)/,
    );
    expect(first.code).toBe(0);
    expect(installs()).toBe(1);
    expect(existsSync(join(dir, 'node_modules', 'slow-peer', 'install.cjs'))).toBe(true);
    expect(stamped(dir)).toBe(true);
    expect(leftovers(dir)).toEqual([]);

    const again = await install(dir).done;
    expect(again).toEqual({ code: 0, stderr: '' });
    expect(installs()).toBe(1);

    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as object;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, description: 'new' }));
    const changed = await install(dir).done;
    expect(changed.code).toBe(0);
    expect(installs()).toBe(2);
    expect(stamped(dir)).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it('two processes at once: one installs, the other waits for it and installs nothing', async () => {
    const { dir, installs } = peersFolder();
    // Long enough that the second process starts while the first is still installing.
    const env = { PEER_INSTALL_MS: '8000' };
    const [a, b] = await Promise.all([install(dir, env).done, install(dir, env).done]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(installs()).toBe(1);
    expect(
      [a.stderr, b.stderr].filter((s) => s.includes('waiting for another process')),
    ).toHaveLength(1);
    expect(stamped(dir)).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it('an install killed half-way leaves no node_modules; the next run takes over its lock and finishes', async () => {
    const { dir, installs } = peersFolder();
    const killed = install(dir, { PEER_INSTALL_MS: '120000' });
    // Until npm is running the dependency's install script.
    while (installs() === 0 && killed.child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(installs()).toBe(1);
    process.kill(-killed.child.pid!, 'SIGKILL');
    await killed.done;
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    expect(leftovers(dir).sort()).toEqual(expect.arrayContaining(['.install.lock']));
    expect(leftovers(dir).length).toBe(2); // the lock and npm's half-done folder

    const next = await install(dir).done;
    expect(next.stderr).toMatch(/waiting for another process/);
    expect(next.code).toBe(0);
    expect(installs()).toBe(2);
    expect(stamped(dir)).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  }, 90_000);

  it('a failed install is one line naming the folder and npm reason, and leaves the folder as it was', async () => {
    const { dir } = peersFolder();
    // A registry dependency, with the registry on a closed loopback port: unreachable.
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'fixture-peers',
        private: true,
        dependencies: { 'absent-peer': '1.0.0' },
      }),
    );
    writeFileSync(
      join(dir, 'package-lock.json'),
      JSON.stringify({
        name: 'fixture-peers',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'fixture-peers', dependencies: { 'absent-peer': '1.0.0' } },
          'node_modules/absent-peer': { version: '1.0.0' },
        },
      }),
    );
    const before = readdirSync(dir).sort();
    const failed = await install(dir, {
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_fetch_retries: '0',
    }).done;
    expect(failed.code).toBe(1);
    const [announce, error, ...rest] = failed.stderr.trim().split('\n');
    expect(announce).toMatch(/^installing the benchmark peers \(absent-peer@1\.0\.0\)/);
    expect(error).toMatch(
      new RegExp(
        `^error: could not install the benchmark peers into ${dir}: npm ci exited with 1: ` +
          'ECONNREFUSED: .*; the npm registry is unreachable',
      ),
    );
    expect(rest).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
