/**
 * Reads a dipeo database in this process's zone (TZ, set by the parent) and prints, as one JSON
 * line, the instants the typed client and drizzle read, and what the process-zone codec makes of
 * the fixture's DST cases. Usage: dipeo-times.ts <db path> [timeZone option]
 */
import { databaseSchemas, localTimestamps } from '@agentstate/schema';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { createClient } from '../../../src/index.ts';
import { dipeoFixture } from '../../helpers/dipeo-original.ts';

const [path, timeZone] = process.argv.slice(2);
if (!path) throw new Error('usage: dipeo-times.ts <database path> [time zone]');
const sqlite = new Database(path);
const iso = (date: Date | null) => (date === null ? null : date.toISOString());

const client = createClient('dipeo', sqlite, timeZone ? { timeZone } : {});
const read = Object.fromEntries(
  client.listExecutions().map((e) => [
    e.executionId,
    {
      started_at: iso(e.startedAt),
      ended_at: iso(e.endedAt),
      last_accessed: iso(e.lastAccessed),
    },
  ]),
);
const db = drizzle(sqlite, { schema: databaseSchemas.dipeo });
const drizzleRead = Object.fromEntries(
  db
    .select()
    .from(databaseSchemas.dipeo.executions)
    .all()
    .map((e) => [
      e.executionId,
      {
        started_at: iso(e.startedAt),
        ended_at: iso(e.endedAt),
        last_accessed: iso(e.lastAccessed),
      },
    ]),
);
const local = localTimestamps();
const dst = Object.fromEntries(
  Object.entries(dipeoFixture().dst).map(([zone, cases]) => [
    zone,
    {
      read: cases.read.map(({ text }) => ({ text, instant: local.read(text).toISOString() })),
      write: cases.write.map(({ instant }) => ({
        instant,
        text: local.format(Date.parse(instant)),
      })),
    },
  ]),
);
sqlite.close();
console.log(
  JSON.stringify({
    zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    client: read,
    drizzle: drizzleRead,
    dst,
  }),
);
