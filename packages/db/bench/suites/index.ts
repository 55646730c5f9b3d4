import type { Suite } from '../lib/types.ts';
import { backupSuite } from './backup.ts';
import { clientOpsSuite } from './client-ops.ts';
import { clientQueueSuite } from './client-queue.ts';
import { driversSuite } from './drivers.ts';
import { migrateSuite } from './migrate.ts';
import { replicationSuite } from './replication.ts';
import { searchSuite } from './search.ts';
import { seedSuite } from './seed.ts';
import { workerSuite } from './worker.ts';

/** This package's suites, in the order `pnpm bench` runs them. */
export const suites: Suite[] = [
  migrateSuite,
  seedSuite,
  backupSuite,
  clientOpsSuite,
  clientQueueSuite,
  workerSuite,
  driversSuite,
  replicationSuite,
  searchSuite,
];
