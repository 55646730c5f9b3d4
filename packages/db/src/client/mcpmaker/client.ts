import { parseRow } from '@agentstate/schema';
import {
  config,
  configRows,
  playbackLogRows,
  sessionRows,
  playbackLogs,
  secretConfigKeys,
  sessions,
  workflowRows,
  workflows,
  type Correlation,
  type DomEvent,
  type NetworkEvent,
  type PlaybackData,
  type PlaybackLog,
  type PlaybackOutcome,
  type Session,
  type Workflow,
  type WorkflowUpdate,
} from '@agentstate/schema/mcpmaker';
import { requireInt, requireString } from '../shared/checks.ts';
import {
  clientContext,
  immediate,
  type ClientOptions,
  type ClientTarget,
} from '../shared/connection.ts';
import { NotFoundError } from '../shared/errors.ts';
import { mcpmakerId } from '../shared/ids.ts';
import { checkRowSizes, checkWellFormed } from '../shared/limits.ts';
import { isSealed } from '../shared/secrets.ts';
import { toSqliteDateTime } from '../shared/time.ts';
import { toPlaybackLog, toSession, toWorkflow } from './rows.ts';
import { prepareMcpmaker } from './statements.ts';
import { createInsightSearch } from './search.ts';

const secretKeys: ReadonlySet<string> = new Set(secretConfigKeys);

export interface RecordSessionInput {
  /** Kept when given, as the original does. */
  id?: string;
  workflowName: string;
  url: string;
  startedAt: Date;
  endedAt: Date;
  domEvents?: DomEvent[];
  networkEvents?: NetworkEvent[];
  correlations?: Correlation[];
}

export interface PlaybackLogInput {
  workflowId: string;
  sitePattern?: string;
  timestamp: Date;
  data: PlaybackData;
  outcome: PlaybackOutcome;
  insights?: string | null;
}

type WorkflowPatch = Pick<
  WorkflowUpdate,
  'name' | 'sitePattern' | 'definition' | 'mcpServerPath' | 'mcpServerStatus'
>;

const patchColumns = {
  name: 'name',
  sitePattern: 'site_pattern',
  definition: 'definition',
  mcpServerPath: 'mcp_server_path',
  mcpServerStatus: 'mcp_server_status',
} as const;

