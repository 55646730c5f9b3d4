import { betterSqlite3Of } from '../../src/driver/better-sqlite3.ts';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { databaseSchemas, localTimestamps } from '@agentstate/schema';
import { executionMetricsSchema, nodeOutputsSchema, executionRows } from '@agentstate/schema/dipeo';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createClient, openDatabase, type DatabaseHandle } from '../../src/index.ts';
import {
  dipeoDatabase,
  dipeoFixture,
  writeAsDipeo,
  type FixtureZone,
} from '../helpers/dipeo-original.ts';
import { packageDir, tempDir } from '../helpers/fixtures.ts';
import { snapshotRows } from '../helpers/original-tools.ts';
import { fakeClock } from './helpers.ts';

const fixture = dipeoFixture();
const zones = Object.keys(fixture.executions) as FixtureZone[];

/** A database DiPeO wrote with TZ=`zone`, adopted by openDatabase. */
async function dipeoHandle(zone: FixtureZone): Promise<DatabaseHandle> {
  const path = dipeoDatabase(tempDir(), zone);
  return openDatabase('dipeo', { path, migrate: { log: () => {} } });
}

const storedExecutions = (handle: DatabaseHandle) => snapshotRows(handle.sqlite).get('executions')!;
const rawRow = (handle: DatabaseHandle, id: string) =>
  handle.sqlite.prepare('SELECT * FROM executions WHERE execution_id = ?').get(id) as Record<
    string,
    string | number | null
  >;

describe.each(zones)('DiPeO executions written with TZ=%s', (zone) => {
  it('are what DiPeO writes: Python json.dumps text, nulls for every unset optional field', async () => {
    const handle = await dipeoHandle(zone);
    const rows = [...storedExecutions(handle).values()];
    expect(rows).toHaveLength(3);
    const text = rows.map((row) => Object.values(row).join('\n')).join('\n');
    // Guards the round trip below: none of this is what JSON.stringify would write.
    for (const piece of [
      '"schema_id": null',
      '"representations": null',
      '"retry_count": null',
      '"total": null',
      '"dependencies": null',
      '"parallelizable_groups": null',
      '"input": 812.0',
      '1e+16',
      '\\uc11c\\uc6b8',
    ]) {
      expect(text).toContain(piece);
    }
    for (const row of rows) {
      const outputs: unknown = JSON.parse(row.node_outputs!.slice(1, -1).replace(/''/g, "'"));
      expect(nodeOutputsSchema.safeParse(outputs).error).toBeUndefined();
      if (row.metrics !== 'NULL') {
        const metrics: unknown = JSON.parse(row.metrics!.slice(1, -1).replace(/''/g, "'"));
        expect(executionMetricsSchema.safeParse(metrics).error).toBeUndefined();
      }
    }
    handle.close();
  });

  it('read through the typed client and saved back unchanged, keep every column byte for byte', async () => {
    const handle = await dipeoHandle(zone);
    const before = storedExecutions(handle);
    const client = createClient('dipeo', handle, { timeZone: zone });
    // Every way the client reads an execution hands back values that save back as they were.
    const read = [
      ...client.listExecutions(),
      ...client.warmCache(),
      ...[...before.keys()].map((id) => client.getExecution(id.slice(1, -1))!),
    ];
    expect(read).toHaveLength(3 + 1 + 3);
    for (const execution of read) {
      expect(executionRows.select.safeParse(execution).error).toBeUndefined();
      client.saveExecution(execution);
      // A spread copy holds the same values: still unchanged.
      client.saveExecution({ ...execution });
    }
    expect(storedExecutions(handle)).toEqual(before);
    handle.close();
  });

  it('gives the instants DiPeO meant through the zone option, whatever the process zone', async () => {
    const handle = await dipeoHandle(zone);
    const client = createClient('dipeo', handle, { timeZone: zone });
    const meant = fixture.executions[zone].meant;
    const instants = Object.fromEntries(
      client.listExecutions().map((e) => [
        e.executionId,
        {
          started_at: e.startedAt.toISOString(),
          ended_at: e.endedAt?.toISOString() ?? null,
          last_accessed: e.lastAccessed?.toISOString() ?? null,
        },
      ]),
    );
    expect(instants).toEqual(meant);
    handle.close();
  });
});

