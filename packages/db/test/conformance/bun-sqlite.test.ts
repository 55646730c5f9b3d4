import { describe, expect, it } from 'vitest';
import { packageDir } from '../helpers/fixtures.ts';
import { runBunTest } from './bun-runner.ts';

describe('conformance on Bun with bun:sqlite', () => {
  it('passes every case of the suite under the real Bun runtime', () => {
    const { status, output } = runBunTest('./test/conformance/bun-sqlite.bun.ts', packageDir);
    const passed = Number(/(\d+) pass/.exec(output)?.[1] ?? 0);
    const failed = Number(/(\d+) fail/.exec(output)?.[1] ?? -1);
    expect({ status, failed, output: failed === 0 ? '' : output }).toEqual({
      status: 0,
      failed: 0,
      output: '',
    });
    // Every case of the suite ran: the queue contracts, the migrator's cases, the clients.
    expect(passed).toBe(32);
  }, 180_000);
});
