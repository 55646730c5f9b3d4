import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CACHE_SIZE_KIB,
  MMAP_SIZE_BYTES,
  DEFAULT_BUSY_TIMEOUT_MS,
  JOURNAL_SIZE_LIMIT_BYTES,
} from '../src/open/pragmas.ts';
import { openDatabase, pathEnvVar, resolveDatabasePath } from '../src/index.ts';
import { packageDir, tempDir } from './helpers/fixtures.ts';

describe('resolveDatabasePath', () => {
  const home = '/home/someone';
  const cwd = '/work/project';

  it('defaults to where each original tool keeps its database', () => {
    const at = (name: Parameters<typeof resolveDatabasePath>[0]) =>
      resolveDatabasePath(name, { env: {}, home, cwd });
    expect(at('mcpmaker')).toBe('/home/someone/.mcpmaker/mcpmaker.db');
    expect(at('multishot')).toBe('/home/someone/.multishot/database.sqlite');
    expect(at('dipeo')).toBe('/work/project/.dipeo/data/dipeo_state.db');
    expect(at('pokecode')).toBe('/home/someone/.pokecode/pokecode.db');
    expect(at('engine')).toBe('/work/project/.engine/data/db/system.db');
  });

  it('is overridden by AGENTSTATE_<NAME>_PATH, and that by the option', () => {
    expect(pathEnvVar('pokecode')).toBe('AGENTSTATE_POKECODE_PATH');
    const env = { AGENTSTATE_POKECODE_PATH: 'data/p.db' };
    expect(resolveDatabasePath('pokecode', { env, home, cwd })).toBe('/work/project/data/p.db');
    expect(
      resolveDatabasePath('pokecode', { env: { AGENTSTATE_POKECODE_PATH: '~/x.db' }, home, cwd }),
    ).toBe('/home/someone/x.db');
    expect(resolveDatabasePath('pokecode', { env, home, cwd, path: '/tmp/o.db' })).toBe(
      '/tmp/o.db',
    );
    expect(
      resolveDatabasePath('pokecode', { env: { AGENTSTATE_POKECODE_PATH: '' }, home, cwd }),
    ).toBe('/home/someone/.pokecode/pokecode.db');
    expect(
      resolveDatabasePath('engine', { env: { AGENTSTATE_ENGINE_PATH: ':memory:' }, home, cwd }),
    ).toBe(':memory:');
  });
});

describe('openDatabase', () => {
  it('creates the folder (0700) and the file (0600) at the path from the environment', async () => {
    const dir = tempDir();
    const path = join(dir, 'nested', 'state', 'p.db');
    const db = await openDatabase('pokecode', {
      env: { AGENTSTATE_POKECODE_PATH: path },
      migrate: false,
    });
    expect(db.path).toBe(path);
    expect(db.name).toBe('pokecode');
    expect(statSync(join(dir, 'nested')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'nested', 'state')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    db.sqlite.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    // SQLite gives the WAL the database file's mode.
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    db.close();
  });

  it('sets the same pragmas on a file and on :memory: (except what memory cannot have)', async () => {
    const file = await openDatabase('engine', { path: join(tempDir(), 'e.db') });
    const memory = await openDatabase('engine', { path: ':memory:' });
    for (const db of [file, memory]) {
      const p = (name: string) => db.sqlite.pragma(name, { simple: true });
      expect(p('foreign_keys')).toBe(1);
      expect(p('busy_timeout')).toBe(DEFAULT_BUSY_TIMEOUT_MS);
      expect(p('synchronous')).toBe(1); // NORMAL
      expect(p('cache_size')).toBe(-CACHE_SIZE_KIB);
      expect(p('journal_size_limit')).toBe(JOURNAL_SIZE_LIMIT_BYTES);
    }
    expect(file.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(file.sqlite.pragma('mmap_size', { simple: true })).toBe(MMAP_SIZE_BYTES);
    expect(memory.sqlite.pragma('journal_mode', { simple: true })).toBe('memory');
    expect(memory.path).toBe(':memory:');
    file.close();
    memory.close();
  });

  it("uses synchronous=FULL with durability 'full'", async () => {
    const db = await openDatabase('dipeo', { path: join(tempDir(), 'd.db'), durability: 'full' });
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('opens read-only without creating or migrating anything', async () => {
    const dir = tempDir();
    const path = join(dir, 'r.db');
    await expect(openDatabase('mcpmaker', { path, readonly: true })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
    (await openDatabase('mcpmaker', { path, migrate: false })).close();
    const db = await openDatabase('mcpmaker', { path, readonly: true });
    expect(db.migration).toBeUndefined();
    expect(() => db.sqlite.exec('CREATE TABLE t (x)')).toThrow(/readonly/);
    db.close();
  });

  it('opens nothing when the package is imported', () => {
    const dir = tempDir();
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        // Started in the package (where tsx resolves), then moved to `dir`: dipeo and engine
        // default to the working directory, the others to HOME.
        `process.chdir(${JSON.stringify(dir)}); await import(${JSON.stringify(join(packageDir, 'src/index.ts'))});`,
      ],
      { cwd: packageDir, env: { ...process.env, HOME: dir }, encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});