describe('DiPeO executions changed by the typed client', () => {
  it('write a changed time in DiPeO format in the client zone; the rest of the row stays as it was', async () => {
    const handle = await dipeoHandle('Asia/Seoul');
    const client = createClient('dipeo', handle, { timeZone: 'Asia/Seoul' });
    const running = client.listExecutions({ status: 'running' })[0]!;
    const before = rawRow(handle, running.executionId);

    client.saveExecution({
      ...running,
      status: 'completed',
      endedAt: new Date('2026-12-01T08:30:00.250Z'),
    });
    expect(rawRow(handle, running.executionId)).toEqual({
      ...before,
      status: 'completed',
      ended_at: '2026-12-01T17:30:00.250000',
    });
    // isoformat leaves out a zero fraction.
    client.saveExecution({ ...running, endedAt: new Date('2026-12-01T08:31:00Z') });
    expect(rawRow(handle, running.executionId).ended_at).toBe('2026-12-01T17:31:00');

    // A Date changed in place is a changed value, and so is an edited JSON value.
    const done = client.listExecutions({ status: 'completed' }).find((e) => e.metrics)!;
    const doneBefore = rawRow(handle, done.executionId);
    expect(doneBefore.ended_at).toBe('2026-12-01T17:07:40.595501');
    done.endedAt!.setTime(done.endedAt!.getTime() + 1);
    done.nodeStates.start_1!.error = 'edited';
    client.saveExecution(done);
    const after = rawRow(handle, done.executionId);
    expect(after.ended_at).toBe('2026-12-01T17:07:40.596000');
    expect(after.node_states).toBe(JSON.stringify(done.nodeStates));
    expect(after.node_outputs).toBe(doneBefore.node_outputs);
    expect(after.metrics).toBe(doneBefore.metrics);
    handle.close();
  });

  it('stores a new execution as DiPeO stores one: local time everywhere but SQLite’s created_at', async () => {
    const handle = await dipeoHandle('Asia/Seoul');
    const clock = fakeClock(Date.parse('2026-12-08T08:00:00.125Z'));
    const client = createClient('dipeo', handle, { timeZone: 'Asia/Seoul', clock });
    client.saveExecution({
      executionId: 'exec_new',
      status: 'pending',
      startedAt: new Date(clock()),
      nodeStates: {},
      nodeOutputs: {},
      llmUsage: { input: 0, output: 0, cached: null, total: null },
      variables: {},
    });
    const row = rawRow(handle, 'exec_new');
    expect(row).toMatchObject({
      started_at: '2026-12-08T17:00:00.125000',
      ended_at: null,
      last_accessed: '2026-12-08T17:00:00.125000',
      llm_usage: '{"input":0,"output":0,"cached":null,"total":null}',
    });
    expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    clock.advance(60_000);
    expect(client.loadExecution('exec_new')!.lastAccessed).toEqual(new Date(clock()));
    expect(rawRow(handle, 'exec_new').last_accessed).toBe('2026-12-08T17:01:00.125000');
    handle.close();
  });

  it('reads a last_accessed left to its UTC default as UTC, and a zoned text at its zone', async () => {
    const handle = await dipeoHandle('Asia/Seoul');
    const client = createClient('dipeo', handle, { timeZone: 'Asia/Seoul' });
    const update = handle.sqlite.prepare(
      'UPDATE executions SET last_accessed = ?, ended_at = ? WHERE execution_id = ?',
    );
    const id = client.listExecutions({ status: 'failed' })[0]!.executionId;
    update.run('2026-12-01 08:09:46', '2026-12-01T08:09:46.000+00:00', id);
    const before = rawRow(handle, id);
    const e = client.getExecution(id)!;
    expect(e.lastAccessed).toEqual(new Date('2026-12-01T08:09:46Z'));
    expect(e.endedAt).toEqual(new Date('2026-12-01T08:09:46Z'));
    client.saveExecution(e);
    expect(rawRow(handle, id)).toEqual(before);
    handle.close();
  });

  it('cleans up by DiPeO local start time, the cutoff written in the same form', async () => {
    const handle = await dipeoHandle('Asia/Seoul');
    // Seven days before now is 2026-12-01T08:00Z, 17:00 in Seoul: the fixture executions started
    // after it, except the two moved to 12:00 and 16:59 Seoul time (03:00Z and 07:59Z).
    const clock = fakeClock(Date.parse('2026-12-08T08:00:00Z'));
    const client = createClient('dipeo', handle, { timeZone: 'Asia/Seoul', clock });
    const ids = client.listExecutions().map((e) => e.executionId);
    const move = handle.sqlite.prepare(
      'UPDATE executions SET started_at = ? WHERE execution_id = ?',
    );
    move.run('2026-12-01T12:00:00', ids[0]);
    move.run('2026-12-01T16:59:59.999999', ids[1]);
    expect(client.cleanup()).toMatchObject({ executions: 2 });
    expect(client.listExecutions().map((e) => e.executionId)).toEqual([ids[2]]);
    handle.close();
  });

  it('shares the codec with the drizzle column: a Date drizzle read saves back as its text', async () => {
    const handle = await dipeoHandle('UTC');
    const before = storedExecutions(handle);
    const db = drizzle(betterSqlite3Of(handle.sqlite), { schema: databaseSchemas.dipeo });
    const { executions } = databaseSchemas.dipeo;
    // Whatever this process's zone is, a Date drizzle read is written back as it was read.
    for (const row of db.select().from(executions).all()) {
      db.update(executions)
        .set({ endedAt: row.endedAt, lastAccessed: row.lastAccessed })
        .where(eq(executions.executionId, row.executionId))
        .run();
      // The typed client in the process's zone (no option) uses the same codec: a Date drizzle
      // read is saved as its text (the client's own read keeps the JSON text).
      const client = createClient('dipeo', handle);
      client.saveExecution({ ...client.getExecution(row.executionId)!, endedAt: row.endedAt });
    }
    expect(storedExecutions(handle)).toEqual(before);
    handle.close();
  });

  it('refuses an unknown zone with one line naming the option, and a year Python cannot hold', async () => {
    const handle = await dipeoHandle('UTC');
    expect(() => createClient('dipeo', handle, { timeZone: 'Mars/Olympus' })).toThrow(
      'timeZone: unknown time zone "Mars/Olympus" (expected an IANA name such as "Asia/Seoul")',
    );
    const client = createClient('dipeo', handle, { timeZone: 'UTC' });
    const e = client.listExecutions()[0]!;
    const before = storedExecutions(handle);
    expect(() => client.saveExecution({ ...e, endedAt: new Date(Date.UTC(10_000, 0, 1)) })).toThrow(
      /^executions\.ended_at: .* outside the years 1-9999/,
    );
    expect(storedExecutions(handle)).toEqual(before);
    handle.close();
  });
});

