import {
  all,
  get,
  pluck,
  run,
  type Operation,
  type Row,
  type RunnerMode,
} from '../../driver/operation.ts';
import { sql, type Table } from 'drizzle-orm';
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
  type Priority,
  type ScheduledMission,
  type SessionState,
  type StagedContent,
} from '@agentstate/schema/engine';
import type { BackoffOptions } from '../shared/backoff.ts';
import { optionalDate, requireInt, requireString, type WriteInput } from '../shared/checks.ts';
import { inserter, toDriverRow } from '../shared/columns.ts';
import { insertText, sqlText } from '../shared/sql-text.ts';
import {
  encodeNotification,
  notificationInsertKeys,
  toContact,
  toMission,
  toPing,
  toPriority,
  toScheduledMission,
  toSession,
  toStaged,
} from './rows.ts';
import {
  clientContext,
  type ClientContext,
  type ClientOptions,
  type DriverTarget,
  type ModeOf,
} from '../shared/connection.ts';
import { explainConstraint } from '../shared/constraints.ts';
import {
  found,
  queueErrors,
  READ,
  rowOf,
  rowsOf,
  rowsWritten,
  SINGLE_WRITE,
  WRITE,
} from '../shared/operations.ts';
import { columnError, NotFoundError, StateError } from '../shared/errors.ts';
import { engineId, insertWithFreshId } from '../shared/ids.ts';
import { toIso, toSqliteDateTime } from '../shared/time.ts';
import { replicaQueueError } from '../queues.ts';
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
import { reconcileForeignEdits } from './foreign-edits.ts';
import { createScheduledMissionUpdate } from './mission-update.ts';

const DAY_MS = 86_400_000;

const s = sessions;
const sm = scheduledMissions;
const m = missions;
const p = pings;
const pr = priorities;
const c = contacts;
const ct = contactTags;
const n = conversationNotifications;
const st = stagedContent;

/**
 * The engine client's SQL statements, rendered from the schema's tables (sql-text.ts), as text
 * so a plan test or a benchmark's baseline runs exactly the same SQL.
 */
