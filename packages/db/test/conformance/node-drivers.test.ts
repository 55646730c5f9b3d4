import { afterEach, describe, expect, it } from 'vitest';
import { LIBSQL_URL_ENV } from './bun-runner.ts';
import { libsqlDriver, syncDriver } from './drivers.ts';
import { defineConformance } from './suite.ts';

const api = { describe, it, expect, afterEach };

defineConformance(api, syncDriver('better-sqlite3'));
defineConformance(api, libsqlDriver());

const serverUrl = process.env[LIBSQL_URL_ENV];
if (serverUrl) {
  defineConformance(api, libsqlDriver(serverUrl));
} else {
  // No libSQL server can run here: say so in the run's output, not silently.
  console.warn(`conformance: libSQL server leg SKIPPED (${LIBSQL_URL_ENV} is not set)`);
  describe('libSQL server', () => {
    it.skip(`needs ${LIBSQL_URL_ENV} (a scratch sqld or Turso database)`, () => {});
  });
}
