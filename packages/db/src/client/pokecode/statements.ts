import { sql } from 'drizzle-orm';
import {
  devices as d,
  finishedJobStatuses,
  jobQueue as j,
  sessionMessages as m,
  sessions as s,
} from '@agentstate/schema/pokecode';
import { sqlStringList } from '@agentstate/schema';
import { indexedBy, insertText, sqlText } from '../shared/sql-text.ts';

/**
 * The column orders of the inserts: each insert's `?` parameters, as the row encoders of rows.ts
 * give them.
 */
export const sessionInsertKeys = [
  'id',
  'provider',
  'projectPath',
  'name',
  'context',
  'claudeDirectoryPath',
  'metadata',
  'createdAt',
  'updatedAt',
  'lastAccessedAt',
  'state',
] as const;
export const messageInsertKeys = [
  'id',
  'sessionId',
  'provider',
  'type',
  'contentData',
  'providerSessionId',
  'tokenCount',
  'createdAt',
] as const;
export const jobInsertKeys = [
  'id',
  'sessionId',
  'promptId',
  'provider',
  'status',
  'data',
  'attempts',
  'maxAttempts',
  'createdAt',
] as const;
export const deviceInsertKeys = [
  'deviceId',
  'deviceName',
  'platform',
  'appVersion',
  'createdAt',
  'updatedAt',
  'lastConnectedAt',
] as const;

// Every lease column cleared, as a finished or re-queued job has none.
const noLease = sql`${j.leaseOwner} = NULL, ${j.leaseToken} = NULL, ${j.leaseExpiresAt} = NULL`;
const leased = sql`${j.id} = ? AND ${j.status} = 'processing' AND ${j.leaseToken} = ?`;

/**
 * Every SQL statement of the pokecode client, rendered from the schema's tables (sql-text.ts).
 * Exported as text so the benchmark's raw better-sqlite3 baseline runs exactly the same SQL.
 */
