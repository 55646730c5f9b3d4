import type { SqliteConnection, SqliteStatement } from '../../driver/types.ts';
import { finishedJobStatuses } from '@agentstate/schema/pokecode';
import { sqlStringList } from '@agentstate/schema';

/**
 * Every SQL statement of the pokecode client. Exported as text so the benchmark's raw
 * better-sqlite3 baseline runs exactly the same SQL.
 */
export const pokecodeSql = {
  insertSession: `INSERT INTO sessions (id, provider, project_path, name, context,
      claude_directory_path, metadata, created_at, updated_at, last_accessed_at, state)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  getSession: 'SELECT * FROM sessions WHERE id = ?',
  touchSession: 'UPDATE sessions SET last_accessed_at = ? WHERE id = ? RETURNING id',

  insertMessage: `INSERT INTO session_messages (id, session_id, provider, type, content_data,
      provider_session_id, token_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  bumpSessionCounters: `UPDATE sessions SET message_count = message_count + 1,
      token_count = token_count + ?, last_message_sent_at = ?, updated_at = ? WHERE id = ?`,
  // Append order: created_at has whole-second resolution, the rowid breaks ties exactly, and the
  // session_id index already holds rows in rowid order (no sort of large payloads).
  listMessages: 'SELECT * FROM session_messages WHERE session_id = ? ORDER BY rowid',

  insertJob: `INSERT INTO job_queue (id, session_id, prompt_id, provider, status, data, attempts,
      max_attempts, created_at) VALUES (?, ?, ?, ?, 'pending', ?, 0, ?, ?)`,
  // Skips the write (and its WAL pages) when the session already shows this job.
  markSessionWorking: `UPDATE sessions SET is_working = 1, current_job_id = @job, updated_at = @now
    WHERE id = @session AND (is_working = 0 OR current_job_id IS NOT @job)`,
  markSessionIdle: `UPDATE sessions SET is_working = 0, current_job_id = NULL,
      last_job_status = ?, updated_at = ? WHERE id = ? AND current_job_id = ?`,
  getJob: 'SELECT * FROM job_queue WHERE id = ?',
  // A claim takes the oldest due pending job by rowid (insertion order, finer than the
  // second-resolution created_at), read off idx_job_queue_status (status, rowid) with no sort, so
  // it is a seek however many jobs are queued or finished. One statement per job: a scalar
  // subquery is a plain seek, where `rowid IN (SELECT ... LIMIT n)` builds a temporary list and
  // costs twice as much. A batch runs it n times in one transaction.
  // next_retry_at is cleared by clearRetry, only on the claimed jobs that had one: naming it here
  // would rewrite its index entry (a WAL page) on every claim, even NULL to NULL.
  claimNext: `UPDATE job_queue SET status = 'processing', started_at = @now, attempts = attempts + 1,
      lease_owner = @worker, lease_token = @token, lease_expires_at = @expires, progress = NULL
    WHERE rowid = (SELECT rowid FROM job_queue INDEXED BY idx_job_queue_status
      WHERE status = 'pending' AND (next_retry_at IS NULL OR next_retry_at <= @now)
      ORDER BY rowid LIMIT 1)
    RETURNING *`,
  clearRetry: 'UPDATE job_queue SET next_retry_at = NULL WHERE id = ?',
  // Expired leases, found in the (short) processing range of the status index: the attempt
  // counts; a job out of attempts fails, the others run again. A job the original tool claimed
  // has no lease: it expires @legacy (seconds) after it started.
  recoverExpired: `UPDATE job_queue INDEXED BY idx_job_queue_status SET
      status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
      completed_at = CASE WHEN attempts >= max_attempts THEN @seconds ELSE NULL END,
      error = 'lease expired', lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
    WHERE status = 'processing' AND (lease_expires_at <= @now
      OR (lease_expires_at IS NULL AND coalesce(started_at, created_at) <= @legacy))
    RETURNING id, session_id, status`,
  heartbeat: `UPDATE job_queue SET lease_expires_at = ?
    WHERE id = ? AND status = 'processing' AND lease_token = ? RETURNING id`,
  completeJob: `UPDATE job_queue SET status = 'completed', completed_at = ?, error = NULL,
      lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
    WHERE id = ? AND status = 'processing' AND lease_token = ? RETURNING id, session_id`,
  storeProgress: `UPDATE job_queue SET progress = ?
    WHERE id = ? AND status = 'processing' AND lease_token = ? RETURNING id`,
  // A released job goes back as it was before the claim: the claim's attempt is given back.
  releaseJob: `UPDATE job_queue SET status = 'pending', started_at = NULL,
      attempts = max(attempts - 1, 0), lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
    WHERE id = ? AND status = 'processing' AND lease_token = ? RETURNING id`,
  leasedJob: `SELECT attempts, max_attempts, session_id FROM job_queue
    WHERE id = ? AND status = 'processing' AND lease_token = ?`,
  retryJob: `UPDATE job_queue SET status = 'pending', next_retry_at = ?, error = ?,
      lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL WHERE id = ?`,
  failJob: `UPDATE job_queue SET status = 'failed', completed_at = ?, error = ?, next_retry_at = NULL,
      lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL WHERE id = ?`,
  cancelSessionJobs: `UPDATE job_queue SET status = 'cancelled', completed_at = ?,
      lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
    WHERE session_id = ? AND status IN ('pending', 'processing') RETURNING id`,
  idleSession: `UPDATE sessions SET is_working = 0, current_job_id = NULL, last_job_status = ?,
      updated_at = ? WHERE id = ?`,
  cleanupJobs: `DELETE FROM job_queue WHERE status IN (${sqlStringList(finishedJobStatuses)})
    AND coalesce(completed_at, created_at) < ? RETURNING id`,
  countJobs: 'SELECT status, count(*) AS n FROM job_queue GROUP BY status',

  upsertDevice: `INSERT INTO devices (device_id, device_name, platform, app_version, created_at,
      updated_at, last_connected_at) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (device_id) DO UPDATE SET device_name = excluded.device_name,
      platform = excluded.platform, app_version = excluded.app_version,
      updated_at = excluded.updated_at, last_connected_at = excluded.last_connected_at
    RETURNING *`,
  listDevices: 'SELECT * FROM devices ORDER BY last_connected_at DESC',
} as const;

export type PokecodeStatements = { [K in keyof typeof pokecodeSql]: SqliteStatement };

/** Prepares every statement once for a connection. */
export function preparePokecode(sqlite: SqliteConnection): PokecodeStatements {
  const prepared = {} as Record<string, SqliteStatement>;
  for (const [name, sql] of Object.entries(pokecodeSql)) prepared[name] = sqlite.prepare(sql);
  return prepared as PokecodeStatements;
}