const child = fileURLToPath(new URL('./children/dipeo-times.ts', import.meta.url));
const run = promisify(execFile);

interface ChildReport {
  zone: string;
  client: Record<string, Record<string, string | null>>;
  drizzle: Record<string, Record<string, string | null>>;
  dst: Record<string, { read: unknown[]; write: unknown[] }>;
}

/** Reads `path` in a process whose TZ is `tz` (or unset), with the client's zone option if given. */
async function readInChild(path: string, tz: string | undefined, timeZone?: string) {
  const env = { ...process.env };
  if (tz === undefined) delete env.TZ;
  else env.TZ = tz;
  const args = ['--import', 'tsx', child, path, ...(timeZone ? [timeZone] : [])];
  const { stdout } = await run(process.execPath, args, { cwd: packageDir, env });
  return JSON.parse(stdout) as ChildReport;
}

/** A DiPeO file written with TZ=`zone`, adopted, closed so a child can read it. */
async function adoptedFile(zone: FixtureZone): Promise<string> {
  const path = dipeoDatabase(tempDir(), zone);
  (await openDatabase('dipeo', { path, migrate: { log: () => {} } })).close();
  return path;
}

describe('zone-less DiPeO times in processes with their own TZ', () => {
  it.each(zones)(
    'read in the process zone TZ=%s, the typed client and drizzle give the instants DiPeO meant',
    async (zone) => {
      const report = await readInChild(await adoptedFile(zone), zone);
      expect(report.zone).toBe(zone);
      expect(report.client).toEqual(fixture.executions[zone].meant);
      expect(report.drizzle).toEqual(fixture.executions[zone].meant);
    },
  );

  it('the zone option wins over the process zone, and works with TZ unset', async () => {
    const path = await adoptedFile('Asia/Seoul');
    const meant = fixture.executions['Asia/Seoul'].meant;
    for (const tz of [undefined, 'UTC', 'America/New_York']) {
      const report = await readInChild(path, tz, 'Asia/Seoul');
      expect(report.client).toEqual(meant);
    }
    // Without the option, a process in another zone reads Seoul's wall times as its own.
    const inUtc = await readInChild(path, 'UTC');
    const first = Object.keys(meant)[0]!;
    expect(
      Date.parse(inUtc.client[first]!.started_at!) - Date.parse(meant[first]!.started_at!),
    ).toBe(9 * 3_600_000);
  });

  it.each(Object.keys(fixture.dst))(
    'around the DST changes of %s, reads and writes as Python does, in that process and by name',
    async (zone) => {
      const cases = fixture.dst[zone]!;
      const report = await readInChild(await adoptedFile('UTC'), zone);
      expect(report.zone).toBe(zone);
      expect(report.dst[zone]).toEqual(cases);
      // The named zone, in this process (whatever its TZ), agrees.
      const named = localTimestamps(zone);
      expect(cases.read.map(({ text }) => named.read(text).toISOString())).toEqual(
        cases.read.map(({ instant }) => instant),
      );
      expect(cases.write.map(({ instant }) => named.format(Date.parse(instant)))).toEqual(
        cases.write.map(({ text }) => text),
      );
    },
  );
});

describe('writeAsDipeo', () => {
  it('replays DiPeO upserts and access counts on its own DDL', () => {
    const sqlite = new Database(':memory:');
    sqlite.exec(
      `CREATE TABLE executions (execution_id TEXT PRIMARY KEY, status TEXT NOT NULL,
        diagram_id TEXT, started_at TEXT NOT NULL, ended_at TEXT, node_states TEXT NOT NULL,
        node_outputs TEXT NOT NULL, llm_usage TEXT NOT NULL, error TEXT, variables TEXT NOT NULL,
        exec_counts TEXT NOT NULL DEFAULT '{}', executed_nodes TEXT NOT NULL DEFAULT '[]',
        metrics TEXT DEFAULT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        access_count INTEGER DEFAULT 0, last_accessed TIMESTAMP DEFAULT CURRENT_TIMESTAMP)`,
    );
    writeAsDipeo(sqlite, 'Asia/Seoul');
    const counts = sqlite
      .prepare('SELECT access_count FROM executions ORDER BY started_at')
      .pluck()
      .all();
    // The completed run was loaded twice (once by the process that finished it, once by the UI).
    expect(counts).toEqual([2, 0, 0]);
    sqlite.close();
  });
});
