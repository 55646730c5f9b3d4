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
  type PlaybackOutcome,
  type Session,
  type Workflow,
  type WorkflowUpdate,
} from '@agentstate/schema/mcpmaker';
import { requireInt, requireString } from '../shared/checks.ts';
import {
  get,
  pluck,
  run,
  type Operation,
  type Row,
  type RunnerMode,
} from '../../driver/operation.ts';
import {
  clientContext,
  type ClientContext,
  type ClientOptions,
  type DriverTarget,
  type ModeOf,
} from '../shared/connection.ts';
import {
  found,
  READ,
  insertedRow,
  requiredRowOf,
  rowOf,
  rowsOf,
  SINGLE_WRITE,
  write,
  WRITE,
} from '../shared/operations.ts';
import { NotFoundError } from '../shared/errors.ts';
import { mcpmakerId } from '../shared/ids.ts';
import { checkRowSizes, checkValueSizes, checkWellFormed } from '../shared/limits.ts';
import { isSealed } from '../shared/secrets.ts';
import {
  encodeConfig,
  encodePlaybackLog,
  encodeSession,
  encodeWorkflow,
  encodeWorkflowTouch,
  playbackLogColumns,
  sessionColumns,
  toPlaybackLog,
  toSession,
  toWorkflow,
  workflowUpdate,
} from './rows.ts';
import { mcpmakerSql as sql, workflowPatchKeys } from './statements.ts';
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

