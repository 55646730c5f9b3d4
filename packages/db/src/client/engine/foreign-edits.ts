import { sql } from 'drizzle-orm';
import { scheduledMissions, type ScheduledMission } from '@agentstate/schema/engine';
import { sqlText } from '../shared/sql-text.ts';
import { all, run, type Operation } from '../../driver/operation.ts';
import { toIso } from '../shared/time.ts';
import { toScheduledMission } from './rows.ts';
import { nextRunAfter } from './schedule.ts';

/**
 * Missions another writer edited (the original engine, a person with sqlite3) without computing
 * next_run, brought in step at the start of each claim.
 *
 * How an edit is recognised: this client writes every scheduled_missions `updated_at` as
 * `toISOString()` text (`2026-01-15T12:00:00.000Z`), and sets next_run whenever it writes one.
 * Python's `isoformat()` (`…T12:00:00.123456`, `…+00:00`) and SQLite's `datetime('now')`
 * (`2026-01-15 12:00:00`) never have that form, so an enabled cron/time mission whose updated_at
 * has another form was last written elsewhere. Its next_run is stale when it is null, not after
 * that write (a mission enabled again, a run the edit found overdue), or not a time the current
 * schedule runs at (the schedule was changed); it then becomes the schedule's first run after the
 * later of updated_at and last_run. A next_run the schedule could have produced is left alone, so
 * a file the original engine keeps scheduling itself runs on its own times.
 *
 * Not recognised: an edit that leaves updated_at as it was (nothing in the row tells it apart), and
 * edits of relative or untyped missions, whose next_run is only ever set by hand.
 */

/** updated_at as this client writes it. */
const OWN_UPDATED_AT =
  '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z';

const sm = scheduledMissions;

export const foreignEditSql = {
  // The table holds tens of definitions: a scan per claim costs microseconds.
  edited: sqlText(sql`SELECT * FROM ${sm} WHERE ${sm.enabled} = 1
    AND ${sm.scheduleType} IN ('cron', 'time') AND ${sm.updatedAt} NOT GLOB '${sql.raw(OWN_UPDATED_AT)}'`),
  reschedule: sqlText(sql`UPDATE ${sm} SET ${sm.nextRun} = ?, ${sm.updatedAt} = ?
    WHERE ${sm.id} = ? AND ${sm.updatedAt} = ?`),
} as const;

/** The next_run a foreign edit should have left, or undefined when the stored one stands. */
export function nextRunAfterForeignEdit(
  mission: ScheduledMission,
  timeZone: string,
): Date | null | undefined {
  const editedAt = Math.max(mission.updatedAt.getTime(), mission.lastRun?.getTime() ?? 0);
  const stored = mission.nextRun;
  const onSchedule =
    stored !== null &&
    stored.getTime() > editedAt &&
    nextRunAfter(mission, new Date(stored.getTime() - 1), timeZone)?.getTime() === stored.getTime();
  if (onSchedule) return undefined;
  const next = nextRunAfter(mission, new Date(editedAt), timeZone);
  return next?.getTime() === stored?.getTime() ? undefined : next;
}

/** Steps inside the claim's transaction; returns how many missions they rescheduled. */
export function* reconcileForeignEdits(now: number, timeZone: string): Operation<number> {
  let changed = 0;
  for (const row of (yield all(foreignEditSql.edited)) as Array<Record<string, unknown>>) {
    let next: Date | null | undefined;
    try {
      next = nextRunAfterForeignEdit(toScheduledMission(row), timeZone);
    } catch {
      // A schedule or timestamp this client cannot read: left for the claim to report as before.
      continue;
    }
    if (next === undefined) continue;
    changed += (yield run(foreignEditSql.reschedule, [
      next && toIso(next),
      toIso(now),
      row.id,
      row.updated_at,
    ])) as number;
  }
  return changed;
}
