import type { SqliteStatement } from '../../driver/types.ts';
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
  immediate,
  type ClientOptions,
  type ClientTarget,
} from '../shared/connection.ts';
import { constraintError } from '../shared/constraints.ts';
import { columnError, NotFoundError } from '../shared/errors.ts';
import { randomId } from '../shared/ids.ts';
import { checkRowSizes, checkWellFormed } from '../shared/limits.ts';
import { fromMillis } from '../shared/time.ts';
import { createOutputLogSearch } from './search.ts';

export const multishotSql = {
  insertRun: 'INSERT INTO runs (id, name, created_at, status) VALUES (?, ?, ?, ?) RETURNING *',
  getRun: 'SELECT * FROM runs WHERE id = ?',
  listRuns: 'SELECT * FROM runs ORDER BY created_at DESC, rowid DESC',
  completeRun: "UPDATE runs SET status = 'completed' WHERE id = ?",
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
  deleteCredential: 'DELETE FROM credentials WHERE key = ?',
} as const;

type Row = Record<string, unknown>;
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

/** The typed client of the multishot database: runs, rounds of four agents, logs, credentials. */
export function createMultishotClient(target: ClientTarget, options: ClientOptions = {}) {
  const ctx = clientContext(target, options);
  const { clock, secrets, sqlite } = ctx;
  const st = {} as Record<keyof typeof multishotSql, SqliteStatement>;
  for (const [name, sql] of Object.entries(multishotSql)) {
    st[name as keyof typeof multishotSql] = sqlite.prepare(sql);
  }

  const startRoundTx = immediate(
    sqlite,
    (runId: string, basePrompt: string, prompts: readonly string[], now: number) => {
      if (!st.getRun.get(runId)) throw new NotFoundError('runs', runId);
      const roundNumber = st.nextRoundNumber.pluck().get(runId) as number;
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
        st.insertRound.get(round.id, runId, roundNumber, round.basePrompt, now) as Row,
      );
      const roundAgents = prompts.map((variationPrompt, index) => {
        const agent = parseRow(agents, agentRows.insert, {
          id: randomId(),
          roundId: stored.id,
          agentNumber: index + 1,
          variationPrompt,
          status: 'initializing',
          createdAt: new Date(now),
        });
        checkRowSizes('multishot', 'agents', { variation_prompt: agent.variationPrompt });
        return toAgent(
          st.insertAgent.get(
            agent.id,
            stored.id,
            agent.agentNumber,
            agent.variationPrompt,
            now,
          ) as Row,
        );
      });
      st.setCurrentRound.run(stored.id, runId);
      return { round: stored, agents: roundAgents };
    },
  );

  const selectWinnerTx = immediate(
    sqlite,
    (roundId: string, agentId: string, filesPath: string | null) => {
      if (!st.agentOfRound.get(agentId, roundId)) {
        columnError('rounds', 'winner_agent_id', `agent ${agentId} is not in round ${roundId}`);
      }
      const round = st.setWinner.get(agentId, filesPath, roundId) as Row | undefined;
      if (!round) throw new NotFoundError('rounds', roundId);
      st.unselectOthers.run(roundId, agentId);
      st.markSelected.run(agentId);
      return toRound(round);
    },
  );

  return {
    sqlite,
    transaction: <R>(fn: () => R): R => immediate(sqlite, fn)(),
    /** Full-text search of the agents' output, best first, with snippets (search.ts). */
    searchOutputLogs: createOutputLogSearch(sqlite, toOutputLog),

    createRun(name: string): Run {
      const now = clock();
      const run = parseRow(runs, runRows.insert, {
        id: randomId(),
        name,
        createdAt: new Date(now),
        status: 'active',
      });
      checkRowSizes('multishot', 'runs', { name: run.name });
      return toRun(st.insertRun.get(run.id, run.name, now, run.status) as Row);
    },

    getRun(id: string): Run | undefined {
      const row = st.getRun.get(id) as Row | undefined;
      return row && toRun(row);
    },

    listRuns(): Run[] {
      return (st.listRuns.all() as Row[]).map(toRun);
    },

    completeRun(id: string): boolean {
      return st.completeRun.run(id).changes > 0;
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
      return startRoundTx(runId, basePrompt, variationPrompts, clock());
    },

    listRounds(runId: string): Round[] {
      return (st.listRounds.all(runId) as Row[]).map(toRound);
    },

    listAgents(roundId: string): Agent[] {
      return (st.listAgents.all(roundId) as Row[]).map(toAgent);
    },

    /** Moves an agent to a status; completed/failed also stamp completed_at. */
    setAgentStatus(
      agentId: string,
      status: AgentStatus,
      details: { sandboxId?: string; errorMessage?: string } = {},
    ): Agent {
      requireEnum('agents', 'status', status, statusSet);
      const sandboxId = optionalString('agents', 'sandbox_id', details.sandboxId);
      const errorMessage = optionalString('agents', 'error_message', details.errorMessage);
      checkRowSizes('multishot', 'agents', { sandbox_id: sandboxId, error_message: errorMessage });
      const finished = finishedAgentStatuses.has(status) ? 1 : 0;
      const row = st.setAgentStatus.get(
        status,
        sandboxId,
        errorMessage,
        finished,
        clock(),
        agentId,
      ) as Row | undefined;
      if (!row) throw new NotFoundError('agents', agentId);
      return toAgent(row);
    },

    /**
     * The user's pick: the round's winner, completed, and the agent marked selected, at once. A
     * new pick for the same round moves the selection: one selected agent per round.
     */
    selectWinner(roundId: string, agentId: string, winnerFilesPath?: string): Round {
      const path = optionalString('rounds', 'winner_files_path', winnerFilesPath);
      checkRowSizes('multishot', 'rounds', { winner_files_path: path });
      return selectWinnerTx(roundId, agentId, path);
    },

    appendOutputLog(agentId: string, content: string): OutputLog {
      const now = clock();
      const row = parseRow(outputLogs, outputLogRows.insert, {
        id: randomId(),
        agentId,
        timestamp: new Date(now),
        content,
      });
      checkRowSizes('multishot', 'output_logs', { agent_id: row.agentId, content: row.content });
      try {
        st.insertOutputLog.run(row.id, row.agentId, now, row.content);
      } catch (error) {
        throw constraintError(sqlite, 'output_logs', { agent_id: agentId }, error);
      }
      return row;
    },

    listOutputLogs(agentId: string): OutputLog[] {
      return (st.listOutputLogs.all(agentId) as Row[]).map(toOutputLog);
    },

    /** Stores a credential encrypted; the plaintext never reaches the database. */
    setCredential(key: string, secret: string): void {
      const now = clock();
      const row = parseRow(credentials, credentialRows.insert, {
        key,
        value: requireString('credentials', 'value', secret),
        updatedAt: new Date(now),
      });
      checkWellFormed('credentials', 'value', row.value); // before sealing, which would not keep it
      const sealed = secrets.seal(row.value, `multishot.credentials.${row.key}`);
      checkRowSizes('multishot', 'credentials', { key: row.key, value: sealed });
      st.setCredential.run(row.key, sealed, now);
    },

    getCredential(key: string): string | undefined {
      const stored = st.getCredential.pluck().get(key) as string | undefined;
      return stored === undefined
        ? undefined
        : secrets.open(stored, `multishot.credentials.${key}`);
    },

    deleteCredential(key: string): boolean {
      return st.deleteCredential.run(key).changes > 0;
    },
  };
}

export type MultishotClient = ReturnType<typeof createMultishotClient>;
