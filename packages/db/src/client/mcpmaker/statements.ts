import { sql } from 'drizzle-orm';
import {
  config as c,
  playbackLogs as p,
  sessions as s,
  workflowSessions as ws,
  workflows as w,
} from '@agentstate/schema/mcpmaker';
import { insertText, sqlText } from '../shared/sql-text.ts';

/**
 * The column orders of the inserts: each insert's `?` parameters, as the row encoders of rows.ts
 * give them.
 */
export const workflowInsertKeys = ['id', 'name', 'sitePattern', 'createdAt', 'updatedAt'] as const;
/**
 * A session's values are made (and size-checked) before its transaction; its workflow is found
 * or created inside it, so workflow_id is the last parameter, after these.
 */
export const sessionValueKeys = [
  'id',
  'workflowName',
  'url',
  'startedAt',
  'endedAt',
  'domEvents',
  'networkEvents',
  'correlations',
  'createdAt',
] as const;
export const configInsertKeys = ['key', 'value'] as const;
export const playbackLogInsertKeys = [
  'id',
  'workflowId',
  'sitePattern',
  'timestamp',
  'data',
  'outcome',
  'insights',
] as const;
/** The parameters of touchWorkflow. */
export const workflowTouchKeys = ['updatedAt', 'id'] as const;

/** The columns a workflow update may set, in the order its SET lists them. */
export const workflowPatchKeys = [
  'name',
  'sitePattern',
  'definition',
  'mcpServerPath',
  'mcpServerStatus',
] as const;
export type WorkflowPatchKey = (typeof workflowPatchKeys)[number];

/**
 * `UPDATE workflows SET <keys> = ?, updated_at = ? WHERE id = ? RETURNING *`: its parameters are
 * the keys' values, then updated_at, then the id.
 */
export function updateWorkflowText(keys: readonly WorkflowPatchKey[]): string {
  const sets = [...keys, 'updatedAt' as const].map((key) => sql`${w[key]} = ?`);
  return sqlText(sql`UPDATE ${w} SET ${sql.join(sets, sql`, `)} WHERE ${w.id} = ? RETURNING *`);
}

/**
 * Every SQL statement of the mcpmaker client, rendered from the schema's tables (sql-text.ts).
 */
export const mcpmakerSql = {
  // The original takes the first workflow of that name (names are not unique).
  findWorkflowByName: sqlText(sql`SELECT * FROM ${w} WHERE ${w.name} = ? ORDER BY rowid LIMIT 1`),
  insertWorkflow: insertText(w, workflowInsertKeys, sql`RETURNING *`),
  getWorkflow: sqlText(sql`SELECT * FROM ${w} WHERE ${w.id} = ?`),
  touchWorkflow: sqlText(sql`UPDATE ${w} SET ${w.updatedAt} = ? WHERE ${w.id} = ?`),
  // julianday() reads both text forms the original wrote, so the two sort together.
  listWorkflows: sqlText(
    sql`SELECT * FROM ${w} ORDER BY julianday(${w.updatedAt}) DESC, rowid DESC`,
  ),
  insertSession: insertText(s, [...sessionValueKeys, 'workflowId'], sql`RETURNING *`),
  linkSession: sqlText(
    sql`INSERT OR IGNORE INTO ${ws} (${ws.workflowId}, ${ws.sessionId}) VALUES (?, ?)`,
  ),
  getSession: sqlText(sql`SELECT * FROM ${s} WHERE ${s.id} = ?`),
  // Both tables have workflow_id: the join names each column with its table.
  listWorkflowSessions: sqlText(sql`SELECT ${s}.* FROM ${ws} JOIN ${s}
      ON ${s}.${s.id} = ${ws}.${ws.sessionId}
    WHERE ${ws}.${ws.workflowId} = ? ORDER BY ${s}.${s.startedAt} DESC`),
  deleteWorkflowSessions: sqlText(sql`DELETE FROM ${s} WHERE ${s.workflowId} = @id
    OR ${s.id} IN (SELECT ${ws.sessionId} FROM ${ws} WHERE ${ws.workflowId} = @id)`),
  deleteWorkflowLinks: sqlText(sql`DELETE FROM ${ws} WHERE ${ws.workflowId} = ?`),
  deleteWorkflow: sqlText(sql`DELETE FROM ${w} WHERE ${w.id} = ? RETURNING ${w.id}`),
  setConfig: insertText(
    c,
    configInsertKeys,
    sql`ON CONFLICT (${c.key}) DO UPDATE SET ${c.value} = excluded.${c.value}`,
  ),
  getConfig: sqlText(sql`SELECT ${c.value} FROM ${c} WHERE ${c.key} = ?`),
  deleteConfig: sqlText(sql`DELETE FROM ${c} WHERE ${c.key} = ? RETURNING ${c.key}`),
  insertPlaybackLog: insertText(p, playbackLogInsertKeys, sql`RETURNING *`),
  listPlaybackLogs: sqlText(sql`SELECT * FROM ${p} WHERE ${p.workflowId} = ?
    ORDER BY ${p.timestamp} DESC, rowid DESC LIMIT ?`),
  siteInsights: sqlText(sql`SELECT * FROM ${p}
    WHERE ${p.sitePattern} = ? AND ${p.insights} IS NOT NULL AND ${p.insights} != ''
    ORDER BY ${p.timestamp} DESC, rowid DESC LIMIT 10`),
} as const;
