import * as multishot from './schema.ts';
import {
  type DatabaseSeeder,
  DAY,
  itemAt,
  MINUTE,
  sentence,
  spread,
  task,
} from '../seed-kit/recipe.ts';

const { agents, credentials, outputLogs, rounds, runs } = multishot;
type Table = 'credentials' | 'runs' | 'rounds' | 'agents' | 'output_logs';
const AGENTS_PER_ROUND = 4;
const credentialKeys = ['anthropic_api_key', 'e2b_api_key', 'openai_api_key'];

/**
 * Runs of four competing agents per round. runs.current_round_id and rounds.winner_agent_id point
 * forward in a cycle, so they are written NULL first and filled in a second pass.
 */
export const multishotSeeder: DatabaseSeeder<Table> = {
  plan(total, append) {
    // The credentials are a fixed set of keys: a database being appended to keeps its own.
    const credentialRows = append ? 0 : Math.min(2, Math.max(0, total - 1));
    const left = total - credentialRows;
    // A round needs its run and its four agents: below six rows there are only runs.
    if (left < 2 + AGENTS_PER_ROUND) {
      return { credentials: credentialRows, runs: left, rounds: 0, agents: 0, output_logs: 0 };
    }
    // Per run: 3 rounds, 12 agents, about 60 log lines.
    const rounds = Math.max(1, Math.floor((left * 3) / 76));
    const runs = Math.max(1, Math.floor(left / 76));
    const agentRows = rounds * AGENTS_PER_ROUND;
    return {
      credentials: credentialRows,
      runs,
      rounds,
      agents: agentRows,
      output_logs: left - runs - rounds - agentRows,
    };
  },

  run(ctx, counts) {
    const runKey = ctx.hexKey('run', runs.id);
    const roundKey = ctx.hexKey('round', rounds.id);
    const agentKey = ctx.hexKey('agent', agents.id);
    const logKey = ctx.hexKey('log', outputLogs.id, 12);
    const runId = (i: number) => `run-${runKey(i)}`;
    const roundId = (i: number) => `round-${roundKey(i)}`;
    const agentId = (i: number) => `agent-${agentKey(i)}`;
    const runCreated = (r: number) =>
      ctx.ago(DAY * 60 * ctx.unit('run-created', r) + DAY).getTime();
    // The newest round of an active run is still running; every other round has a winner.
    const active = (r: number) => ctx.unit('run-active', r) < 0.15;
    const roundsPerRun = spread(
      counts.rounds,
      counts.runs,
      ctx.seed,
      'rounds',
      Number.MAX_SAFE_INTEGER,
    );
    const roundRun: number[] = [];
    const roundNumber: number[] = [];
    for (const [r, rounds] of roundsPerRun.entries()) {
      for (let k = 0; k < rounds; k++) {
        roundRun.push(r);
        roundNumber.push(k + 1);
      }
    }
    const roundRunning = (q: number) => {
      const run = itemAt(roundRun, q);
      return active(run) && roundNumber[q] === roundsPerRun[run];
    };
    const roundCreated = (q: number) =>
      runCreated(itemAt(roundRun, q)) + (itemAt(roundNumber, q) - 1) * 40 * MINUTE;
    const winner = (q: number) =>
      q * AGENTS_PER_ROUND + Math.floor(ctx.unit('winner', q) * AGENTS_PER_ROUND);

    const c = ctx.random('credentials');
    ctx.insert(credentials, counts.credentials, (i) => ({
      key: itemAt(credentialKeys, i % credentialKeys.length) + (i >= 3 ? `_${i}` : ''),
      value: `keychain:multishot/${ctx.hex('credential', i)}`,
      updatedAt: ctx.ago(DAY * c.int(1, 90)),
    }));

    const r = ctx.random('runs');
    ctx.insert(runs, counts.runs, (i) => ({
      id: runId(i),
      name: task(r),
      createdAt: new Date(runCreated(i)),
      status: active(i) ? 'active' : 'completed',
      currentRoundId: null,
    }));

    const q = ctx.random('rounds');
    ctx.insert(rounds, counts.rounds, (i) => ({
      id: roundId(i),
      runId: runId(itemAt(roundRun, i)),
      roundNumber: itemAt(roundNumber, i),
      basePrompt: sentence(q, 8, 30),
      createdAt: new Date(roundCreated(i)),
      winnerAgentId: null,
      winnerFilesPath: roundRunning(i)
        ? null
        : `~/.multishot/runs/${runId(itemAt(roundRun, i))}/round-${roundNumber[i]}-winner/`,
      status: roundRunning(i) ? q.pick(['running', 'selecting'] as const) : 'completed',
    }));

    const a = ctx.random('agents');
    const perRound = new Uint32Array(counts.rounds).fill(AGENTS_PER_ROUND);
    ctx.insertChildren(agents, perRound, (round, k, i) => {
      const running = roundRunning(round);
      const failed = !running && i !== winner(round) && a.chance(0.1);
      const created = roundCreated(round) + k * 1000;
      return {
        id: agentId(i),
        roundId: roundId(round),
        agentNumber: k + 1,
        sandboxId: a.chance(0.9) ? `sbx_${ctx.hex('sandbox', i, 12)}` : null,
        variationPrompt: sentence(a, 4, 16),
        status: running
          ? a.pick(['initializing', 'running'] as const)
          : i === winner(round)
            ? 'selected'
            : failed
              ? 'failed'
              : 'completed',
        createdAt: new Date(created),
        completedAt: running ? null : new Date(created + a.int(2, 30) * MINUTE),
        errorMessage: failed
          ? a.pick([
              'Sandbox timed out',
              'Build failed: npm ERR! code 1',
              'Agent exceeded token budget',
            ])
          : null,
      };
    });

    const l = ctx.random('logs');
    const logsPerAgent = spread(counts.output_logs, counts.agents, ctx.seed, 'logs');
    ctx.insertChildren(outputLogs, logsPerAgent, (agent, k, i) => ({
      id: `log-${logKey(i)}`,
      agentId: agentId(agent),
      timestamp: new Date(roundCreated(Math.floor(agent / AGENTS_PER_ROUND)) + k * 5000),
      content: l.chance(0.2)
        ? `$ ${l.pick(['npm test', 'npm run build', 'git diff --stat', 'ls src'])}`
        : sentence(l, 3, 20),
    }));

    // Second pass: the forward references of the cycle.
    const setCurrent = ctx.statement('UPDATE "runs" SET "current_round_id" = ? WHERE "id" = ?');
    const setWinner = ctx.statement('UPDATE "rounds" SET "winner_agent_id" = ? WHERE "id" = ?');
    let first = 0;
    for (const [run, rounds] of roundsPerRun.entries()) {
      if (rounds > 0) setCurrent.run(roundId(first + rounds - 1), runId(run));
      first += rounds;
    }
    for (let round = 0; round < counts.rounds; round++) {
      if (!roundRunning(round)) setWinner.run(agentId(winner(round)), roundId(round));
    }
  },
};
