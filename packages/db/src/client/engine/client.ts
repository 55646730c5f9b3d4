import type { SqliteStatement } from '../../driver/types.ts';
import type { Table } from 'drizzle-orm';
import type { z } from 'zod';
import { parseRow } from '@agentstate/schema';
import {
  contactTags,
  contacts,
  conversationNotifications,
  contactRows,
  contactTagRows,
  conversationNotificationRows,
  missionRows,
  pingRows,
  priorityRows,
  scheduledMissionRows,
  sessionRows,
  stagedContentRows,
  missions,
  pings,
  priorities,
  scheduledMissions,
  sessions,
  stagedContent,
  type Contact,
  type Mission,
  type MissionRunStatus,
  type Ping,
  type Priority,
  type ScheduledMission,
  type Session,
  type SessionState,
  type StagedContent,
} from '@agentstate/schema/engine';
import type { BackoffOptions } from '../shared/backoff.ts';
import { optionalDate, requireInt, requireString, type WriteInput } from '../shared/checks.ts';
import { inserter, rowMapper, toDriverRow } from '../shared/columns.ts';
import {
  clientContext,
  immediate,
  type ClientOptions,
  type ClientTarget,
} from '../shared/connection.ts';
import { constraintError } from '../shared/constraints.ts';
import { columnError, NotFoundError, StateError } from '../shared/errors.ts';
import { engineId, insertWithFreshId } from '../shared/ids.ts';
import { toIso, toSqliteDateTime } from '../shared/time.ts';
import { syncRunner } from '../../driver/sync-runner.ts';
import { queueChannel } from '../shared/wakeups.ts';
import { createEngineWorkerQueue } from './queue.ts';
import {
  checkTimeZone,
  isRecurring,
  localTimeZone,
  missionScheduleSql,
  nextRunAfter,
  type OverlapPolicy,
} from './schedule.ts';
import { createEngineDeadLetters } from './dead-letters.ts';
import { createStagedContentSearch } from './search.ts';
import { createForeignEditReconciler } from './foreign-edits.ts';
import { createScheduledMissionUpdate } from './mission-update.ts';

const DAY_MS = 86_400_000;

