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
  insertedRow,
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
import {
  encodeAgent,
  encodeCredential,
  encodeOutputLog,
  encodeRound,
  encodeRun,
  toAgent,
  toOutputLog,
  toRound,
  toRun,
} from './rows.ts';
import { createOutputLogSearch } from './search.ts';
import { multishotSql as sql } from './statements.ts';

const statusSet: ReadonlySet<string> = new Set(agentStatuses);
const finishedAgentStatuses: ReadonlySet<string> = new Set(['completed', 'failed']);

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
    const stored = toRound((yield get(sql.insertRound, encodeRound(round))) as Row);
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
      roundAgents.push(toAgent((yield get(sql.insertAgent, encodeAgent(agent))) as Row));
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
  function* appendOutputLog(row: OutputLog): Operation<OutputLog> {
    try {
      yield run(sql.insertOutputLog, encodeOutputLog(row));
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
    searchOutputLogs: createOutputLogSearch(runner),

    createRun(name: string) {
      const now = clock();
      const run_ = parseRow(runs, runRows.insert, {
        id: randomId(),
        name,
        createdAt: new Date(now),
        status: 'active',
      });
      checkRowSizes('multishot', 'runs', { name: run_.name });
      const values = encodeRun(run_);
      return insertedRow(runner, sql.insertRun, values, toRun);
    },

    getRun(id: string) {
      return rowOf(runner, sql.getRun, [id], toRun);
    },

    listRuns() {
      return rowsOf(runner, sql.listRuns, [], toRun);
    },

    completeRun(id: string) {
      return found(runner, sql.completeRun, [id], SINGLE_WRITE);
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
      return rowsOf(runner, sql.listRounds, [runId], toRound);
    },

    listAgents(roundId: string) {
      return rowsOf(runner, sql.listAgents, [roundId], toAgent);
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
      return requiredRowOf(runner, sql.setAgentStatus, params, toAgent, missing, SINGLE_WRITE);
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
      return runner.run(() => appendOutputLog(row), SINGLE_WRITE);
    },

    listOutputLogs(agentId: string) {
      return rowsOf(runner, sql.listOutputLogs, [agentId], toOutputLog);
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
      const values = encodeCredential({ ...row, value: sealed });
      return write(runner, sql.setCredential, values);
    },

    getCredential(key: string) {
      return runner.run(() => getCredential(key), READ);
    },

    deleteCredential(key: string) {
      return found(runner, sql.deleteCredential, [key], SINGLE_WRITE);
    },
  };
}

/** The multishot client: `sync` (values) on better-sqlite3 and bun:sqlite, `async` on libSQL. */
export type MultishotClient<M extends RunnerMode = 'sync'> = ReturnType<typeof multishotClient<M>>;
