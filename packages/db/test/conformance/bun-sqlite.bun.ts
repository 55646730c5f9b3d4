// The conformance suite on Bun with bun:sqlite, run by `bun test` (see bun-sqlite.test.ts).
import { afterEach, describe, expect, it } from 'bun:test';
import { syncDriver } from './drivers.ts';
import { defineConformance } from './suite.ts';

if (typeof process.versions.bun !== 'string') throw new Error('this file runs on Bun');
defineConformance({ describe, it, expect, afterEach } as never, syncDriver('bun:sqlite'));
