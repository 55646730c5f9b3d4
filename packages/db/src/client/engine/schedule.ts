import { Cron } from 'croner';
import { sql } from 'drizzle-orm';
import { missions, scheduledMissions, type ScheduledMission } from '@agentstate/schema/engine';
import { sqlText } from '../shared/sql-text.ts';
import { columnError } from '../shared/errors.ts';

/**
 * When a scheduled mission runs next, from its schedule columns, in a named time zone:
 * - `cron`: `schedule_cron`, a five- or six-field cron expression (croner), read in the zone;
 * - `time`: `schedule_time` (`HH:MM`, wall-clock time in the zone) on `schedule_days`
 *   (weekday names; empty or null = every day);
 * - `relative`: once, at the `next_run` it was given; nothing after a run;
 * - no type: only when `next_run` is set by hand.
 * Across a daylight-saving change a wall-clock time that does not exist that day runs at the first
 * minute after the gap, and one that occurs twice runs once (the first).
 */

const TABLE = 'scheduled_missions';

export type Schedule = Pick<
  ScheduledMission,
  'scheduleType' | 'scheduleCron' | 'scheduleTime' | 'scheduleDays'
>;

/** The process's own zone: what the engine's Python means by local time. */
export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Checks an IANA zone name once, so a typo fails where the option is given. */
export function checkTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(
      `timeZone: ${JSON.stringify(timeZone)} is not an IANA time zone (e.g. "Europe/Berlin")`,
    );
  }
  return timeZone;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The cron pattern of a schedule, or undefined for one that does not repeat. */
function patternOf(schedule: Schedule): { pattern: string; column: string } | undefined {
  switch (schedule.scheduleType) {
    case 'cron': {
      const cron = schedule.scheduleCron;
      if (typeof cron !== 'string' || cron.trim() === '') {
        columnError(TABLE, 'schedule_cron', 'a cron schedule needs schedule_cron');
      }
      return { pattern: cron, column: 'schedule_cron' };
    }
    case 'time': {
      const time = TIME.exec(schedule.scheduleTime ?? '');
      if (!time) {
        columnError(
          TABLE,
          'schedule_time',
          `a time schedule needs schedule_time as HH:MM, got ${JSON.stringify(schedule.scheduleTime)}`,
        );
      }
      const days = schedule.scheduleDays ?? [];
      const dow = days.length === 0 ? '*' : days.join(',');
      return {
        pattern: `${Number(time[2])} ${Number(time[1])} * * ${dow}`,
        column: 'schedule_time',
      };
    }
    default:
      return undefined;
  }
}

/** Throws a RowValidationError naming the column when the schedule cannot be computed. */
function cronOf(schedule: Schedule, timeZone: string): Cron | undefined {
  const found = patternOf(schedule);
  if (!found) return undefined;
  try {
    // croner's default (domAndDow false) is Vixie cron's: a day of month and a weekday means either.
    return new Cron(found.pattern, { timezone: timeZone, paused: true });
  } catch (error) {
    return columnError(
      TABLE,
      found.column,
      `${JSON.stringify(found.pattern)}: ${(error as Error).message}`,
    );
  }
}

/** Whether the schedule repeats by itself (cron, time). */
export const isRecurring = (schedule: Schedule): boolean =>
  schedule.scheduleType === 'cron' || schedule.scheduleType === 'time';

/**
 * The first run strictly after `after`, or null for a schedule that does not repeat. Invalid
 * schedule columns throw a RowValidationError naming the column.
 */
export function nextRunAfter(schedule: Schedule, after: Date, timeZone: string): Date | null {
  const cron = cronOf(schedule, timeZone);
  if (!cron) return null;
  const next = cron.nextRun(after);
  return next ?? null;
}

const sm = scheduledMissions;
const m = missions;

/** What the claim reads and writes for schedules, prepared once by the engine client. */
export const missionScheduleSql = {
  dueMissions: sqlText(sql`SELECT * FROM ${sm} WHERE ${sm.enabled} = 1 AND ${sm.nextRun} IS NOT NULL
    AND ${sm.nextRun} <= ? ORDER BY ${sm.nextRun} LIMIT 100`),
  /** Runs still `running` past their mission's timeout_minutes end as `timeout`. */
  timeOutRuns: sqlText(sql`UPDATE ${m} SET ${m.status} = 'timeout', ${m.endedAt} = @now,
      ${m.durationSeconds} =
        CAST(round((julianday(@now) - julianday(${m.startedAt})) * 86400) AS INTEGER),
      ${m.errorMessage} = 'still running after timeout_minutes'
    WHERE ${m.missionId} = @mission AND ${m.status} = 'running' AND ${m.startedAt} <= @cutoff`),
  runningRun: sqlText(
    sql`SELECT 1 FROM ${m} WHERE ${m.missionId} = ? AND ${m.status} = 'running' LIMIT 1`,
  ),
  skipRun: sqlText(sql`UPDATE ${sm} SET ${sm.nextRun} = ?, ${sm.updatedAt} = ?
    WHERE ${sm.id} = ? AND ${sm.nextRun} = ?`),
} as const;

/**
 * What a claim does when the mission's previous run is still running (within its timeout):
 * `skip` (default) moves a repeating mission to its next run without starting one; a one-off
 * mission waits. `allow` starts the run anyway.
 */
export type OverlapPolicy = 'skip' | 'allow';