export const engineSql = {
  raiseContextWarning: sqlText(sql`UPDATE ${s} SET ${s.contextWarningLevel} = @level
    WHERE ${s.id} = @id AND ${s.contextWarningLevel} < @level RETURNING ${s.id}`),
  endSession: sqlText(sql`UPDATE ${s} SET ${s.endedAt} = ?, ${s.endReason} = ?,
      ${s.currentState} = 'idle'
    WHERE ${s.id} = ? AND ${s.endedAt} IS NULL RETURNING ${s.id}`),
  setSessionState: sqlText(sql`UPDATE ${s} SET ${s.currentState} = ?, ${s.statusText} = ?
    WHERE ${s.id} = ? RETURNING ${s.id}`),
  activeSessions: sqlText(
    sql`SELECT * FROM ${s} WHERE ${s.endedAt} IS NULL ORDER BY ${s.startedAt}`,
  ),
  getSession: sqlText(sql`SELECT * FROM ${s} WHERE ${s.id} = ?`),

  // Due = enabled and next_run <= now, oldest first (idx_scheduled_missions_next_run).
  dueMissions: missionScheduleSql.dueMissions,
  advanceMission: sqlText(sql`UPDATE ${sm} SET ${sm.nextRun} = ?, ${sm.lastRun} = ?,
      ${sm.updatedAt} = ?
    WHERE ${sm.id} = ? AND ${sm.nextRun} = ? RETURNING ${sm.id}`),
  finishRun: sqlText(sql`UPDATE ${m} SET ${m.status} = ?, ${m.endedAt} = ?,
      ${m.durationSeconds} = ?, ${m.outputSummary} = ?, ${m.errorMessage} = ?
    WHERE ${m.id} = ? AND ${m.status} = 'running' RETURNING *`),
  setRunDuration: sqlText(sql`UPDATE ${m} SET ${m.durationSeconds} = ? WHERE ${m.id} = ?`),
  setLastStatus: sqlText(
    sql`UPDATE ${sm} SET ${sm.lastStatus} = ?, ${sm.updatedAt} = ? WHERE ${sm.id} = ?`,
  ),
  missionRuns: sqlText(
    sql`SELECT * FROM ${m} WHERE ${m.missionId} = ? ORDER BY ${m.startedAt} DESC`,
  ),
  runStatus: sqlText(sql`SELECT ${m.status} FROM ${m} WHERE ${m.id} = ?`),
  getScheduledMission: sqlText(sql`SELECT * FROM ${sm} WHERE ${sm.id} = ?`),

  unreadPings: sqlText(
    sql`SELECT * FROM ${p} WHERE ${p.acknowledgedAt} IS NULL ORDER BY ${p.createdAt} DESC`,
  ),
  acknowledgePing: sqlText(sql`UPDATE ${p} SET ${p.acknowledgedAt} = ?
    WHERE ${p.id} = ? AND ${p.acknowledgedAt} IS NULL RETURNING ${p.id}`),

  nextPriorityPosition: sqlText(sql`SELECT coalesce(max(${pr.position}), -1) + 1 FROM ${pr}
    WHERE ${pr.pool} = ? AND ${pr.date} IS ? AND ${pr.level} = ?`),
  prioritiesForDate: sqlText(sql`SELECT * FROM ${pr} WHERE ${pr.pool} = ? AND ${pr.date} IS ?
    ORDER BY CASE ${pr.level} WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2
      ELSE 3 END, ${pr.position}`),
  completePriority: sqlText(sql`UPDATE ${pr} SET ${pr.completedAt} = @now, ${pr.updatedAt} = @now
    WHERE ${pr.id} = @id RETURNING ${pr.id}`),

  insertTag: sqlText(sql`INSERT OR IGNORE INTO ${ct} (${ct.contactId}, ${ct.tag}) VALUES (?, ?)`),
  contactTags: sqlText(
    sql`SELECT ${ct.tag} FROM ${ct} WHERE ${ct.contactId} = ? ORDER BY ${ct.tag}`,
  ),
  // Aliases qualify the bare column names the statement texts are rendered with.
  contactsByTag: sqlText(sql`SELECT c.* FROM ${ct} t JOIN ${c} c ON c.${c.id} = t.${ct.contactId}
    WHERE t.${ct.tag} = ? ORDER BY c.${c.name}`),
  getContact: sqlText(sql`SELECT * FROM ${c} WHERE ${c.id} = ?`),

  notify: insertText(n, notificationInsertKeys, sql`ON CONFLICT DO NOTHING RETURNING ${n.id}`),
  wasNotified: sqlText(sql`SELECT 1 FROM ${n} WHERE ${n.conversationId} = ?
    AND ${n.notificationType} = ? AND ${n.entityId} = ?`),
  // julianday() compares both text forms (datetime('now') defaults and ISO values).
  pruneNotifications: sqlText(
    sql`DELETE FROM ${n} WHERE julianday(${n.notifiedAt}) < julianday(?)`,
  ),

  nextStagedPosition: sqlText(
    sql`SELECT coalesce(max(${st.position}), -1) + 1 FROM ${st} WHERE ${st.status} = 'staged'`,
  ),
  visibleStaged: sqlText(sql`SELECT * FROM ${st} WHERE ${st.status} != 'dismissed'
    AND (${st.expiresAt} IS NULL OR ${st.expiresAt} > ?) ORDER BY ${st.position}, ${st.createdAt}`),
  setStagedStatus: sqlText(sql`UPDATE ${st} SET ${st.status} = @status, ${st.updatedAt} = @now,
      ${st.displayedAt} = CASE WHEN @status = 'displayed' THEN @now ELSE ${st.displayedAt} END
    WHERE ${st.id} = @id RETURNING ${st.id}`),
} as const;

