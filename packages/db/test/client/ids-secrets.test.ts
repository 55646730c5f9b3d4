import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { engineId, mcpmakerId, pokecodeId } from '../../src/client/shared/ids.ts';
import { retryDelayMs } from '../../src/client/shared/backoff.ts';
import { SecretBox } from '../../src/index.ts';
import { insertWithFreshId } from '../../src/client/shared/ids.ts';
import { run } from '../../src/driver/operation.ts';
import { syncRunner } from '../../src/driver/sync-runner.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { startWorker } from './children/spawn.ts';

const MILLION = 1_000_000;

describe('ids', () => {
  it('a million mcpmaker ids: unique and sorted by time', () => {
    const ids = new Array<string>(MILLION);
    for (let i = 0; i < MILLION; i++) ids[i] = mcpmakerId();
    expect(new Set(ids).size).toBe(MILLION);
    for (let i = 1; i < MILLION; i++)
      if (!(ids[i - 1]! < ids[i]!)) throw new Error(`not increasing at ${i}`);
    expect(ids[0]).toMatch(/^[0-9a-z]{8}-[0-9a-z]{8}$/);
  });

  it('a million pokecode ids: unique, cuid2-shaped', () => {
    const ids = new Set<string>();
    for (let i = 0; i < MILLION; i++) ids.add(pokecodeId());
    expect(ids.size).toBe(MILLION);
    expect([...ids].slice(0, 100).every((id) => /^[a-z][0-9a-z]{23}$/.test(id))).toBe(true);
  });

  it('a million engine ids: 8 characters, collisions as rare as 36^8 predicts', () => {
    const seen = new Set<string>();
    let collisions = 0;
    for (let i = 0; i < MILLION; i++) {
      const id = engineId();
      if (seen.has(id)) collisions++;
      seen.add(id);
    }
    // Expected 1e12 / (2 * 36^8) ≈ 0.18 collisions; 5 or more has probability below 1e-6.
    expect(collisions).toBeLessThan(5);
    expect([...seen].slice(0, 100).every((id) => /^[0-9a-z]{8}$/.test(id))).toBe(true);
  });

  it('an engine insert retries with a fresh id when the id is taken', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY)');
    db.prepare("INSERT INTO t VALUES ('taken')").run();
    const offered = ['taken', 'taken', 'fresh'];
    const runner = syncRunner(db);
    const write = { write: true };
    function* insert(id: string) {
      yield run('INSERT INTO t VALUES (?)', [id]);
      return id;
    }
    expect(
      runner.run(
        () =>
          insertWithFreshId(
            () => offered.shift()!,
            (id) => insert(id),
          ),
        write,
      ),
    ).toBe('fresh');
    expect(() =>
      runner.run(
        () =>
          insertWithFreshId(
            () => 'taken',
            (id) => insert(id),
            3,
          ),
        write,
      ),
    ).toThrow(/UNIQUE/);
  });
});

describe('backoff', () => {
  it('is exponential, capped and jittered between half and all of the nominal delay', () => {
    expect(retryDelayMs(1, { random: () => 0 })).toBe(2000);
    expect(retryDelayMs(1, { random: () => 0.999999 })).toBe(4000);
    expect(retryDelayMs(3, { random: () => 0.5 })).toBe(12000);
    expect(retryDelayMs(40, { random: () => 1, capMs: 60_000 })).toBe(60_000);
  });
});

describe('secrets', () => {
  it('8 processes creating the key file at once all end up with the one key', async () => {
    const keyFile = join(tempDir(), 'race', 'secret.key');
    const startAt = Date.now() + 1500;
    const workers = Array.from({ length: 8 }, (_, i) =>
      startWorker(['seal', keyFile, `process-${i}`, String(startAt)]),
    );
    const exits = await Promise.all(workers.map((w) => w.exited));
    expect(exits.map((e) => e.code)).toEqual(workers.map(() => 0));
    // Every value sealed in the race opens with the key now on disk: no process used another.
    const box = new SecretBox({ keyFile });
    workers.forEach((worker, i) => {
      const sealed = worker.lines.find((line) => line.startsWith('sealed '));
      expect(sealed, worker.lines.join('\n') + worker.stderr()).toBeDefined();
      expect(box.open(sealed!.slice('sealed '.length), 'race')).toBe(`process-${i}`);
    });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readdirSync(dirname(keyFile))).toEqual(['secret.key']); // no temporary left behind
  });

  it('creates the key file 0600 on first use and reads it back after', () => {
    const keyFile = join(tempDir(), 'nested', 'secret.key');
    const sealed = new SecretBox({ keyFile }).seal('s3cret', 'ctx');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(new SecretBox({ keyFile }).open(sealed, 'ctx')).toBe('s3cret');
    expect(() => new SecretBox({ keyFile }).open(sealed, 'other-ctx')).toThrow(/cannot decrypt/);
  });

  it('takes the key from the environment', () => {
    const env = { AGENTSTATE_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') };
    const sealed = new SecretBox({ env }).seal('x', 'c');
    expect(new SecretBox({ key: Buffer.alloc(32, 1) }).open(sealed, 'c')).toBe('x');
    expect(() => new SecretBox({ env: { AGENTSTATE_SECRET_KEY: 'short' } }).seal('x', 'c')).toThrow(
      /32-byte key/,
    );
  });
});
