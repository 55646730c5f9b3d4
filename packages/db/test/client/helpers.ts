import { join } from 'node:path';
import { openDatabase, type DatabaseHandle, type DatabaseName } from '../../src/index.ts';
import { tempDir } from '../helpers/fixtures.ts';

export const storageKinds = ['memory', 'file'] as const;
export type StorageKind = (typeof storageKinds)[number];

/** A freshly migrated database, in memory or in a temp file, closed when the test ends. */
export async function freshDatabase(
  name: DatabaseName,
  kind: StorageKind,
): Promise<DatabaseHandle> {
  const path = kind === 'memory' ? ':memory:' : join(tempDir(), `${name}.db`);
  return openDatabase(name, { path, migrate: { log: () => {} } });
}

/** A clock tests move by hand. */
export function fakeClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => (now += ms);
  clock.set = (ms: number) => (now = ms);
  return clock;
}

/** An engine scheduled mission, every morning at 07:00, due a second before `now`. */
export function dueMorningMission(now: number) {
  return {
    name: 'Morning',
    slug: 'morning',
    prompt: 'do it',
    scheduleType: 'time' as const,
    scheduleTime: '07:00',
    nextRun: new Date(now - 1000),
  };
}

/** Secret options with a key file in a temp folder. */
export function tempSecrets() {
  return { keyFile: join(tempDir(), 'keys', 'secret.key') };
}
