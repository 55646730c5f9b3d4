import { describe, expect, it } from 'vitest';
import { createClient, RowValidationError } from '../../src/index.ts';
import { fakeClock, freshDatabase } from './helpers.ts';

async function engineAt(
  start: string,
  options: { timeZone?: string; overlap?: 'skip' | 'allow' } = {},
) {
  const handle = await freshDatabase('engine', 'file');
  const clock = fakeClock(Date.parse(start));
  return { handle, clock, engine: createClient('engine', handle, { clock, ...options }) };
}

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

describe('scheduled missions compute their next run', () => {
  it('a cron schedule across the spring-forward gap in America/New_York', async () => {
    const { engine, clock } = await engineAt('2026-03-07T12:00:00Z', {
      timeZone: 'America/New_York',
    });
    const mission = engine.createScheduledMission({
      name: 'Nightly digest',
      slug: 'nightly-digest',
      prompt: 'digest',
      scheduleType: 'cron',
      scheduleCron: '30 2 * * *',
    });
    // 02:30 does not exist on 8 March 2026 there: the run is at 03:00 EDT, the first minute after.
    expect(iso(mission.nextRun)).toBe('2026-03-08T07:00:00.000Z');
    expect(engine.claimDueMission()).toBeUndefined();
    clock.set(Date.parse('2026-03-08T07:00:00Z'));
    const claim = engine.claimDueMission()!;
    expect(claim.mission.id).toBe(mission.id);
    // The next day 02:30 EDT is UTC-4.
    expect(iso(claim.mission.nextRun)).toBe('2026-03-09T06:30:00.000Z');
    expect(iso(engine.getScheduledMission(mission.id)!.nextRun)).toBe('2026-03-09T06:30:00.000Z');
  });

  it('a cron schedule runs once in the hour Europe/Berlin repeats when clocks fall back', async () => {
    const { engine, clock } = await engineAt('2026-10-24T12:00:00Z', { timeZone: 'Europe/Berlin' });
    const mission = engine.createScheduledMission({
      name: 'Backup check',
      slug: 'backup-check',
      prompt: 'check',
      scheduleType: 'cron',
      scheduleCron: '30 2 * * *',
    });
    // 02:30 happens twice on 25 October: at 00:30Z (CEST) and at 01:30Z (CET).
    expect(iso(mission.nextRun)).toBe('2026-10-25T00:30:00.000Z');
    clock.set(Date.parse('2026-10-25T00:30:00Z'));
    const claim = engine.claimDueMission()!;
    engine.finishMissionRun(claim.run.id, 'completed');
    expect(iso(claim.mission.nextRun)).toBe('2026-10-26T01:30:00.000Z');
    clock.set(Date.parse('2026-10-25T01:30:00Z'));
    expect(engine.claimDueMission()).toBeUndefined();
    expect(engine.missionRuns(mission.id)).toHaveLength(1);
  });

  it('a time schedule on weekdays, in the zone given, and the same schedule in another zone', async () => {
    // Thursday 15 January 2026, 00:00Z.
    const tokyo = await engineAt('2026-01-15T00:00:00Z', { timeZone: 'Asia/Tokyo' });
    const input = {
      name: 'Morning brief',
      slug: 'morning-brief',
      prompt: 'brief',
      scheduleType: 'time' as const,
      scheduleTime: '07:00',
      scheduleDays: ['mon' as const, 'wed' as const, 'fri' as const],
    };
    const mission = tokyo.engine.createScheduledMission(input);
    // Friday 07:00 in Tokyo is Thursday 22:00Z.
    expect(iso(mission.nextRun)).toBe('2026-01-15T22:00:00.000Z');
    tokyo.clock.set(Date.parse('2026-01-15T22:00:00Z'));
    // Then Monday 07:00 JST.
    expect(iso(tokyo.engine.claimDueMission()!.mission.nextRun)).toBe('2026-01-18T22:00:00.000Z');

    const berlin = await engineAt('2026-01-15T00:00:00Z', { timeZone: 'Europe/Berlin' });
    expect(iso(berlin.engine.createScheduledMission(input).nextRun)).toBe(
      '2026-01-16T06:00:00.000Z',
    );
    const everyDay = berlin.engine.createScheduledMission({
      ...input,
      slug: 'every-day',
      scheduleDays: [],
    });
    expect(iso(everyDay.nextRun)).toBe('2026-01-15T06:00:00.000Z');
  });

  it('a relative mission runs once at the time it was given; a given next_run is kept', async () => {
    const { engine, clock } = await engineAt('2026-01-15T12:00:00Z', { timeZone: 'UTC' });
    const once = engine.createScheduledMission({
      name: 'Follow up',
      slug: 'follow-up',
      prompt: 'follow up',
      scheduleType: 'relative',
      nextRun: new Date('2026-01-15T14:00:00Z'),
    });
    const cron = engine.createScheduledMission({
      name: 'Hourly',
      slug: 'hourly',
      prompt: 'tick',
      scheduleType: 'cron',
      scheduleCron: '0 * * * *',
      nextRun: new Date('2026-01-15T12:00:00Z'), // run now, then on the hour
    });
    expect(iso(cron.nextRun)).toBe('2026-01-15T12:00:00.000Z');
    const first = engine.claimDueMission()!;
    expect(first.mission.id).toBe(cron.id);
    expect(iso(first.mission.nextRun)).toBe('2026-01-15T13:00:00.000Z');
    engine.finishMissionRun(first.run.id, 'completed');
    clock.set(Date.parse('2026-01-15T14:00:00Z'));
    const claims = [engine.claimDueMission()!, engine.claimDueMission()!];
    expect(claims.map((c) => c.mission.id).sort()).toEqual([cron.id, once.id].sort());
    expect(claims.find((c) => c.mission.id === once.id)!.mission.nextRun).toBeNull();
    expect(engine.getScheduledMission(once.id)!.nextRun).toBeNull();
  });

  it('refuses a schedule it cannot read, naming the column, and an unknown zone', async () => {
    const { engine, handle } = await engineAt('2026-01-15T12:00:00Z', { timeZone: 'UTC' });
    const base = { name: 'Bad', slug: 'bad', prompt: 'x' };
    const refusal = (input: Parameters<typeof engine.createScheduledMission>[0]) => {
      try {
        engine.createScheduledMission(input);
      } catch (error) {
        expect(error).toBeInstanceOf(RowValidationError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refusal({ ...base, scheduleType: 'cron', scheduleCron: '61 * * * *' })).toMatch(
      /scheduled_missions\.schedule_cron: "61 \* \* \* \*": .*minute/,
    );
    expect(refusal({ ...base, scheduleType: 'cron' })).toMatch(
      /scheduled_missions\.schedule_cron: a cron schedule needs schedule_cron/,
    );
    expect(refusal({ ...base, scheduleType: 'time', scheduleTime: '7:00' })).toMatch(
      /scheduled_missions\.schedule_time: a time schedule needs schedule_time as HH:MM, got "7:00"/,
    );
    expect(refusal({ ...base, scheduleType: 'relative' })).toMatch(
      /scheduled_missions\.next_run: a relative schedule needs next_run/,
    );
    expect(handle.sqlite.prepare('SELECT count(*) FROM scheduled_missions').pluck().get()).toBe(0);
    expect(() => createClient('engine', handle, { timeZone: 'Mars/Olympus' })).toThrow(
      'timeZone: "Mars/Olympus" is not an IANA time zone (e.g. "Europe/Berlin")',
    );
  });
});

describe('the overlap policy', () => {
  const hourly = {
    name: 'Inbox triage',
    slug: 'inbox-triage',
    prompt: 'triage',
    scheduleType: 'cron' as const,
    scheduleCron: '0 * * * *',
    timeoutMinutes: 90,
  };

  it('skips a run while the previous one runs, and runs again once it finished', async () => {
    const { engine, clock } = await engineAt('2026-01-15T12:30:00Z', { timeZone: 'UTC' });
    const mission = engine.createScheduledMission(hourly);
    clock.set(Date.parse('2026-01-15T13:00:00Z'));
    const first = engine.claimDueMission()!;
    clock.set(Date.parse('2026-01-15T14:00:00Z'));
    // Still running: the 14:00 run is skipped, the mission moves on to 15:00.
    expect(engine.claimDueMission()).toBeUndefined();
    expect(iso(engine.getScheduledMission(mission.id)!.nextRun)).toBe('2026-01-15T15:00:00.000Z');
    expect(engine.missionRuns(mission.id)).toHaveLength(1);
    engine.finishMissionRun(first.run.id, 'completed');
    clock.set(Date.parse('2026-01-15T15:00:00Z'));
    expect(engine.claimDueMission()!.mission.id).toBe(mission.id);
    expect(engine.missionRuns(mission.id)).toHaveLength(2);
  });

  it('a run past its timeout ends as timeout, and the next one starts', async () => {
    const { engine, clock } = await engineAt('2026-01-15T12:30:00Z', { timeZone: 'UTC' });
    const mission = engine.createScheduledMission(hourly);
    clock.set(Date.parse('2026-01-15T13:00:00Z'));
    const stuck = engine.claimDueMission()!;
    clock.set(Date.parse('2026-01-15T14:00:00Z'));
    expect(engine.claimDueMission()).toBeUndefined(); // 60 of its 90 minutes
    clock.set(Date.parse('2026-01-15T15:00:00Z'));
    const next = engine.claimDueMission()!; // 120 minutes: timed out
    expect(next.run.id).not.toBe(stuck.run.id);
    const old = engine.missionRuns(mission.id).find((r) => r.id === stuck.run.id)!;
    expect(old).toMatchObject({ status: 'timeout', durationSeconds: 7200 });
    expect(iso(old.endedAt)).toBe('2026-01-15T15:00:00.000Z');
    expect(engine.getScheduledMission(mission.id)!.lastStatus).toBe('timeout');
  });

  it('a one-off mission waits for the previous run instead of being skipped', async () => {
    const { engine, clock } = await engineAt('2026-01-15T12:00:00Z', { timeZone: 'UTC' });
    const mission = engine.createScheduledMission({ ...hourly, slug: 'again' });
    clock.set(Date.parse('2026-01-15T13:00:00Z'));
    const first = engine.claimDueMission()!;
    // Set to run again right away, by hand, while it runs.
    engine.sqlite
      .prepare(
        "UPDATE scheduled_missions SET schedule_type = 'relative', next_run = ? WHERE id = ?",
      )
      .run('2026-01-15T13:00:30.000Z', mission.id);
    clock.set(Date.parse('2026-01-15T13:01:00Z'));
    expect(engine.claimDueMission()).toBeUndefined();
    expect(iso(engine.getScheduledMission(mission.id)!.nextRun)).toBe('2026-01-15T13:00:30.000Z');
    engine.finishMissionRun(first.run.id, 'completed');
    expect(engine.claimDueMission()!.mission.nextRun).toBeNull();
  });

  it('allow starts the run while the previous one runs', async () => {
    const { engine, clock } = await engineAt('2026-01-15T12:30:00Z', {
      timeZone: 'UTC',
      overlap: 'allow',
    });
    const mission = engine.createScheduledMission(hourly);
    clock.set(Date.parse('2026-01-15T13:00:00Z'));
    engine.claimDueMission();
    clock.set(Date.parse('2026-01-15T14:00:00Z'));
    expect(engine.claimDueMission()!.mission.id).toBe(mission.id);
    expect(engine.missionRuns(mission.id).map((r) => r.status)).toEqual(['running', 'running']);
  });
});
