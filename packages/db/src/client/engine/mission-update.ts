import { sql } from 'drizzle-orm';
import { parseRow } from '@agentstate/schema';
import {
  scheduledMissionRows,
  scheduledMissions,
  type ScheduledMission,
} from '@agentstate/schema/engine';
import type { z } from 'zod';
import {
  get,
  type Operation,
  type Result,
  type Runner,
  type RunnerMode,
} from '../../driver/operation.ts';
import { toDriverRow } from '../shared/columns.ts';
import { explainConstraint, type ForeignKeyCache } from '../shared/constraints.ts';
import { columnError, NotFoundError } from '../shared/errors.ts';
import type { Clock } from '../shared/time.ts';
import { toScheduledMission } from './rows.ts';
import { isRecurring, nextRunAfter, type Schedule } from './schedule.ts';
import { sqlText } from '../shared/sql-text.ts';
import { WRITE } from '../shared/operations.ts';

/**
 * Editing a scheduled mission (`updateScheduledMission(id, patch)`): the columns a person edits,
 * and next_run kept in step with them, in one immediate transaction.
 */

const TABLE = 'scheduled_missions';

/** What an edit may set; last_run and last_status belong to claims and finished runs. */
const patchKeys = [
  'name',
  'slug',
  'description',
  'promptType',
  'prompt',
  'scheduleType',
  'scheduleCron',
  'scheduleTime',
  'scheduleDays',
  'timeoutMinutes',
  'role',
  'enabled',
  'nextRun',
] as const;

type PatchKey = (typeof patchKeys)[number];
export type ScheduledMissionPatch = Partial<
  Pick<z.input<typeof scheduledMissionRows.insert>, PatchKey>
>;

const scheduleKeys = ['scheduleType', 'scheduleCron', 'scheduleTime', 'scheduleDays'] as const;

const sm = scheduledMissions;
const getMission = sqlText(sql`SELECT * FROM ${sm} WHERE ${sm.id} = ?`);

/** The UPDATE of exactly the SQL columns given (`@column` parameters), rendered once per set. */
const updateTexts = new Map<string, string>();
function updateText(columns: readonly string[]): string {
  const key = columns.join(',');
  let text = updateTexts.get(key);
  if (text === undefined) {
    const set = columns.map((c) => sql`${sql.identifier(c)} = ${sql.raw(`@${c}`)}`);
    text = sqlText(
      sql`UPDATE ${sm} SET ${sql.join(set, sql`, `)} WHERE ${sm.id} = @id RETURNING *`,
    );
    updateTexts.set(key, text);
  }
  return text;
}

/**
 * The next run an edit leaves, or undefined to leave next_run as it is:
 * - a `nextRun` in the patch is kept as given (null = not scheduled);
 * - a changed schedule, or a disabled mission enabled again, gets the schedule's first run after
 *   now (cron, time); a schedule changed to `relative` needs a `nextRun`; one edited while it stays
 *   `relative` keeps its time (a one-off whose time passed runs at the next claim); a schedule
 *   changed to no type is no longer run until a next_run is set by hand (null).
 * Any edit of the schedule columns is checked first: a bad one throws naming its column.
 */
function nextRunOfEdit(
  current: ScheduledMission,
  patch: ScheduledMissionPatch,
  now: Date,
  timeZone: string,
): Date | null | undefined {
  const schedule: Schedule = {
    scheduleType: current.scheduleType,
    scheduleCron: current.scheduleCron,
    scheduleTime: current.scheduleTime,
    scheduleDays: current.scheduleDays,
  };
  let scheduleChanged = false;
  for (const key of scheduleKeys) {
    if (patch[key] === undefined) continue;
    if (JSON.stringify(patch[key]) !== JSON.stringify(current[key])) scheduleChanged = true;
    Object.assign(schedule, { [key]: patch[key] });
  }
  const touchesSchedule = scheduleKeys.some((key) => patch[key] !== undefined);
  // Checks the merged schedule (names the column) even when next_run is given.
  const next =
    touchesSchedule || patch.enabled === true ? nextRunAfter(schedule, now, timeZone) : null;
  if (patch.nextRun !== undefined) return patch.nextRun;
  const reEnabled = patch.enabled === true && !current.enabled;
  if (!scheduleChanged && !reEnabled) return undefined;
  if (isRecurring(schedule)) return next;
  if (schedule.scheduleType === 'relative') {
    if (current.scheduleType !== 'relative' || current.nextRun === null) {
      columnError(TABLE, 'next_run', 'a relative schedule needs next_run');
    }
    return undefined;
  }
  return scheduleChanged ? null : undefined;
}

export function createScheduledMissionUpdate<M extends RunnerMode>(
  runner: Runner<M>,
  foreignKeys: ForeignKeyCache,
  clock: Clock,
  timeZone: string,
) {
  function* update(
    id: string,
    patch: ScheduledMissionPatch,
    nowMs: number,
  ): Operation<ScheduledMission> {
    const row = (yield get(getMission, [id])) as Record<string, unknown> | undefined;
    if (!row) throw new NotFoundError(TABLE, id);
    const now = new Date(nowMs);
    const nextRun = nextRunOfEdit(toScheduledMission(row), patch, now, timeZone);
    const values = toDriverRow('engine', scheduledMissions, {
      ...patch,
      ...(nextRun === undefined ? {} : { nextRun }),
      updatedAt: now,
    });
    const text = updateText(Object.keys(values));
    try {
      return toScheduledMission((yield get(text, { ...values, id })) as Record<string, unknown>);
    } catch (error) {
      throw yield* explainConstraint(foreignKeys, TABLE, values, error);
    }
  }

  /**
   * Edits a scheduled mission and keeps its next_run in step (see nextRunOfEdit); updated_at is
   * now. Throws RowValidationError naming the column of a bad value (nothing written),
   * NotFoundError for an unknown id.
   */
  return (id: string, patch: ScheduledMissionPatch): Result<M, ScheduledMission> => {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new TypeError('patch: expected an object of the columns to change');
    }
    for (const key of Object.keys(patch)) {
      if (!(patchKeys as readonly string[]).includes(key)) {
        columnError(TABLE, key, `not a column an edit sets (one of ${patchKeys.join(', ')})`);
      }
    }
    const checked = parseRow(scheduledMissions, scheduledMissionRows.update, patch);
    const now = clock();
    return runner.run(() => update(id, checked, now), WRITE);
  };
}