function hostname(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** The typed client of the mcpmaker database. Every multi-step write is one transaction. */
export function createMcpmakerClient(target: ClientTarget, options: ClientOptions = {}) {
  const ctx = clientContext(target, options);
  const { clock, secrets, sqlite } = ctx;
  const st = prepareMcpmaker(sqlite);
  const updateStatements = new Map<string, ReturnType<typeof sqlite.prepare>>();

  const recordSessionTx = immediate(
    sqlite,
    (params: Record<string, string | number | null>, workflowName: string, now: string) => {
      let workflow = st.findWorkflowByName.get(workflowName) as Record<string, unknown> | undefined;
      if (!workflow) {
        workflow = st.insertWorkflow.get(
          mcpmakerId(clock()),
          workflowName,
          hostname(params.url as string),
          now,
          now,
        ) as Record<string, unknown>;
      }
      const session = st.insertSession.get(
        params.id,
        workflow.id,
        params.workflow_name,
        params.url,
        params.started_at,
        params.ended_at,
        params.dom_events,
        params.network_events,
        params.correlations,
        now,
      ) as Record<string, unknown>;
      st.linkSession.run(workflow.id, session.id);
      st.touchWorkflow.run(now, workflow.id);
      return {
        session: toSession(session),
        workflow: toWorkflow({ ...workflow, updated_at: now }),
      };
    },
  );

  const deleteWorkflowTx = immediate(sqlite, (id: string) => {
    const sessionsDeleted = st.deleteWorkflowSessions.run({ id }).changes;
    st.deleteWorkflowLinks.run(id);
    return { workflow: st.deleteWorkflow.run(id).changes > 0, sessions: sessionsDeleted };
  });

  // One transaction: a value another process sets meanwhile is never overwritten by an old one.
  const sealTx = immediate(sqlite, (): number => {
    let sealed = 0;
    for (const key of secretKeys) {
      const stored = st.getConfig.pluck().get(key) as string | undefined;
      if (stored !== undefined && !isSealed(stored)) {
        st.setConfig.run(key, secrets.seal(stored, `mcpmaker.config.${key}`));
        sealed++;
      }
    }
    return sealed;
  });

  return {
    sqlite,
    transaction: <R>(fn: () => R): R => immediate(sqlite, fn)(),
    /** Full-text search of the playback logs' insights and sites, best first (search.ts). */
    searchInsights: createInsightSearch(sqlite),

    /**
     * Records a browser session: finds its workflow by name or creates it (site pattern = the
     * URL's hostname), stores the session, links it and bumps the workflow, in one transaction.
     */
    recordSession(input: RecordSessionInput): { session: Session; workflow: Workflow } {
      const now = clock();
      const row = parseRow(sessions, sessionRows.insert, {
        ...input,
        id: input.id ?? mcpmakerId(now),
        domEvents: input.domEvents ?? [],
        networkEvents: input.networkEvents ?? [],
        correlations: input.correlations ?? [],
      });
      const params = {
        id: row.id,
        workflow_name: row.workflowName,
        url: row.url,
        started_at: row.startedAt.getTime(),
        ended_at: row.endedAt.getTime(),
        dom_events: JSON.stringify(row.domEvents),
        network_events: JSON.stringify(row.networkEvents),
        correlations: JSON.stringify(row.correlations),
      };
      checkRowSizes('mcpmaker', 'sessions', params);
      return recordSessionTx(params, row.workflowName, toSqliteDateTime(now));
    },

    getSession(id: string): Session | undefined {
      const row = st.getSession.get(id) as Record<string, unknown> | undefined;
      return row && toSession(row);
    },

    getWorkflow(id: string): Workflow | undefined {
      const row = st.getWorkflow.get(id) as Record<string, unknown> | undefined;
      return row && toWorkflow(row);
    },

    /** Workflows, most recently updated first (both stored timestamp formats sort together). */
    listWorkflows(): Workflow[] {
      return (st.listWorkflows.all() as Array<Record<string, unknown>>).map(toWorkflow);
    },

    /** A workflow's sessions through the junction table, newest first. */
    listWorkflowSessions(workflowId: string): Session[] {
      const rows = st.listWorkflowSessions.all(workflowId) as Array<Record<string, unknown>>;
      return rows.map(toSession);
    },

    /** Partial update; always bumps updated_at. Throws NotFoundError for an unknown id. */
    updateWorkflow(id: string, patch: WorkflowPatch): Workflow {
      const checked = parseRow(workflows, workflowRows.update, patch);
      const sets: string[] = [];
      const values: Record<string, unknown> = {};
      for (const [key, column] of Object.entries(patchColumns)) {
        const value = (checked as Record<string, unknown>)[key];
        if (value === undefined) continue;
        sets.push(`${column} = @${column}`);
        values[column] = key === 'definition' && value !== null ? JSON.stringify(value) : value;
      }
      checkRowSizes('mcpmaker', 'workflows', values);
      const sql = `UPDATE workflows SET ${[...sets, 'updated_at = @updated_at'].join(', ')} WHERE id = @id RETURNING *`;
      let statement = updateStatements.get(sql);
      if (!statement) updateStatements.set(sql, (statement = sqlite.prepare(sql)));
      const row = statement.get({ ...values, updated_at: toSqliteDateTime(clock()), id }) as
        Record<string, unknown> | undefined;
      if (!row) throw new NotFoundError('workflows', id);
      return toWorkflow(row);
    },

    /** Deletes a workflow, its sessions and their links, in one transaction. */
    deleteWorkflow(id: string): { workflow: boolean; sessions: number } {
      return deleteWorkflowTx(id);
    },

    /** Upserts a config value; secret keys (anthropic_api_key) are stored encrypted. */
    setConfig(key: string, value: string): void {
      const row = parseRow(config, configRows.insert, { key, value });
      checkWellFormed('config', 'value', row.value); // before sealing, which would not keep it
      const stored = secretKeys.has(row.key)
        ? secrets.seal(row.value, `mcpmaker.config.${row.key}`)
        : row.value;
      checkRowSizes('mcpmaker', 'config', { key: row.key, value: stored });
      st.setConfig.run(row.key, stored);
    },

    /** A config value, decrypted when it is a secret. */
    getConfig(key: string): string | undefined {
      const stored = st.getConfig.pluck().get(key) as string | undefined;
      if (stored === undefined || !secretKeys.has(key) || !isSealed(stored)) return stored;
      return secrets.open(stored, `mcpmaker.config.${key}`);
    },

    deleteConfig(key: string): boolean {
      return st.deleteConfig.run(key).changes > 0;
    },

    /** Encrypts secret config values a previous version stored in plaintext; returns how many. */
    sealPlaintextSecrets(): number {
      return sealTx();
    },

    appendPlaybackLog(input: PlaybackLogInput): PlaybackLog {
      const row = parseRow(playbackLogs, playbackLogRows.insert, {
        ...input,
        id: mcpmakerId(clock()),
      });
      const params = {
        id: row.id,
        workflow_id: row.workflowId,
        site_pattern: row.sitePattern ?? '',
        timestamp: row.timestamp.getTime(),
        data: JSON.stringify(row.data ?? {}),
        outcome: row.outcome ?? 'partial',
        insights: row.insights ?? null,
      };
      checkRowSizes('mcpmaker', 'playback_logs', params);
      const stored = st.insertPlaybackLog.get(
        params.id,
        params.workflow_id,
        params.site_pattern,
        params.timestamp,
        params.data,
        params.outcome,
        params.insights,
      ) as Record<string, unknown>;
      return toPlaybackLog(stored);
    },

    /** A workflow's playback logs, newest first. */
    listPlaybackLogs(workflowId: string, limit = 100): PlaybackLog[] {
      const rows = st.listPlaybackLogs.all(
        requireString('playback_logs', 'workflow_id', workflowId),
        requireInt('playback_logs', 'limit', limit, 0),
      );
      return (rows as Array<Record<string, unknown>>).map(toPlaybackLog);
    },

    /** The newest 10 logs with insights for a site. */
    siteInsights(sitePattern: string): PlaybackLog[] {
      return (st.siteInsights.all(sitePattern) as Array<Record<string, unknown>>).map(
        toPlaybackLog,
      );
    },
  };
}

export type McpmakerClient = ReturnType<typeof createMcpmakerClient>;
