export const mcpmakerSql = {
  // The original takes the first workflow of that name (names are not unique).
  findWorkflowByName: 'SELECT * FROM workflows WHERE name = ? ORDER BY rowid LIMIT 1',
  insertWorkflow: `INSERT INTO workflows (id, name, site_pattern, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?) RETURNING *`,
  getWorkflow: 'SELECT * FROM workflows WHERE id = ?',
  touchWorkflow: 'UPDATE workflows SET updated_at = ? WHERE id = ?',
  // julianday() reads both text forms the original wrote, so the two sort together.
  listWorkflows: 'SELECT * FROM workflows ORDER BY julianday(updated_at) DESC, rowid DESC',
  insertSession: `INSERT INTO sessions (id, workflow_id, workflow_name, url, started_at, ended_at,
      dom_events, network_events, correlations, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  linkSession: 'INSERT OR IGNORE INTO workflow_sessions (workflow_id, session_id) VALUES (?, ?)',
  getSession: 'SELECT * FROM sessions WHERE id = ?',
  listWorkflowSessions: `SELECT s.* FROM workflow_sessions ws JOIN sessions s ON s.id = ws.session_id
    WHERE ws.workflow_id = ? ORDER BY s.started_at DESC`,
  deleteWorkflowSessions: `DELETE FROM sessions WHERE workflow_id = @id
    OR id IN (SELECT session_id FROM workflow_sessions WHERE workflow_id = @id)`,
  deleteWorkflowLinks: 'DELETE FROM workflow_sessions WHERE workflow_id = ?',
  deleteWorkflow: 'DELETE FROM workflows WHERE id = ? RETURNING id',
  setConfig: `INSERT INTO config (key, value) VALUES (?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  getConfig: 'SELECT value FROM config WHERE key = ?',
  deleteConfig: 'DELETE FROM config WHERE key = ? RETURNING key',
  insertPlaybackLog: `INSERT INTO playback_logs (id, workflow_id, site_pattern, timestamp, data,
      outcome, insights) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  listPlaybackLogs: `SELECT * FROM playback_logs WHERE workflow_id = ?
    ORDER BY timestamp DESC, rowid DESC LIMIT ?`,
  siteInsights: `SELECT * FROM playback_logs
    WHERE site_pattern = ? AND insights IS NOT NULL AND insights != ''
    ORDER BY timestamp DESC, rowid DESC LIMIT 10`,
} as const;