export const engineSql = {
  raiseContextWarning: `UPDATE sessions SET context_warning_level = @level
    WHERE id = @id AND context_warning_level < @level`,
  endSession: `UPDATE sessions SET ended_at = ?, end_reason = ?, current_state = 'idle'
    WHERE id = ? AND ended_at IS NULL`,
  setSessionState: 'UPDATE sessions SET current_state = ?, status_text = ? WHERE id = ?',
  activeSessions: 'SELECT * FROM sessions WHERE ended_at IS NULL ORDER BY started_at',
  getSession: 'SELECT * FROM sessions WHERE id = ?',

  // Due = enabled and next_run <= now, oldest first (idx_scheduled_missions_next_run).
  dueMissions: missionScheduleSql.dueMissions,
  advanceMission: `UPDATE scheduled_missions SET next_run = ?, last_run = ?, updated_at = ?
    WHERE id = ? AND next_run = ?`,
  finishRun: `UPDATE missions SET status = ?, ended_at = ?, duration_seconds = ?,
      output_summary = ?, error_message = ? WHERE id = ? AND status = 'running' RETURNING *`,
  setRunDuration: 'UPDATE missions SET duration_seconds = ? WHERE id = ?',
  setLastStatus: 'UPDATE scheduled_missions SET last_status = ?, updated_at = ? WHERE id = ?',
  missionRuns: 'SELECT * FROM missions WHERE mission_id = ? ORDER BY started_at DESC',
  runStatus: 'SELECT status FROM missions WHERE id = ?',
  getScheduledMission: 'SELECT * FROM scheduled_missions WHERE id = ?',

  unreadPings: 'SELECT * FROM pings WHERE acknowledged_at IS NULL ORDER BY created_at DESC',
  acknowledgePing: 'UPDATE pings SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL',

  nextPriorityPosition: `SELECT coalesce(max(position), -1) + 1 FROM priorities
    WHERE pool = ? AND date IS ? AND level = ?`,
  prioritiesForDate: `SELECT * FROM priorities WHERE pool = ? AND date IS ?
    ORDER BY CASE level WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
      position`,
  completePriority: 'UPDATE priorities SET completed_at = @now, updated_at = @now WHERE id = @id',

  insertTag: 'INSERT OR IGNORE INTO contact_tags (contact_id, tag) VALUES (?, ?)',
  contactTags: 'SELECT tag FROM contact_tags WHERE contact_id = ? ORDER BY tag',
  contactsByTag: `SELECT c.* FROM contact_tags t JOIN contacts c ON c.id = t.contact_id
    WHERE t.tag = ? ORDER BY c.name`,
  getContact: 'SELECT * FROM contacts WHERE id = ?',

  notify: `INSERT INTO conversation_notifications (id, conversation_id, notification_type,
      entity_id, notified_at, session_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  wasNotified: `SELECT 1 FROM conversation_notifications WHERE conversation_id = ?
    AND notification_type = ? AND entity_id = ?`,
  // julianday() compares both text forms (datetime('now') defaults and ISO values).
  pruneNotifications:
    'DELETE FROM conversation_notifications WHERE julianday(notified_at) < julianday(?)',

  nextStagedPosition:
    "SELECT coalesce(max(position), -1) + 1 FROM staged_content WHERE status = 'staged'",
  visibleStaged: `SELECT * FROM staged_content WHERE status != 'dismissed'
    AND (expires_at IS NULL OR expires_at > ?) ORDER BY position, created_at`,
  setStagedStatus: `UPDATE staged_content SET status = @status, updated_at = @now,
      displayed_at = CASE WHEN @status = 'displayed' THEN @now ELSE displayed_at END WHERE id = @id`,
} as const;

type Row = Record<string, unknown>;

export interface DueMissionClaim {
  mission: ScheduledMission;
  run: Mission;
}

export interface EngineClientOptions extends ClientOptions {
  backoff?: BackoffOptions;
  /** The IANA zone schedules are read in (default: the process's zone). */
  timeZone?: string;
  /** A due mission whose previous run still runs: skipped (default) or started anyway. */
  overlap?: OverlapPolicy;
}

/** How the next run is chosen at a claim: computed from the schedule, or the caller's. */
export type NextRunChoice = (mission: ScheduledMission) => Date | null;

export interface ClaimDueMissionOptions {
  /** Instead of the schedule's own next run. */
  nextRun?: NextRunChoice;
  sessionId?: string | null;
}

/**
 * The typed client of the engine database: sessions, the worker queue, scheduled missions,
 * pings, priorities, contacts, conversation notifications and staged content.
 */
export function createEngineClient(target: ClientTarget, options: EngineClientOptions = {}) {
  const ctx = clientContext(target, options);
  const { clock, sqlite } = ctx;
  const timeZone = checkTimeZone(options.timeZone ?? localTimeZone());
  const overlap = options.overlap ?? 'skip';
  if (overlap !== 'skip' && overlap !== 'allow') {
    throw new RangeError(`overlap: expected "skip" or "allow", got ${JSON.stringify(overlap)}`);
  }
  const scheduleSt = Object.fromEntries(
    Object.entries(missionScheduleSql).map(([name, text]) => [name, sqlite.prepare(text)]),
  ) as Record<keyof typeof missionScheduleSql, SqliteStatement>;
  const st = {} as Record<keyof typeof engineSql, SqliteStatement>;
  for (const [name, sql] of Object.entries(engineSql)) {
    st[name as keyof typeof engineSql] = sqlite.prepare(sql);
  }
  const map = {
    session: rowMapper(sessions),
    scheduledMission: rowMapper(scheduledMissions),
    mission: rowMapper(missions),
    ping: rowMapper(pings),
    priority: rowMapper(priorities),
    contact: rowMapper(contacts),
    staged: rowMapper(stagedContent),
  };
  const insert = {
    session: inserter(sqlite, sessions),
    scheduledMission: inserter(sqlite, scheduledMissions),
    mission: inserter(sqlite, missions),
    ping: inserter(sqlite, pings),
    priority: inserter(sqlite, priorities),
    contact: inserter(sqlite, contacts),
    staged: inserter(sqlite, stagedContent),
  };

  /** Validates with the insert schema, then converts to stored values (size-checked). */
  function prepare(table: Table, schema: z.ZodType, values: Record<string, unknown>): Row {
    return toDriverRow('engine', table, parseRow(table, schema, values) as Record<string, unknown>);
  }

  /** Inserts a row under a fresh 8-character id, retrying on the rare id collision. */
  function insertFresh(
    table: Table,
    schema: z.ZodType,
    values: Record<string, unknown>,
    run: (row: Row) => Row,
  ): Row {
    return insertWithFreshId(engineId, (id) => run(prepare(table, schema, { ...values, id })));
  }

  const reconcileForeignEdits = createForeignEditReconciler(sqlite, timeZone, map.scheduledMission);
  const claimMissionTx = immediate(
    sqlite,
    (
      now: number,
      nextRun: NextRunChoice | undefined,
      sessionId: string | null,
    ): DueMissionClaim | undefined => {
      const nowIso = toIso(now);
      reconcileForeignEdits(now); // missions edited by another writer (foreign-edits.ts)
      for (const due of st.dueMissions.all(nowIso) as Row[]) {
        const mission = map.scheduledMission(due);
        const timedOut = scheduleSt.timeOutRuns.run({
          now: nowIso,
          mission: mission.id,
          cutoff: toIso(now - mission.timeoutMinutes * 60_000),
        });
        if (timedOut.changes > 0) st.setLastStatus.run('timeout', nowIso, mission.id);
        if (overlap === 'skip' && scheduleSt.runningRun.get(mission.id) !== undefined) {
          // The previous run goes on: this one is skipped, a one-off mission waits for it.
          if (isRecurring(mission)) {
            const skipTo = nextRunAfter(mission, new Date(now), timeZone);
            scheduleSt.skipRun.run(skipTo && toIso(skipTo), nowIso, mission.id, due.next_run);
          }
          continue;
        }
        const next = optionalDate(
          'scheduled_missions',
          'next_run',
          nextRun ? nextRun(mission) : nextRunAfter(mission, new Date(now), timeZone),
        );
        // A next run at or before now would make the mission due again at once: run twice.
        if (next !== null && next.getTime() <= now) {
          columnError(
            'scheduled_missions',
            'next_run',
            `nextRun gave ${next.toISOString()}, not after the claim at ${nowIso}`,
          );
        }
        const advanced = st.advanceMission.run(
          next === null ? null : toIso(next),
          nowIso,
          nowIso,
          mission.id,
          due.next_run,
        );
        if (advanced.changes === 0) continue;
        const run = map.mission(
          insertFresh(
            missions,
            missionRows.insert,
            { missionId: mission.id, startedAt: new Date(now), status: 'running', sessionId },
            insert.mission,
          ),
        );
        return { mission: { ...mission, nextRun: next, lastRun: new Date(now) }, run };
      }
      return undefined;
    },
  );

  const finishRunTx = immediate(
    sqlite,
    (
      runId: string,
      status: MissionRunStatus,
      details: { outputSummary?: string; errorMessage?: string },
      now: number,
    ) => {
      const startedAt = st.finishRun.get(
        status,
        toIso(now),
        null,
        details.outputSummary ?? null,
        details.errorMessage ?? null,
        runId,
      ) as Row | undefined;
      if (!startedAt) {
        const current = st.runStatus.pluck().get(runId) as string | undefined;
        if (current === undefined) throw new NotFoundError('missions', runId);
        throw new StateError('missions', runId, current, `finish it as ${status}`);
      }
      const run = map.mission(startedAt);
      const seconds = Math.max(0, Math.round((now - run.startedAt.getTime()) / 1000));
      st.setRunDuration.run(seconds, runId);
      if (status === 'completed' || status === 'failed' || status === 'timeout') {
        st.setLastStatus.run(status, toIso(now), run.missionId);
      }
      return { ...run, durationSeconds: seconds };
    },
  );

  const addPriorityTx = immediate(sqlite, (values: Record<string, unknown>): Priority => {
    const pool = (values.pool as string | undefined) ?? 'main';
    const date = (values.date as string | null | undefined) ?? null;
    const level = (values.level as string | undefined) ?? 'medium';
    const position = st.nextPriorityPosition.pluck().get(pool, date, level) as number;
    return map.priority(
      insertFresh(priorities, priorityRows.insert, { ...values, position }, insert.priority),
    );
  });

  const addContactTx = immediate(
    sqlite,
    (values: Record<string, unknown>, tags: readonly string[]): Contact & { tags: string[] } => {
      const contact = map.contact(
        insertFresh(contacts, contactRows.insert, values, insert.contact),
      );
      for (const tag of tags) {
        const row = parseRow(contactTags, contactTagRows.insert, { contactId: contact.id, tag });
        toDriverRow('engine', contactTags, row);
        st.insertTag.run(row.contactId, row.tag);
      }
      return { ...contact, tags: st.contactTags.pluck().all(contact.id) as string[] };
    },
  );

  const stageTx = immediate(sqlite, (values: Record<string, unknown>): StagedContent => {
    const position = st.nextStagedPosition.pluck().get() as number;
    return map.staged(
      insertFresh(stagedContent, stagedContentRows.insert, { position, ...values }, insert.staged),
    );
  });

  return {
    sqlite,
    transaction: <R>(fn: () => R): R => immediate(sqlite, fn)(),
    workers: createEngineWorkerQueue(
      syncRunner(ctx.sqlite),
      ctx.clock,
      options.backoff,
      (error, row) => constraintError(ctx.sqlite, 'workers', row, error),
      queueChannel(ctx.sqlite, 'workers'),
    ),
    /** Full-text search of staged content's titles and content, best first (search.ts). */
    searchStagedContent: createStagedContentSearch(sqlite, map.staged),
    /** Failed workers with their last error; retry one or all (dead-letters.ts). */
    deadLetters: createEngineDeadLetters(sqlite, clock),

    createSession(
      input: Omit<
        z.input<typeof sessionRows.insert>,
        'id' | 'startedAt' | 'endedAt' | 'contextWarningLevel'
      > & { id?: string; startedAt?: Date; endedAt?: Date | null; contextWarningLevel?: number },
    ): Session {
      const values = { ...input, startedAt: input.startedAt ?? new Date(clock()) };
      const row =
        input.id === undefined
          ? insertFresh(sessions, sessionRows.insert, values, insert.session)
          : insert.session(prepare(sessions, sessionRows.insert, values));
      return map.session(row);
    },

    getSession(id: string): Session | undefined {
      const row = st.getSession.get(id) as Row | undefined;
      return row && map.session(row);
    },

    activeSessions(): Session[] {
      return (st.activeSessions.all() as Row[]).map(map.session);
    },

    setSessionState(id: string, state: SessionState, statusText?: string | null): boolean {
      return st.setSessionState.run(state, statusText ?? null, id).changes > 0;
    },

    /** Raises the context warning level; never lowers it. True when it was raised. */
    raiseContextWarning(id: string, level: number): boolean {
      const checked = requireInt('sessions', 'context_warning_level', level, 0);
      if (checked > 100) columnError('sessions', 'context_warning_level', 'a level is 0 to 100');
      return st.raiseContextWarning.run({ level: checked, id }).changes > 0;
    },

    endSession(id: string, reason: string): boolean {
      return (
        st.endSession.run(toIso(clock()), requireString('sessions', 'end_reason', reason), id)
          .changes > 0
      );
    },

    createScheduledMission(
      input: WriteInput<
        Omit<z.input<typeof scheduledMissionRows.insert>, 'id' | 'createdAt' | 'updatedAt'>,
        'name' | 'slug' | 'prompt'
      >,
    ): ScheduledMission {
      const now = new Date(clock());
      // The schedule is checked (a bad cron names its column), and gives next_run unless set.
      const scheduled = nextRunAfter(
        {
          scheduleType: input.scheduleType ?? null,
          scheduleCron: input.scheduleCron ?? null,
          scheduleTime: input.scheduleTime ?? null,
          scheduleDays: input.scheduleDays ?? null,
        },
        now,
        timeZone,
      );
      if (
        input.scheduleType === 'relative' &&
        (input.nextRun === undefined || input.nextRun === null)
      ) {
        columnError('scheduled_missions', 'next_run', 'a relative schedule needs next_run');
      }
      return map.scheduledMission(
        insertFresh(
          scheduledMissions,
          scheduledMissionRows.insert,
          { ...input, nextRun: input.nextRun ?? scheduled, createdAt: now, updatedAt: now },
          insert.scheduledMission,
        ),
      );
    },

    /**
     * Edits a mission (mission-update.ts): a changed schedule, or the mission enabled again, gets
     * its next run from the schedule after now unless the patch sets nextRun; in one transaction.
     */
    updateScheduledMission: createScheduledMissionUpdate(
      sqlite,
      clock,
      timeZone,
      map.scheduledMission,
    ),

    getScheduledMission(id: string): ScheduledMission | undefined {
      const row = st.getScheduledMission.get(id) as Row | undefined;
      return row && map.scheduledMission(row);
    },

    /**
     * Claims the oldest due mission, exactly once across processes: in one immediate transaction
     * its next_run moves to the schedule's next run after now (schedule.ts; `nextRun` to choose
     * another, null = not again) and a run row is started. Runs past their timeout end as
     * `timeout`; a mission whose previous run still runs is skipped (the `overlap` option).
     */
    claimDueMission(
      options: ClaimDueMissionOptions | NextRunChoice = {},
      sessionId: string | null = null,
    ): DueMissionClaim | undefined {
      const { nextRun, sessionId: session = sessionId } =
        typeof options === 'function' ? { nextRun: options } : options;
      return claimMissionTx(clock(), nextRun, session ?? null);
    },

    /** Ends a running mission run and records the outcome on its mission. */
    finishMissionRun(
      runId: string,
      status: Exclude<MissionRunStatus, 'running'>,
      details: { outputSummary?: string; errorMessage?: string } = {},
    ): Mission {
      return finishRunTx(runId, status, details, clock());
    },

    missionRuns(missionId: string): Mission[] {
      return (st.missionRuns.all(missionId) as Row[]).map(map.mission);
    },

    createPing(sessionId: string, message: string): Ping {
      return map.ping(
        insertFresh(
          pings,
          pingRows.insert,
          { sessionId, message, createdAt: new Date(clock()) },
          insert.ping,
        ),
      );
    },

    /** Unacknowledged pings, newest first. */
    unreadPings(): Ping[] {
      return (st.unreadPings.all() as Row[]).map(map.ping);
    },

    acknowledgePing(id: string): boolean {
      return st.acknowledgePing.run(toIso(clock()), id).changes > 0;
    },

    /** Adds a priority at the end of its (pool, date, level) group. */
    addPriority(
      input: WriteInput<
        Omit<z.input<typeof priorityRows.insert>, 'id' | 'position' | 'createdAt' | 'updatedAt'>,
        'content'
      >,
    ): Priority {
      const now = new Date(clock());
      return addPriorityTx({ ...input, createdAt: now, updatedAt: now });
    },

    /** A day's priorities (null = unscheduled), by level then position. */
    listPriorities(date: string | null, pool = 'main'): Priority[] {
      return (st.prioritiesForDate.all(pool, date) as Row[]).map(map.priority);
    },

    completePriority(id: string): boolean {
      return st.completePriority.run({ now: toIso(clock()), id }).changes > 0;
    },

    /** Adds a contact with its tags, in one transaction. */
    addContact(
      input: WriteInput<Omit<z.input<typeof contactRows.insert>, 'id' | 'createdAt'>, 'name'>,
      tags: readonly string[] = [],
    ): Contact & { tags: string[] } {
      return addContactTx({ ...input, createdAt: new Date(clock()) }, tags);
    },

    getContact(id: string): (Contact & { tags: string[] }) | undefined {
      const row = st.getContact.get(id) as Row | undefined;
      return row && { ...map.contact(row), tags: st.contactTags.pluck().all(id) as string[] };
    },

    contactsByTag(tag: string): Contact[] {
      return (st.contactsByTag.all(tag) as Row[]).map(map.contact);
    },

    /**
     * Records that a conversation was told about an entity; false when it already was (the
     * insert is insert-or-ignore on (conversation, kind, entity)).
     */
    notify(input: {
      conversationId: string;
      notificationType: string;
      entityId: string;
      sessionId?: string | null;
    }): boolean {
      const row = prepare(conversationNotifications, conversationNotificationRows.insert, {
        ...input,
        id: engineId(),
        notifiedAt: new Date(clock()),
      });
      try {
        return (
          insertWithFreshId(engineId, (id) =>
            st.notify.run(
              id,
              row.conversation_id,
              row.notification_type,
              row.entity_id,
              toSqliteDateTime(clock()),
              row.session_id ?? null,
            ),
          ).changes > 0
        );
      } catch (error) {
        throw constraintError(sqlite, 'conversation_notifications', row, error);
      }
    },

    wasNotified(conversationId: string, notificationType: string, entityId: string): boolean {
      return st.wasNotified.get(conversationId, notificationType, entityId) !== undefined;
    },

    /** Deletes notification records older than `days`. */
    pruneNotifications(days: number): number {
      const cutoff =
        clock() - requireInt('conversation_notifications', 'notified_at', days, 0) * DAY_MS;
      return st.pruneNotifications.run(toSqliteDateTime(cutoff)).changes;
    },

    /** Stages an item for the portal, after the items already staged. */
    stage(
      input: WriteInput<
        Omit<
          z.input<typeof stagedContentRows.insert>,
          'id' | 'position' | 'createdAt' | 'updatedAt'
        >,
        'title' | 'content'
      >,
    ): StagedContent {
      const now = new Date(clock());
      return stageTx({ ...input, createdAt: now, updatedAt: now });
    },

    /** Items not dismissed and not expired, in portal order. */
    visibleStaged(): StagedContent[] {
      return (st.visibleStaged.all(toIso(clock())) as Row[]).map(map.staged);
    },

    setStagedStatus(id: string, status: 'displayed' | 'dismissed'): boolean {
      return st.setStagedStatus.run({ status, now: toIso(clock()), id }).changes > 0;
    },
  };
}

export type EngineClient = ReturnType<typeof createEngineClient>;
