import {
  get,
  pluck,
  run,
  type Operation,
  type Row,
  type RunnerMode,
} from '../../driver/operation.ts';
import { parseRow } from '@agentstate/schema';
import {
  agentStatuses,
  agents,
  credentials,
  agentRows,
  credentialRows,
  outputLogRows,
  roundRows,
  runRows,
  outputLogs,
  rounds,
  runs,
  type Agent,
  type AgentStatus,
  type OutputLog,
  type Round,
  type Run,
} from '@agentstate/schema/multishot';
import { optionalString, requireEnum, requireString } from '../shared/checks.ts';
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
  READ,
  requiredRowOf,
  rowOf,
  rowsOf,
  SINGLE_WRITE,
  write,
  WRITE,
} from '../shared/operations.ts';
import { columnError, NotFoundError } from '../shared/errors.ts';
import { randomId } from '../shared/ids.ts';
import { checkRowSizes, checkWellFormed } from '../shared/limits.ts';
import { fromMillis } from '../shared/time.ts';
import { createOutputLogSearch } from './search.ts';

export const multishotSql = {
  insertRun: 'INSERT INTO runs (id, name, created_at, status) VALUES (?, ?, ?, ?) RETURNING *',
  getRun: 'SELECT * FROM runs WHERE id = ?',
  listRuns: 'SELECT * FROM runs ORDER BY created_at DESC, rowid DESC',
  completeRun: "UPDATE runs SET status = 'completed' WHERE id = ? RETURNING id",
  nextRoundNumber: 'SELECT coalesce(max(round_number), 0) + 1 FROM rounds WHERE run_id = ?',
  insertRound: `INSERT INTO rounds (id, run_id, round_number, base_prompt, created_at, status)
    VALUES (?, ?, ?, ?, ?, 'running') RETURNING *`,
  setCurrentRound: 'UPDATE runs SET current_round_id = ? WHERE id = ?',
  listRounds: 'SELECT * FROM rounds WHERE run_id = ? ORDER BY round_number',
  insertAgent: `INSERT INTO agents (id, round_id, agent_number, variation_prompt, status, created_at)
    VALUES (?, ?, ?, ?, 'initializing', ?) RETURNING *`,
  listAgents: 'SELECT * FROM agents WHERE round_id = ? ORDER BY agent_number',
  setAgentStatus: `UPDATE agents SET status = ?, sandbox_id = coalesce(?, sandbox_id),
      error_message = coalesce(?, error_message),
      completed_at = CASE WHEN ? THEN ? ELSE completed_at END
    WHERE id = ? RETURNING *`,
  agentOfRound: 'SELECT 1 FROM agents WHERE id = ? AND round_id = ?',
  setWinner: `UPDATE rounds SET winner_agent_id = ?, winner_files_path = ?, status = 'completed'
    WHERE id = ? RETURNING *`,
  markSelected: "UPDATE agents SET status = 'selected' WHERE id = ?",
  // A changed pick: the round's earlier winner goes back to the completed agent it was.
  unselectOthers: `UPDATE agents SET status = 'completed'
    WHERE round_id = ? AND status = 'selected' AND id != ?`,
  insertOutputLog: 'INSERT INTO output_logs (id, agent_id, timestamp, content) VALUES (?, ?, ?, ?)',
  listOutputLogs: 'SELECT * FROM output_logs WHERE agent_id = ? ORDER BY timestamp, rowid',
  setCredential: `INSERT INTO credentials (key, value, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  getCredential: 'SELECT value FROM credentials WHERE key = ?',
  deleteCredential: 'DELETE FROM credentials WHERE key = ? RETURNING key',
} as const;

const sql = multishotSql;
const statusSet: ReadonlySet<string> = new Set(agentStatuses);
const finishedAgentStatuses: ReadonlySet<string> = new Set(['completed', 'failed']);

const toRun = (r: Row): Run => ({
  id: r.id as string,
  name: r.name as string,
  createdAt: fromMillis(r.created_at as number),
  status: r.status as Run['status'],
  currentRoundId: r.current_round_id as string | null,
});
const toRound = (r: Row): Round => ({
  id: r.id as string,
  runId: r.run_id as string,
  roundNumber: r.round_number as number,
  basePrompt: r.base_prompt as string,
  createdAt: fromMillis(r.created_at as number),
  winnerAgentId: r.winner_agent_id as string | null,
  winnerFilesPath: r.winner_files_path as string | null,
  status: r.status as Round['status'],
});
const toAgent = (r: Row): Agent => ({
  id: r.id as string,
  roundId: r.round_id as string,
  agentNumber: r.agent_number as number,
  sandboxId: r.sandbox_id as string | null,
  variationPrompt: r.variation_prompt as string,
  status: r.status as Agent['status'],
  createdAt: fromMillis(r.created_at as number),
  completedAt: fromMillis(r.completed_at as number | null),
  errorMessage: r.error_message as string | null,
});
const toOutputLog = (r: Row): OutputLog => ({
  id: r.id as string,
  agentId: r.agent_id as string,
  timestamp: fromMillis(r.timestamp as number),
  content: r.content as string,
});

/**
 * The typed client of the multishot database: runs, rounds of four agents, logs, credentials. On
 * better-sqlite3 and bun:sqlite its operations return values, on libSQL promises.
 */
export function createMultishotClient<T extends DriverTarget>(
  target: T,
  options: ClientOptions = {},
): MultishotClient<ModeOf<T>> {
  return multishotClient(clientContext(target, options));
}

function multishotClient<M extends RunnerMode>(ctx: ClientContext<M>) {
  const { clock, secrets, runner, foreignKeys } = ctx;

  // The multi-step operations, built once per client (see operation.ts).
  function* startRound(
    runId: string,
    basePrompt: string,
    variationPrompts: readonly string[],
    now: number,
  ): Operation<{ round: Round; agents: Agent[] }> {
    if (!(yield get(sql.getRun, [runId]))) throw new NotFoundError('runs', runId);
    const roundNumber = (yield pluck(sql.nextRoundNumber, [runId])) as number;
    const round = parseRow(rounds, roundRows.insert, {
      id: randomId(),
      runId,
      roundNumber,
      basePrompt,
      createdAt: new Date(now),
      status: 'running',
    });
    checkRowSizes('multishot', 'rounds', { base_prompt: round.basePrompt });
    const stored = toRound(
      (yield get(sql.insertRound, [round.id, runId, roundNumber, round.basePrompt, now])) as Row,
    );
    const roundAgents: Agent[] = [];
    for (const [index, variationPrompt] of variationPrompts.entries()) {
      const agent = parseRow(agents, agentRows.insert, {
        id: randomId(),
        roundId: stored.id,
        agentNumber: index + 1,
        variationPrompt,
        status: 'initializing',
        createdAt: new Date(now),
      });
      checkRowSizes('multishot', 'agents', { variation_prompt: agent.variationPrompt });
      roundAgents.push(
        toAgent(
          (yield get(sql.insertAgent, [
            agent.id,
            stored.id,
            agent.agentNumber,
            agent.variationPrompt,
            now,
          ])) as Row,
        ),
      );
    }
    yield run(sql.setCurrentRound, [stored.id, runId]);
    return { round: stored, agents: roundAgents };
  }
  function* selectWinner(roundId: string, agentId: string, path: string | null): Operation<Round> {
    if (!(yield get(sql.agentOfRound, [agentId, roundId]))) {
      columnError('rounds', 'winner_agent_id', `agent ${agentId} is not in round ${roundId}`);
    }
    const round = (yield get(sql.setWinner, [agentId, path, roundId])) as Row | undefined;
    if (!round) throw new NotFoundError('rounds', roundId);
    yield run(sql.unselectOthers, [roundId, agentId]);
    yield run(sql.markSelected, [agentId]);
    return toRound(round);
  }
  function* appendOutputLog(row: OutputLog, now: number): Operation<OutputLog> {
    try {
      yield run(sql.insertOutputLog, [row.id, row.agentId, now, row.content]);
    } catch (error) {
      throw yield* explainConstraint(foreignKeys, 'output_logs', { agent_id: row.agentId }, error);
    }
    return row;
  }
  function* getCredential(key: string): Operation<string | undefined> {
    const stored = (yield pluck(sql.getCredential, [key])) as string | undefined;
    return stored === undefined ? undefined : secrets.open(stored, `multishot.credentials.${key}`);
  }

  return {
    sqlite: ctx.sqlite,
    transaction: ctx.transaction,
    /** Full-text search of the agents' output, best first, with snippets (search.ts). */
    searchOutputLogs: createOutputLogSearch(runner, toOutputLog),

    createRun(name: string) {
      const now = clock();
      const run_ = parseRow(runs, runRows.insert, {
        id: randomId(),
        name,
        createdAt: new Date(now),
        status: 'active',
      });
      checkRowSizes('multishot', 'runs', { name: run_.name });
      const values = [run_.id, run_.name, now, run_.status];
      return runner.run(() => rowOf(sql.insertRun, values, toRun) as Operation<Run>, SINGLE_WRITE);
    },

    getRun(id: string) {
      return runner.run(() => rowOf(sql.getRun, [id], toRun), READ);
    },

    listRuns() {
      return runner.run(() => rowsOf(sql.listRuns, [], toRun), READ);
    },

    completeRun(id: string) {
      return runner.run(() => found(sql.completeRun, [id]), SINGLE_WRITE);
    },

    /** Starts the run's next round with one agent per variation prompt (1-4), and makes it current. */
    startRound(runId: string, basePrompt: string, variationPrompts: readonly string[]) {
      if (variationPrompts.length < 1 || variationPrompts.length > 4) {
        columnError(
          'agents',
          'agent_number',
          `a round has 1 to 4 agents, got ${variationPrompts.length}`,
        );
      }
      const now = clock();
      return runner.run(() => startRound(runId, basePrompt, variationPrompts, now), WRITE);
    },

    listRounds(runId: string) {
      return runner.run(() => rowsOf(sql.listRounds, [runId], toRound), READ);
    },

    listAgents(roundId: string) {
      return runner.run(() => rowsOf(sql.listAgents, [roundId], toAgent), READ);
    },

    /** Moves an agent to a status; completed/failed also stamp completed_at. */
    setAgentStatus(
      agentId: string,
      status: AgentStatus,
      details: { sandboxId?: string; errorMessage?: string } = {},
    ) {
      requireEnum('agents', 'status', status, statusSet);
      const sandboxId = optionalString('agents', 'sandbox_id', details.sandboxId);
      const errorMessage = optionalString('agents', 'error_message', details.errorMessage);
      checkRowSizes('multishot', 'agents', { sandbox_id: sandboxId, error_message: errorMessage });
      const finished = finishedAgentStatuses.has(status) ? 1 : 0;
      const params = [status, sandboxId, errorMessage, finished, clock(), agentId];
      const missing = () => {
        throw new NotFoundError('agents', agentId);
      };
      return runner.run(
        () => requiredRowOf(sql.setAgentStatus, params, toAgent, missing),
        SINGLE_WRITE,
      );
    },

    /**
     * The user's pick: the round's winner, completed, and the agent marked selected, at once. A
     * new pick for the same round moves the selection: one selected agent per round.
     */
    selectWinner(roundId: string, agentId: string, winnerFilesPath?: string) {
      const path = optionalString('rounds', 'winner_files_path', winnerFilesPath);
      checkRowSizes('multishot', 'rounds', { winner_files_path: path });
      return runner.run(() => selectWinner(roundId, agentId, path), WRITE);
    },

    appendOutputLog(agentId: string, content: string) {
      const now = clock();
      const row = parseRow(outputLogs, outputLogRows.insert, {
        id: randomId(),
        agentId,
        timestamp: new Date(now),
        content,
      });
      checkRowSizes('multishot', 'output_logs', { agent_id: row.agentId, content: row.content });
      return runner.run(() => appendOutputLog(row, now), SINGLE_WRITE);
    },

    listOutputLogs(agentId: string) {
      return runner.run(() => rowsOf(sql.listOutputLogs, [agentId], toOutputLog), READ);
    },

    /** Stores a credential encrypted; the plaintext never reaches the database. */
    setCredential(key: string, secret: string) {
      const now = clock();
      const row = parseRow(credentials, credentialRows.insert, {
        key,
        value: requireString('credentials', 'value', secret),
        updatedAt: new Date(now),
      });
      checkWellFormed('credentials', 'value', row.value); // before sealing, which would not keep it
      const sealed = secrets.seal(row.value, `multishot.credentials.${row.key}`);
      checkRowSizes('multishot', 'credentials', { key: row.key, value: sealed });
      return runner.run(() => write(sql.setCredential, [row.key, sealed, now]), SINGLE_WRITE);
    },

    getCredential(key: string) {
      return runner.run(() => getCredential(key), READ);
    },

    deleteCredential(key: string) {
      return runner.run(() => found(sql.deleteCredential, [key]), SINGLE_WRITE);
    },
  };
}

/** The multishot client: `sync` (values) on better-sqlite3 and bun:sqlite, `async` on libSQL. */
export type MultishotClient<M extends RunnerMode = 'sync'> = ReturnType<typeof multishotClient<M>>;
