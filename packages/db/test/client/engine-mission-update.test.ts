import { describe, expect, it } from 'vitest';
import { createClient, NotFoundError, RowValidationError } from '../../src/index.ts';
import { fakeClock, freshDatabase } from './helpers.ts';

async function engineAt(start: string, timeZone: string) {
  const handle = await freshDatabase('engine', 'file');
  const clock = fakeClock(Date.parse(start));
  return { handle, clock, engine: createClient('engine', handle, { clock, timeZone }) };
}

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
const at = (text: string) => Date.parse(text);

const daily = {
  name: 'Morning brief',
  slug: 'morning-brief',
  prompt: 'brief',
  scheduleType: 'cron' as const,
  scheduleCron: '0 9 * * *',
};

describe('updateScheduledMission keeps next_run in step with the schedule', () => {
  it('a changed cron gets its next run from now; an edit of other columns leaves it', async () => {
    const { engine, clock } = await engineAt('2026-01-15T12:00:00Z', 'UTC');
    const mission = engine.createScheduledMission(daily);
    expect(iso(mission.nextRun)).toBe('2026-01-16T09:00:00.000Z');

    clock.set(at('2026-01-15T13:00:00Z'));
    const renamed = engine.updateScheduledMission(mission.id, { name: 'Brief', role: 'writer' });
    expect(renamed).toMatchObject({ name: 'Brief', role: 'writer', slug: 'morning-brief' });
    expect(iso(renamed.nextRun)).toBe('2026-01-16T09:00:00.000Z');
    expect(iso(renamed.updatedAt)).toBe('2026-01-15T13:00:00.000Z');

    const edited = engine.updateScheduledMission(mission.id, { scheduleCron: '0 14 * * *' });
    expect(iso(edited.nextRun)).toBe('2026-01-15T14:00:00.000Z');
    expect(iso(engine.getScheduledMission(mission.id)!.nextRun)).toBe('2026-01-15T14:00:00.000Z');
    clock.set(at('2026-01-15T14:00:00Z'));
    expect(engine.claimDueMission()!.mission.id).toBe(mission.id);
  });

  it('an edit to a wall-clock time in New York, then the spring-forward gap', async () => {
    const { engine, clock } = await engineAt('2026-03-06T15:00:00Z', 'America/New_York');
    const mission = engine.createScheduledMission(daily);
    expect(iso(mission.nextRun)).toBe('2026-03-07T14:00:00.000Z'); // 09:00 EST
    // Moved to 02:30 every day: 7 March 02:30 EST has passed, 8 March 02:30 does not exist.
    clock.set(at('2026-03-07T12:00:00Z'));
    const edited = engine.updateScheduledMission(mission.id, {
      scheduleType: 'time',
      scheduleCron: null,
      scheduleTime: '02:30',
      scheduleDays: [],
    });
    expect(iso(edited.nextRun)).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT, after the gap
    clock.set(at('2026-03-08T07:00:00Z'));
    expect(iso(engine.claimDueMission()!.mission.nextRun)).toBe('2026-03-09T06:30:00.000Z');
  });

  it('an edit in Berlin before clocks fall back runs once in the repeated hour', async () => {
    const { engine, clock } = await engineAt('2026-10-23T12:00:00Z', 'Europe/Berlin');
    const mission = engine.createScheduledMission(daily);
    clock.set(at('2026-10-24T20:00:00Z'));
    const edited = engine.updateScheduledMission(mission.id, { scheduleCron: '30 2 * * *' });
    expect(iso(edited.nextRun)).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
    clock.set(at('2026-10-25T00:30:00Z'));
    const claim = engine.claimDueMission()!;
    engine.finishMissionRun(claim.run.id, 'completed');
    expect(iso(claim.mission.nextRun)).toBe('2026-10-26T01:30:00.000Z');
    clock.set(at('2026-10-25T01:30:00Z')); // 02:30 CET, the same wall time again
    expect(engine.claimDueMission()).toBeUndefined();
    expect(engine.missionRuns(mission.id)).toHaveLength(1);
  });

  it('enabled again, a mission runs next after now, not at the run it missed', async () => {
    const { engine, clock } = await engineAt('2026-01-15T12:30:00Z', 'UTC');
    const mission = engine.createScheduledMission({ ...daily, scheduleCron: '0 * * * *' });
    const disabled = engine.updateScheduledMission(mission.id, { enabled: false });
    expect(disabled.enabled).toBe(false);
    expect(iso(disabled.nextRun)).toBe('2026-01-15T13:00:00.000Z'); // kept while disabled
    clock.set(at('2026-01-15T15:20:00Z'));
    expect(engine.claimDueMission()).toBeUndefined();
    const enabled = engine.updateScheduledMission(mission.id, { enabled: true });
    expect(iso(enabled.nextRun)).toBe('2026-01-15T16:00:00.000Z');
    expect(engine.claimDueMission()).toBeUndefined();
    // Enabling an enabled mission changes nothing.
    expect(iso(engine.updateScheduledMission(mission.id, { enabled: true }).nextRun)).toBe(
      '2026-01-15T16:00:00.000Z',
    );
  });

  it('a nextRun in the patch is kept; relative and untyped schedules', async () => {
    const { engine } = await engineAt('2026-01-15T12:00:00Z', 'UTC');
    const mission = engine.createScheduledMission(daily);
    const now = engine.updateScheduledMission(mission.id, {
      scheduleCron: '0 18 * * *',
      nextRun: new Date('2026-01-15T12:00:00Z'), // run now, then at 18:00
    });
    expect(iso(now.nextRun)).toBe('2026-01-15T12:00:00.000Z');
    expect(iso(engine.claimDueMission()!.mission.nextRun)).toBe('2026-01-15T18:00:00.000Z');

    const once = engine.updateScheduledMission(mission.id, {
      scheduleType: 'relative',
      nextRun: new Date('2026-01-20T08:00:00Z'),
    });
    expect(iso(once.nextRun)).toBe('2026-01-20T08:00:00.000Z');
    // Still relative: its time stays.
    expect(iso(engine.updateScheduledMission(mission.id, { scheduleCron: null }).nextRun)).toBe(
      '2026-01-20T08:00:00.000Z',
    );
    // No schedule type: it runs only when a next_run is set by hand.
    expect(engine.updateScheduledMission(mission.id, { scheduleType: null }).nextRun).toBeNull();
  });

  it('refuses bad input naming its column, and writes nothing', async () => {
    const { engine, handle } = await engineAt('2026-01-15T12:00:00Z', 'UTC');
    const mission = engine.createScheduledMission(daily);
    engine.createScheduledMission({ ...daily, slug: 'taken' });
    const snapshot = () =>
      handle.sqlite.prepare('SELECT * FROM scheduled_missions ORDER BY id').all();
    const before = snapshot();
    const refusal = (patch: Parameters<typeof engine.updateScheduledMission>[1]) => {
      try {
        engine.updateScheduledMission(mission.id, patch);
      } catch (error) {
        expect(error).toBeInstanceOf(RowValidationError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refusal({ scheduleCron: '61 * * * *' })).toMatch(
      /scheduled_missions\.schedule_cron: "61 \* \* \* \*": .*minute/,
    );
    expect(refusal({ scheduleType: 'time' })).toMatch(
      /scheduled_missions\.schedule_time: a time schedule needs schedule_time as HH:MM, got null/,
    );
    expect(refusal({ scheduleTime: '7:00' })).toMatch(/scheduled_missions\.schedule_time: /);
    expect(refusal({ scheduleType: 'relative' })).toMatch(
      /scheduled_missions\.next_run: a relative schedule needs next_run/,
    );
    expect(refusal({ slug: 'taken' })).toMatch(/scheduled_missions\.slug/);
    expect(refusal({ name: null as unknown as string })).toMatch(/scheduled_missions\.name/);
    expect(refusal({ timeoutMinutes: 0 })).toMatch(/scheduled_missions\.timeout_minutes/);
    expect(refusal({ lastRun: new Date() } as never)).toMatch(
      /scheduled_missions\.lastRun: not a column an edit sets/,
    );
    expect(snapshot()).toEqual(before);
    expect(() => engine.updateScheduledMission('nope1234', { name: 'x' })).toThrow(NotFoundError);
  });
});

describe('a claim brings missions edited by the original engine in step', () => {
  type Engine = Awaited<ReturnType<typeof engineAt>>['engine'];
  /** The mission as the original engine's raw SQL leaves it: next_run untouched. */
  const editLikeOriginal = (engine: Engine, id: string, set: string, updatedAt: string) =>
    engine.sqlite
      .prepare(`UPDATE scheduled_missions SET ${set}, updated_at = ? WHERE id = ?`)
      .run(updatedAt, id);
  const updatedAtText = (engine: Engine, id: string) =>
    engine.sqlite.prepare('SELECT updated_at FROM scheduled_missions WHERE id = ?').pluck().get(id);

  it('a cron changed with datetime() text: the old time is not run, the new one is', async () => {
    const { engine, clock } = await engineAt('2026-01-15T12:00:00Z', 'Europe/Berlin');
    const mission = engine.createScheduledMission(daily);
    expect(iso(mission.nextRun)).toBe('2026-01-16T08:00:00.000Z'); // 09:00 CET
    editLikeOriginal(engine, mission.id, "schedule_cron = '0 11 * * *'", '2026-01-15 12:10:00');
    clock.set(at('2026-01-16T08:00:00Z'));
    expect(engine.claimDueMission()).toBeUndefined();
    expect(iso(engine.getScheduledMission(mission.id)!.nextRun)).toBe('2026-01-16T10:00:00.000Z');
    expect(updatedAtText(engine, mission.id)).toBe('2026-01-16T08:00:00.000Z');
    clock.set(at('2026-01-16T10:00:00Z'));
    expect(engine.claimDueMission()!.mission.id).toBe(mission.id);
  });

  it('enabled again with Python isoformat() text: the next run after the edit', async () => {
    const { engine, clock } = await engineAt('2026-01-15T12:30:00Z', 'UTC');
    const mission = engine.createScheduledMission({ ...daily, scheduleCron: '0 * * * *' });
    engine.updateScheduledMission(mission.id, { enabled: false });
    clock.set(at('2026-01-15T15:25:00Z'));
    editLikeOriginal(engine, mission.id, 'enabled = 1', '2026-01-15T15:20:00.123456');
    expect(engine.claimDueMission()).toBeUndefined(); // no catch-up of 13:00
    expect(iso(engine.getScheduledMission(mission.id)!.nextRun)).toBe('2026-01-15T16:00:00.000Z');
  });

  it('a one-off turned into a cron (next_run null) is scheduled, and due at once if it passed', async () => {
    const { engine, clock } = await engineAt('2026-01-15T12:00:00Z', 'UTC');
    const mission = engine.createScheduledMission({
      ...daily,
      scheduleType: 'relative',
      scheduleCron: null,
      nextRun: new Date('2026-01-15T12:00:00Z'),
    });
    const first = engine.claimDueMission()!;
    expect(first.mission.nextRun).toBeNull();
    engine.finishMissionRun(first.run.id, 'completed');
    editLikeOriginal(
      engine,
      mission.id,
      "schedule_type = 'cron', schedule_cron = '*/15 * * * *'",
      '2026-01-15T12:05:00+00:00',
    );
    clock.set(at('2026-01-15T12:20:00Z'));
    // Its first run after the edit, 12:15, has come: it runs now and then every 15 minutes.
    const claim = engine.claimDueMission()!;
    expect(claim.mission.id).toBe(mission.id);
    expect(iso(claim.mission.nextRun)).toBe('2026-01-15T12:30:00.000Z');
  });

  it('leaves a mission the original engine scheduled itself on its own times', async () => {
    const { engine, clock } = await engineAt('2026-01-15T11:30:00Z', 'UTC');
    const mission = engine.createScheduledMission({ ...daily, scheduleCron: '0 * * * *' });
    editLikeOriginal(
      engine,
      mission.id,
      "last_run = '2026-01-15T11:00:00.000Z', next_run = '2026-01-15T12:00:00.000Z'",
      '2026-01-15 11:00:02',
    );
    expect(engine.claimDueMission()).toBeUndefined();
    expect(updatedAtText(engine, mission.id)).toBe('2026-01-15 11:00:02'); // not rewritten
    // Overdue (its worker was down): still run, once.
    clock.set(at('2026-01-15T12:40:00Z'));
    const claim = engine.claimDueMission()!;
    expect(claim.mission.id).toBe(mission.id);
    expect(iso(claim.mission.nextRun)).toBe('2026-01-15T13:00:00.000Z');
  });

  it('an edit that keeps updated_at is not recognised: the old time runs once', async () => {
    const { engine, clock } = await engineAt('2026-01-15T12:00:00Z', 'UTC');
    const mission = engine.createScheduledMission(daily);
    engine.sqlite
      .prepare("UPDATE scheduled_missions SET schedule_cron = '0 11 * * *' WHERE id = ?")
      .run(mission.id);
    clock.set(at('2026-01-16T09:00:00Z'));
    // Nothing in the row tells this edit apart: the old time runs once, then the new schedule.
    const claim = engine.claimDueMission()!;
    expect(iso(claim.mission.nextRun)).toBe('2026-01-16T11:00:00.000Z');
  });
});