function hostname(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/**
 * The typed client of the mcpmaker database. Every multi-step write is one transaction. On
 * better-sqlite3 and bun:sqlite its operations return values, on libSQL promises.
 */
export function createMcpmakerClient<T extends DriverTarget>(
  target: T,
  options: ClientOptions = {},
): McpmakerClient<ModeOf<T>> {
  return mcpmakerClient(clientContext(target, options));
}

function mcpmakerClient<M extends RunnerMode>(ctx: ClientContext<M>) {
  const { clock, secrets, runner } = ctx;

  // The multi-step operations, built once per client (see operation.ts).
  function* recordSession(
    values: unknown[],
    workflowName: string,
    url: string,
    now: Date,
  ): Operation<{ session: Session; workflow: Workflow }> {
    let workflow = (yield get(sql.findWorkflowByName, [workflowName])) as Row | undefined;
    if (!workflow) {
      const created = encodeWorkflow({
        id: mcpmakerId(clock()),
        name: workflowName,
        sitePattern: hostname(url),
        createdAt: now,
        updatedAt: now,
      });
      workflow = (yield get(sql.insertWorkflow, created)) as Row;
    }
    const session = (yield get(sql.insertSession, [...values, workflow.id])) as Row;
    yield run(sql.linkSession, [workflow.id, session.id]);
    const touch = encodeWorkflowTouch({ updatedAt: now, id: workflow.id as string });
    yield run(sql.touchWorkflow, touch);
    return {
      session: toSession(session),
      workflow: toWorkflow({ ...workflow, updated_at: touch[0] }),
    };
  }
  function* deleteWorkflow(id: string): Operation<{ workflow: boolean; sessions: number }> {
    const sessionsDeleted = (yield run(sql.deleteWorkflowSessions, { id })) as number;
    yield run(sql.deleteWorkflowLinks, [id]);
    const deleted = (yield get(sql.deleteWorkflow, [id])) !== undefined;
    return { workflow: deleted, sessions: sessionsDeleted };
  }
  function* getConfig(key: string): Operation<string | undefined> {
    const stored = (yield pluck(sql.getConfig, [key])) as string | undefined;
    if (stored === undefined || !secretKeys.has(key) || !isSealed(stored)) return stored;
    return secrets.open(stored, `mcpmaker.config.${key}`);
  }
  // One transaction: a value another process sets meanwhile is never overwritten by an old one.
  function* sealPlaintextSecrets(): Operation<number> {
    let sealed = 0;
    for (const key of secretKeys) {
      const stored = (yield pluck(sql.getConfig, [key])) as string | undefined;
      if (stored !== undefined && !isSealed(stored)) {
        const value = secrets.seal(stored, `mcpmaker.config.${key}`);
        yield run(sql.setConfig, encodeConfig({ key, value }));
        sealed++;
      }
    }
    return sealed;
  }
  const workflowMissing = (id: string) => () => {
    throw new NotFoundError('workflows', id);
  };

  return {
    sqlite: ctx.sqlite,
    transaction: ctx.transaction,
    /** Full-text search of the playback logs' insights and sites, best first (search.ts). */
    searchInsights: createInsightSearch(runner),

    /**
     * Records a browser session: finds its workflow by name or creates it (site pattern = the
     * URL's hostname), stores the session, links it and bumps the workflow, in one transaction.
     */
    recordSession(input: RecordSessionInput) {
      const nowMs = clock();
      const now = new Date(nowMs);
      const row = parseRow(sessions, sessionRows.insert, {
        ...input,
        id: input.id ?? mcpmakerId(nowMs),
        domEvents: input.domEvents ?? [],
        networkEvents: input.networkEvents ?? [],
        correlations: input.correlations ?? [],
        createdAt: now,
      });
      // The row as it is: a spread adding keys takes V8's slow path (microseconds).
      const values = encodeSession(row);
      checkValueSizes('mcpmaker', 'sessions', sessionColumns, values);
      const { workflowName, url } = row;
      return runner.run(() => recordSession(values, workflowName, url, now), WRITE);
    },

    getSession(id: string) {
      return rowOf(runner, sql.getSession, [id], toSession);
    },

    getWorkflow(id: string) {
      return rowOf(runner, sql.getWorkflow, [id], toWorkflow);
    },

    /** Workflows, most recently updated first (both stored timestamp formats sort together). */
    listWorkflows() {
      return rowsOf(runner, sql.listWorkflows, [], toWorkflow);
    },

    /** A workflow's sessions through the junction table, newest first. */
    listWorkflowSessions(workflowId: string) {
      return rowsOf(runner, sql.listWorkflowSessions, [workflowId], toSession);
    },

    /** Partial update; always bumps updated_at. Throws NotFoundError for an unknown id. */
    updateWorkflow(id: string, patch: WorkflowPatch) {
      const checked = parseRow(workflows, workflowRows.update, patch);
      const update = workflowUpdate(workflowPatchKeys.filter((key) => checked[key] !== undefined));
      const values = update.encode(checked);
      checkValueSizes('mcpmaker', 'workflows', update.columns, values);
      // The text ends `updated_at = ? WHERE id = ?`: touchWorkflow's parameters.
      const params = values.concat(encodeWorkflowTouch({ updatedAt: new Date(clock()), id }));
      return requiredRowOf(
        runner,
        update.text,
        params,
        toWorkflow,
        workflowMissing(id),
        SINGLE_WRITE,
      );
    },

    /** Deletes a workflow, its sessions and their links, in one transaction. */
    deleteWorkflow(id: string) {
      return runner.run(() => deleteWorkflow(id), WRITE);
    },

    /** Upserts a config value; secret keys (anthropic_api_key) are stored encrypted. */
    setConfig(key: string, value: string) {
      const row = parseRow(config, configRows.insert, { key, value });
      checkWellFormed('config', 'value', row.value); // before sealing, which would not keep it
      const stored = secretKeys.has(row.key)
        ? secrets.seal(row.value, `mcpmaker.config.${row.key}`)
        : row.value;
      checkRowSizes('mcpmaker', 'config', { key: row.key, value: stored });
      const values = encodeConfig({ key: row.key, value: stored });
      return write(runner, sql.setConfig, values);
    },

    /** A config value, decrypted when it is a secret. */
    getConfig(key: string) {
      return runner.run(() => getConfig(key), READ);
    },

    deleteConfig(key: string) {
      return found(runner, sql.deleteConfig, [key], SINGLE_WRITE);
    },

    /** Encrypts secret config values a previous version stored in plaintext; returns how many. */
    sealPlaintextSecrets() {
      return runner.run(sealPlaintextSecrets, WRITE);
    },

    appendPlaybackLog(input: PlaybackLogInput) {
      const row = parseRow(playbackLogs, playbackLogRows.insert, {
        ...input,
        id: mcpmakerId(clock()),
      });
      // The columns' defaults, given: the insert names every column.
      const values = encodePlaybackLog({
        id: row.id,
        workflowId: row.workflowId,
        sitePattern: row.sitePattern ?? '',
        timestamp: row.timestamp,
        data: row.data ?? {},
        outcome: row.outcome ?? 'partial',
        insights: row.insights,
      });
      checkValueSizes('mcpmaker', 'playback_logs', playbackLogColumns, values);
      return insertedRow(runner, sql.insertPlaybackLog, values, toPlaybackLog);
    },

    /** A workflow's playback logs, newest first. */
    listPlaybackLogs(workflowId: string, limit = 100) {
      const params = [
        requireString('playback_logs', 'workflow_id', workflowId),
        requireInt('playback_logs', 'limit', limit, 0),
      ];
      return rowsOf(runner, sql.listPlaybackLogs, params, toPlaybackLog);
    },

    /** The newest 10 logs with insights for a site. */
    siteInsights(sitePattern: string) {
      return rowsOf(runner, sql.siteInsights, [sitePattern], toPlaybackLog);
    },
  };
}

/** The mcpmaker client: `sync` (values) on better-sqlite3 and bun:sqlite, `async` on libSQL. */
export type McpmakerClient<M extends RunnerMode = 'sync'> = ReturnType<typeof mcpmakerClient<M>>;