export const pokecodeSql = {
  insertSession: insertText(s, sessionInsertKeys, sql`RETURNING *`),
  getSession: sqlText(sql`SELECT * FROM ${s} WHERE ${s.id} = ?`),
  touchSession: sqlText(
    sql`UPDATE ${s} SET ${s.lastAccessedAt} = ? WHERE ${s.id} = ? RETURNING ${s.id}`,
  ),

  insertMessage: insertText(m, messageInsertKeys),
  bumpSessionCounters: sqlText(sql`UPDATE ${s} SET ${s.messageCount} = ${s.messageCount} + 1,
      ${s.tokenCount} = ${s.tokenCount} + ?, ${s.lastMessageSentAt} = ?, ${s.updatedAt} = ?
    WHERE ${s.id} = ?`),
  // Append order: created_at has whole-second resolution, the rowid breaks ties exactly, and the
  // session_id index already holds rows in rowid order (no sort of large payloads).
  listMessages: sqlText(sql`SELECT * FROM ${m} WHERE ${m.sessionId} = ? ORDER BY rowid`),

  insertJob: insertText(j, jobInsertKeys),
  // Skips the write (and its WAL pages) when the session already shows this job.
  markSessionWorking: sqlText(sql`UPDATE ${s} SET ${s.isWorking} = 1, ${s.currentJobId} = @job,
      ${s.updatedAt} = @now
    WHERE ${s.id} = @session AND (${s.isWorking} = 0 OR ${s.currentJobId} IS NOT @job)`),
  markSessionIdle: sqlText(sql`UPDATE ${s} SET ${s.isWorking} = 0, ${s.currentJobId} = NULL,
      ${s.lastJobStatus} = ?, ${s.updatedAt} = ? WHERE ${s.id} = ? AND ${s.currentJobId} = ?`),
  getJob: sqlText(sql`SELECT * FROM ${j} WHERE ${j.id} = ?`),
  // A claim takes the oldest due pending job by rowid (insertion order, finer than the
  // second-resolution created_at), read off idx_job_queue_status (status, rowid) with no sort, so
  // it is a seek however many jobs are queued or finished. One statement per job: a scalar
  // subquery is a plain seek, where `rowid IN (SELECT ... LIMIT n)` builds a temporary list and
  // costs twice as much. A batch runs it n times in one transaction.
  // next_retry_at is cleared by clearRetry, only on the claimed jobs that had one: naming it here
  // would rewrite its index entry (a WAL page) on every claim, even NULL to NULL.
  claimNext: sqlText(sql`UPDATE ${j} SET ${j.status} = 'processing', ${j.startedAt} = @now,
      ${j.attempts} = ${j.attempts} + 1, ${j.leaseOwner} = @worker, ${j.leaseToken} = @token,
      ${j.leaseExpiresAt} = @expires, ${j.progress} = NULL
    WHERE rowid = (SELECT rowid FROM ${j} ${indexedBy(j, 'idx_job_queue_status')}
      WHERE ${j.status} = 'pending' AND (${j.nextRetryAt} IS NULL OR ${j.nextRetryAt} <= @now)
      ORDER BY rowid LIMIT 1)
    RETURNING *`),
  clearRetry: sqlText(sql`UPDATE ${j} SET ${j.nextRetryAt} = NULL WHERE ${j.id} = ?`),
  // Expired leases, found in the (short) processing range of the status index: the attempt
  // counts; a job out of attempts fails, the others run again. A job the original tool claimed
  // has no lease: it expires @legacy (seconds) after it started.
  recoverExpired: sqlText(sql`UPDATE ${j} ${indexedBy(j, 'idx_job_queue_status')} SET
      ${j.status} = CASE WHEN ${j.attempts} >= ${j.maxAttempts} THEN 'failed' ELSE 'pending' END,
      ${j.completedAt} = CASE WHEN ${j.attempts} >= ${j.maxAttempts} THEN @seconds ELSE NULL END,
      ${j.error} = 'lease expired', ${noLease}
    WHERE ${j.status} = 'processing' AND (${j.leaseExpiresAt} <= @now
      OR (${j.leaseExpiresAt} IS NULL AND coalesce(${j.startedAt}, ${j.createdAt}) <= @legacy))
    RETURNING ${j.id}, ${j.sessionId}, ${j.status}`),
  heartbeat: sqlText(
    sql`UPDATE ${j} SET ${j.leaseExpiresAt} = ? WHERE ${leased} RETURNING ${j.id}`,
  ),
  completeJob: sqlText(sql`UPDATE ${j} SET ${j.status} = 'completed', ${j.completedAt} = ?,
      ${j.error} = NULL, ${noLease}
    WHERE ${leased} RETURNING ${j.id}, ${j.sessionId}`),
  storeProgress: sqlText(sql`UPDATE ${j} SET ${j.progress} = ? WHERE ${leased} RETURNING ${j.id}`),
  // A released job goes back as it was before the claim: the claim's attempt is given back.
  releaseJob: sqlText(sql`UPDATE ${j} SET ${j.status} = 'pending', ${j.startedAt} = NULL,
      ${j.attempts} = max(${j.attempts} - 1, 0), ${noLease}
    WHERE ${leased} RETURNING ${j.id}`),
  leasedJob: sqlText(sql`SELECT ${j.attempts}, ${j.maxAttempts}, ${j.sessionId} FROM ${j}
    WHERE ${leased}`),
  retryJob: sqlText(sql`UPDATE ${j} SET ${j.status} = 'pending', ${j.nextRetryAt} = ?,
      ${j.error} = ?, ${noLease} WHERE ${j.id} = ?`),
  failJob: sqlText(sql`UPDATE ${j} SET ${j.status} = 'failed', ${j.completedAt} = ?, ${j.error} = ?,
      ${j.nextRetryAt} = NULL, ${noLease} WHERE ${j.id} = ?`),
  cancelSessionJobs: sqlText(sql`UPDATE ${j} SET ${j.status} = 'cancelled', ${j.completedAt} = ?,
      ${noLease}
    WHERE ${j.sessionId} = ? AND ${j.status} IN ('pending', 'processing') RETURNING ${j.id}`),
  idleSession: sqlText(sql`UPDATE ${s} SET ${s.isWorking} = 0, ${s.currentJobId} = NULL,
      ${s.lastJobStatus} = ?, ${s.updatedAt} = ? WHERE ${s.id} = ?`),
  cleanupJobs: sqlText(sql`DELETE FROM ${j}
    WHERE ${j.status} IN (${sql.raw(sqlStringList(finishedJobStatuses))})
      AND coalesce(${j.completedAt}, ${j.createdAt}) < ? RETURNING ${j.id}`),
  countJobs: sqlText(sql`SELECT ${j.status}, count(*) AS n FROM ${j} GROUP BY ${j.status}`),

  upsertDevice: insertText(
    d,
    deviceInsertKeys,
    sql`ON CONFLICT (${d.deviceId}) DO UPDATE SET ${d.deviceName} = excluded.${d.deviceName},
      ${d.platform} = excluded.${d.platform}, ${d.appVersion} = excluded.${d.appVersion},
      ${d.updatedAt} = excluded.${d.updatedAt}, ${d.lastConnectedAt} = excluded.${d.lastConnectedAt}
    RETURNING *`,
  ),
  listDevices: sqlText(sql`SELECT * FROM ${d} ORDER BY ${d.lastConnectedAt} DESC`),
} as const;