const statements = engineSql;
const scheduleSql = missionScheduleSql;

type NotificationValues = Omit<typeof conversationNotifications.$inferInsert, 'id'>;

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
 * pings, priorities, contacts, conversation notifications and staged content. On better-sqlite3
 * and bun:sqlite its operations return values, on libSQL promises.
 */
export function createEngineClient<T extends DriverTarget>(
  target: T,
  options: EngineClientOptions = {},
): EngineClient<ModeOf<T>> {
  return engineClient(clientContext(target, options), options);
}

function engineClient<M extends RunnerMode>(ctx: ClientContext<M>, options: EngineClientOptions) {
  const { clock, runner, foreignKeys } = ctx;
  const workers = createEngineWorkerQueue(
    runner,
    clock,
    options.backoff,
    queueErrors(ctx, 'workers'),
    ctx.channel('workers'),
  );
  const timeZone = checkTimeZone(options.timeZone ?? localTimeZone());
  const overlap = options.overlap ?? 'skip';
  if (overlap !== 'skip' && overlap !== 'allow') {
    throw new RangeError(`overlap: expected "skip" or "allow", got ${JSON.stringify(overlap)}`);
  }
  const insert = {
    session: inserter(sessions, foreignKeys),
    scheduledMission: inserter(scheduledMissions, foreignKeys),
    mission: inserter(missions, foreignKeys),
    ping: inserter(pings, foreignKeys),
    priority: inserter(priorities, foreignKeys),
    contact: inserter(contacts, foreignKeys),
    staged: inserter(stagedContent, foreignKeys),
  };

  /** Validates with the insert schema, then converts to stored values (size-checked). */
  function prepare(table: Table, schema: z.ZodType, values: Record<string, unknown>): Row {
    return toDriverRow('engine', table, parseRow(table, schema, values) as Record<string, unknown>);
  }

  /** Inserts a row under a fresh 8-character id, retrying on the rare id collision. */
  function* insertFresh(
    table: Table,
    schema: z.ZodType,
    values: Record<string, unknown>,
    insertRow: (row: Row) => Operation<Row>,
  ): Operation<Row> {
    return yield* insertWithFreshId(engineId, (id) =>
      insertRow(prepare(table, schema, { ...values, id })),
    );
  }

  function* claimMission(
    now: number,
    nextRun: NextRunChoice | undefined,
    sessionId: string | null,
  ): Operation<DueMissionClaim | undefined> {
    const nowIso = toIso(now);
    // Missions edited by another writer first (foreign-edits.ts).
    yield* reconcileForeignEdits(now, timeZone);
    for (const due of (yield all(statements.dueMissions, [nowIso])) as Row[]) {
      const mission = toScheduledMission(due);
      const timedOut = (yield run(scheduleSql.timeOutRuns, {
        now: nowIso,
        mission: mission.id,
        cutoff: toIso(now - mission.timeoutMinutes * 60_000),
      })) as number;
      if (timedOut > 0) yield run(statements.setLastStatus, ['timeout', nowIso, mission.id]);
      if (overlap === 'skip' && (yield get(scheduleSql.runningRun, [mission.id])) !== undefined) {
        // The previous run goes on: this one is skipped, a one-off mission waits for it.
        if (isRecurring(mission)) {
          const skipTo = nextRunAfter(mission, new Date(now), timeZone);
          yield run(scheduleSql.skipRun, [
            skipTo && toIso(skipTo),
            nowIso,
            mission.id,
            due.next_run,
          ]);
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
      const advanced = yield get(statements.advanceMission, [
        next === null ? null : toIso(next),
        nowIso,
        nowIso,
        mission.id,
        due.next_run,
      ]);
      if (advanced === undefined) continue;
      const started = toMission(
        yield* insertFresh(
          missions,
          missionRows.insert,
          { missionId: mission.id, startedAt: new Date(now), status: 'running', sessionId },
          insert.mission,
        ),
      );
      return { mission: { ...mission, nextRun: next, lastRun: new Date(now) }, run: started };
    }
    return undefined;
  }

  function* finishRun(
    runId: string,
    status: MissionRunStatus,
    details: { outputSummary?: string; errorMessage?: string },
    now: number,
  ): Operation<Mission> {
    const startedAt = (yield get(statements.finishRun, [
      status,
      toIso(now),
      null,
      details.outputSummary ?? null,
      details.errorMessage ?? null,
      runId,
    ])) as Row | undefined;
    if (!startedAt) {
      const current = (yield pluck(statements.runStatus, [runId])) as string | undefined;
      if (current === undefined) throw new NotFoundError('missions', runId);
      throw new StateError('missions', runId, current, `finish it as ${status}`);
    }
    const finished = toMission(startedAt);
    const seconds = Math.max(0, Math.round((now - finished.startedAt.getTime()) / 1000));
    yield run(statements.setRunDuration, [seconds, runId]);
    if (status === 'completed' || status === 'failed' || status === 'timeout') {
      yield run(statements.setLastStatus, [status, toIso(now), finished.missionId]);
    }
    return { ...finished, durationSeconds: seconds };
  }

  function* addPriorityOp(values: Record<string, unknown>): Operation<Priority> {
    const pool = (values.pool as string | undefined) ?? 'main';
    const date = (values.date as string | null | undefined) ?? null;
    const level = (values.level as string | undefined) ?? 'medium';
    const position = (yield pluck(statements.nextPriorityPosition, [pool, date, level])) as number;
    return toPriority(
      yield* insertFresh(priorities, priorityRows.insert, { ...values, position }, insert.priority),
    );
  }

  function* addContactOp(
    values: Record<string, unknown>,
    tags: readonly string[],
  ): Operation<Contact & { tags: string[] }> {
    const contact = toContact(
      yield* insertFresh(contacts, contactRows.insert, values, insert.contact),
    );
    for (const tag of tags) {
      const row = parseRow(contactTags, contactTagRows.insert, { contactId: contact.id, tag });
      toDriverRow('engine', contactTags, row);
      yield run(statements.insertTag, [row.contactId, row.tag]);
    }
    return { ...contact, tags: yield* tagsOf(contact.id) };
  }

  function* tagsOf(contactId: string): Operation<string[]> {
    return ((yield all(statements.contactTags, [contactId])) as Array<{ tag: string }>).map(
      (r) => r.tag,
    );
  }

  function* createSession(values: Record<string, unknown>, given: Row | undefined) {
    const row =
      given === undefined
        ? yield* insertFresh(sessions, sessionRows.insert, values, insert.session)
        : yield* insert.session(given);
    return toSession(row);
  }

  function* createScheduledMission(values: Record<string, unknown>) {
    return toScheduledMission(
      yield* insertFresh(
        scheduledMissions,
        scheduledMissionRows.insert,
        values,
        insert.scheduledMission,
      ),
    );
  }

  function* createPing(values: Record<string, unknown>) {
    return toPing(yield* insertFresh(pings, pingRows.insert, values, insert.ping));
  }

  function* getContact(id: string): Operation<(Contact & { tags: string[] }) | undefined> {
    const row = (yield get(statements.getContact, [id])) as Row | undefined;
    return row && { ...toContact(row), tags: yield* tagsOf(id) };
  }

  function* insertNotification(id: string, values: NotificationValues): Operation<boolean> {
    return (yield get(statements.notify, encodeNotification({ ...values, id }))) !== undefined;
  }

  function* notify(values: NotificationValues, row: Row): Operation<boolean> {
    try {
      return yield* insertWithFreshId(engineId, (id) => insertNotification(id, values));
    } catch (error) {
      throw yield* explainConstraint(foreignKeys, 'conversation_notifications', row, error);
    }
  }

  function* stageOp(values: Record<string, unknown>): Operation<StagedContent> {
    const position = (yield pluck(statements.nextStagedPosition)) as number;
    return toStaged(
      yield* insertFresh(
        stagedContent,
        stagedContentRows.insert,
        { position, ...values },
        insert.staged,
      ),
    );
  }

  return {
    sqlite: ctx.sqlite,
    transaction: ctx.transaction,
    /** The worker queue; on a libSQL sync replica it throws (a worker would be claimed twice). */
    get workers() {
      if (ctx.replica !== undefined) throw replicaQueueError('workers', ctx.replica);
      return workers;
    },
    /** Full-text search of staged content's titles and content, best first (search.ts). */
    searchStagedContent: createStagedContentSearch(runner),
    /** Failed workers with their last error; retry one or all (dead-letters.ts). */
    deadLetters: createEngineDeadLetters(runner, clock, ctx.channel('workers')),

    createSession(
      input: Omit<
        z.input<typeof sessionRows.insert>,
        'id' | 'startedAt' | 'endedAt' | 'contextWarningLevel'
      > & { id?: string; startedAt?: Date; endedAt?: Date | null; contextWarningLevel?: number },
    ) {
      const values = { ...input, startedAt: input.startedAt ?? new Date(clock()) };
      const given =
        input.id === undefined ? undefined : prepare(sessions, sessionRows.insert, values);
      return runner.run(() => createSession(values, given), SINGLE_WRITE);
    },

    getSession(id: string) {
      return rowOf(runner, statements.getSession, [id], toSession);
    },

    activeSessions() {
      return rowsOf(runner, statements.activeSessions, [], toSession);
    },

    setSessionState(id: string, state: SessionState, statusText?: string | null) {
      const params = [state, statusText ?? null, id];
      return found(runner, statements.setSessionState, params, SINGLE_WRITE);
    },

    /** Raises the context warning level; never lowers it. True when it was raised. */
    raiseContextWarning(id: string, level: number) {
      const checked = requireInt('sessions', 'context_warning_level', level, 0);
      if (checked > 100) columnError('sessions', 'context_warning_level', 'a level is 0 to 100');
      const params = { level: checked, id };
      return found(runner, statements.raiseContextWarning, params, SINGLE_WRITE);
    },

    endSession(id: string, reason: string) {
      const params = [toIso(clock()), requireString('sessions', 'end_reason', reason), id];
      return found(runner, statements.endSession, params, SINGLE_WRITE);
    },

    createScheduledMission(
      input: WriteInput<
        Omit<z.input<typeof scheduledMissionRows.insert>, 'id' | 'createdAt' | 'updatedAt'>,
        'name' | 'slug' | 'prompt'
      >,
    ) {
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
      const values = {
        ...input,
        nextRun: input.nextRun ?? scheduled,
        createdAt: now,
        updatedAt: now,
      };
      return runner.run(() => createScheduledMission(values), SINGLE_WRITE);
    },

    /**
     * Edits a mission (mission-update.ts): a changed schedule, or the mission enabled again, gets
     * its next run from the schedule after now unless the patch sets nextRun; in one transaction.
     */
    updateScheduledMission: createScheduledMissionUpdate(runner, foreignKeys, clock, timeZone),

    getScheduledMission(id: string) {
      return rowOf(runner, statements.getScheduledMission, [id], toScheduledMission);
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
    ) {
      const { nextRun, sessionId: session = sessionId } =
        typeof options === 'function' ? { nextRun: options } : options;
      const now = clock();
      return runner.run(() => claimMission(now, nextRun, session ?? null), WRITE);
    },

    /** Ends a running mission run and records the outcome on its mission. */
    finishMissionRun(
      runId: string,
      status: Exclude<MissionRunStatus, 'running'>,
      details: { outputSummary?: string; errorMessage?: string } = {},
    ) {
      const now = clock();
      return runner.run(() => finishRun(runId, status, details, now), WRITE);
    },

    missionRuns(missionId: string) {
      return rowsOf(runner, statements.missionRuns, [missionId], toMission);
    },

    createPing(sessionId: string, message: string) {
      const values = { sessionId, message, createdAt: new Date(clock()) };
      return runner.run(() => createPing(values), SINGLE_WRITE);
    },

    /** Unacknowledged pings, newest first. */
    unreadPings() {
      return rowsOf(runner, statements.unreadPings, [], toPing);
    },

    acknowledgePing(id: string) {
      const now = toIso(clock());
      return found(runner, statements.acknowledgePing, [now, id], SINGLE_WRITE);
    },

    /** Adds a priority at the end of its (pool, date, level) group. */
    addPriority(
      input: WriteInput<
        Omit<z.input<typeof priorityRows.insert>, 'id' | 'position' | 'createdAt' | 'updatedAt'>,
        'content'
      >,
    ) {
      const now = new Date(clock());
      const values = { ...input, createdAt: now, updatedAt: now };
      return runner.run(() => addPriorityOp(values), WRITE);
    },

    /** A day's priorities (null = unscheduled), by level then position. */
    listPriorities(date: string | null, pool = 'main') {
      return rowsOf(runner, statements.prioritiesForDate, [pool, date], toPriority);
    },

    completePriority(id: string) {
      const now = toIso(clock());
      return found(runner, statements.completePriority, { now, id }, SINGLE_WRITE);
    },

    /** Adds a contact with its tags, in one transaction. */
    addContact(
      input: WriteInput<Omit<z.input<typeof contactRows.insert>, 'id' | 'createdAt'>, 'name'>,
      tags: readonly string[] = [],
    ) {
      const values = { ...input, createdAt: new Date(clock()) };
      return runner.run(() => addContactOp(values, tags), WRITE);
    },

    getContact(id: string) {
      return runner.run(() => getContact(id), READ);
    },

    contactsByTag(tag: string) {
      return rowsOf(runner, statements.contactsByTag, [tag], toContact);
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
    }) {
      const values = parseRow(conversationNotifications, conversationNotificationRows.insert, {
        ...input,
        id: engineId(),
        notifiedAt: new Date(clock()),
      });
      // Stored values by column (size-checked): what a broken constraint is explained with.
      const row = toDriverRow('engine', conversationNotifications, values);
      return runner.run(() => notify(values, row), SINGLE_WRITE);
    },

    wasNotified(conversationId: string, notificationType: string, entityId: string) {
      const params = [conversationId, notificationType, entityId];
      return found(runner, statements.wasNotified, params);
    },

    /** Deletes notification records older than `days`. */
    pruneNotifications(days: number) {
      const cutoff =
        clock() - requireInt('conversation_notifications', 'notified_at', days, 0) * DAY_MS;
      const params = [toSqliteDateTime(cutoff)];
      return rowsWritten(runner, statements.pruneNotifications, params);
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
    ) {
      const now = new Date(clock());
      const values = { ...input, createdAt: now, updatedAt: now };
      return runner.run(() => stageOp(values), WRITE);
    },

    /** Items not dismissed and not expired, in portal order. */
    visibleStaged() {
      const now = toIso(clock());
      return rowsOf(runner, statements.visibleStaged, [now], toStaged);
    },

    setStagedStatus(id: string, status: 'displayed' | 'dismissed') {
      const now = toIso(clock());
      return found(runner, statements.setStagedStatus, { status, now, id }, SINGLE_WRITE);
    },
  };
}

/** The engine client: `sync` (values) on better-sqlite3 and bun:sqlite, `async` on libSQL. */
export type EngineClient<M extends RunnerMode = 'sync'> = ReturnType<typeof engineClient<M>>;
