import { sql } from 'drizzle-orm';
import {
  agents as a,
  credentials as c,
  outputLogs as o,
  rounds as r,
  runs as u,
} from '@agentstate/schema/multishot';
import { insertText, sqlText } from '../shared/sql-text.ts';

/**
 * The column orders of the inserts: each insert's `?` parameters, as the row encoders of rows.ts
 * give them.
 */
export const runInsertKeys = ['id', 'name', 'createdAt', 'status'] as const;
export const roundInsertKeys = [
  'id',
  'runId',
  'roundNumber',
  'basePrompt',
  'createdAt',
  'status',
] as const;
export const agentInsertKeys = [
  'id',
  'roundId',
  'agentNumber',
  'variationPrompt',
  'status',
  'createdAt',
] as const;
export const outputLogInsertKeys = ['id', 'agentId', 'timestamp', 'content'] as const;
export const credentialInsertKeys = ['key', 'value', 'updatedAt'] as const;

/**
 * Every SQL statement of the multishot client, rendered from the schema's tables (sql-text.ts).
 */
export const multishotSql = {
  insertRun: insertText(u, runInsertKeys, sql`RETURNING *`),
  getRun: sqlText(sql`SELECT * FROM ${u} WHERE ${u.id} = ?`),
  listRuns: sqlText(sql`SELECT * FROM ${u} ORDER BY ${u.createdAt} DESC, rowid DESC`),
  completeRun: sqlText(
    sql`UPDATE ${u} SET ${u.status} = 'completed' WHERE ${u.id} = ? RETURNING ${u.id}`,
  ),
  nextRoundNumber: sqlText(
    sql`SELECT coalesce(max(${r.roundNumber}), 0) + 1 FROM ${r} WHERE ${r.runId} = ?`,
  ),
  insertRound: insertText(r, roundInsertKeys, sql`RETURNING *`),
  setCurrentRound: sqlText(sql`UPDATE ${u} SET ${u.currentRoundId} = ? WHERE ${u.id} = ?`),
  listRounds: sqlText(sql`SELECT * FROM ${r} WHERE ${r.runId} = ? ORDER BY ${r.roundNumber}`),
  insertAgent: insertText(a, agentInsertKeys, sql`RETURNING *`),
  listAgents: sqlText(sql`SELECT * FROM ${a} WHERE ${a.roundId} = ? ORDER BY ${a.agentNumber}`),
  setAgentStatus: sqlText(sql`UPDATE ${a} SET ${a.status} = ?,
      ${a.sandboxId} = coalesce(?, ${a.sandboxId}),
      ${a.errorMessage} = coalesce(?, ${a.errorMessage}),
      ${a.completedAt} = CASE WHEN ? THEN ? ELSE ${a.completedAt} END
    WHERE ${a.id} = ? RETURNING *`),
  agentOfRound: sqlText(sql`SELECT 1 FROM ${a} WHERE ${a.id} = ? AND ${a.roundId} = ?`),
  setWinner: sqlText(sql`UPDATE ${r} SET ${r.winnerAgentId} = ?, ${r.winnerFilesPath} = ?,
      ${r.status} = 'completed'
    WHERE ${r.id} = ? RETURNING *`),
  markSelected: sqlText(sql`UPDATE ${a} SET ${a.status} = 'selected' WHERE ${a.id} = ?`),
  // A changed pick: the round's earlier winner goes back to the completed agent it was.
  unselectOthers: sqlText(sql`UPDATE ${a} SET ${a.status} = 'completed'
    WHERE ${a.roundId} = ? AND ${a.status} = 'selected' AND ${a.id} != ?`),
  insertOutputLog: insertText(o, outputLogInsertKeys),
  listOutputLogs: sqlText(
    sql`SELECT * FROM ${o} WHERE ${o.agentId} = ? ORDER BY ${o.timestamp}, rowid`,
  ),
  setCredential: insertText(
    c,
    credentialInsertKeys,
    sql`ON CONFLICT (${c.key}) DO UPDATE SET ${c.value} = excluded.${c.value},
      ${c.updatedAt} = excluded.${c.updatedAt}`,
  ),
  getCredential: sqlText(sql`SELECT ${c.value} FROM ${c} WHERE ${c.key} = ?`),
  deleteCredential: sqlText(sql`DELETE FROM ${c} WHERE ${c.key} = ? RETURNING ${c.key}`),
} as const;
