import * as dipeo from './schema.ts';
import {
  allocate,
  type DatabaseSeeder,
  DAY,
  itemAt,
  MINUTE,
  models,
  sentence,
  spread,
} from '../seed-kit/recipe.ts';

const { executions, messages, transitions } = dipeo;
type Table = 'executions' | 'transitions' | 'messages';

const nodeTypes = ['start', 'person_job', 'code_job', 'api_job', 'condition', 'endpoint'] as const;

/** Diagram executions, each with its event log (transitions) and LLM conversation (messages). */
export const dipeoSeeder: DatabaseSeeder<Table> = {
  plan: (total) =>
    allocate<Table>(
      total,
      { executions: 1, transitions: 20, messages: 8 },
      { transitions: 'executions', messages: 'executions' },
    ),

  run(ctx, counts) {
    // Transition and message ids start with their execution's: a fresh execution id makes them fresh.
    const executionKey = ctx.hexKey(
      'execution',
      [executions.executionId, transitions.executionId, messages.executionId],
      32,
    );
    const executionId = (i: number) => `exec_${executionKey(i)}`;
    const started = (i: number) =>
      ctx.ago(DAY * 30 * ctx.unit('execution-started', i) + MINUTE * 10);
    const nodeCount = (i: number) => 2 + Math.floor(ctx.unit('execution-nodes', i) * 5);
    const nodeId = (i: number, n: number) => `node_${n}_${nodeTypes[(i + n) % nodeTypes.length]}`;
    const statusOf = (i: number) => {
      const u = ctx.unit('execution-status', i);
      return u < 0.75
        ? 'completed'
        : u < 0.87
          ? 'failed'
          : u < 0.93
            ? 'running'
            : u < 0.97
              ? 'pending'
              : 'aborted';
    };

    const e = ctx.random('executions');
    ctx.insert(executions, counts.executions, (i) => {
      const status = statusOf(i);
      const startedAt = started(i);
      const nodes = nodeCount(i);
      const finished = status !== 'running' && status !== 'pending';
      const endedAt = finished ? new Date(startedAt.getTime() + e.int(2, 600) * 1000) : null;
      const nodeStates: Record<string, unknown> = {};
      const nodeOutputs: Record<string, unknown> = {};
      const execCounts: Record<string, number> = {};
      const executedNodes: string[] = [];
      let input = 0;
      let output = 0;
      for (let n = 0; n < nodes; n++) {
        const id = nodeId(i, n);
        const ran = finished || n < nodes - 1;
        const usage = {
          input: e.int(50, 4000),
          output: e.int(20, 1500),
          cached: e.chance(0.3) ? e.int(0, 500) : null,
        };
        input += usage.input;
        output += usage.output;
        nodeStates[id] = {
          status: ran
            ? status === 'failed' && n === nodes - 1
              ? 'failed'
              : 'completed'
            : status === 'pending'
              ? 'pending'
              : 'running',
          started_at: ran ? startedAt.toISOString() : null,
          ended_at: ran ? (endedAt ?? startedAt).toISOString() : null,
          error: status === 'failed' && n === nodes - 1 ? 'LLM call failed: rate limited' : null,
          llm_usage: { ...usage, total: usage.input + usage.output },
        };
        if (ran) {
          execCounts[id] = 1;
          executedNodes.push(id);
          nodeOutputs[id] = {
            envelope_format: true,
            id: ctx.hex('envelope', i * 8 + n, 16),
            trace_id: executionId(i),
            produced_by: id,
            content_type: e.pick(['raw_text', 'object', 'conversation_state']),
            body: sentence(e, 3, 12),
            meta: {
              node_id: id,
              execution_time: e.int(10, 20000) / 1000,
              timestamp: startedAt.getTime() / 1000,
            },
          };
        }
      }
      const start = startedAt.getTime() / 1000;
      return {
        executionId: executionId(i),
        status,
        diagramId: e.chance(0.9)
          ? `diagram_${e.pick(['summarize', 'triage', 'code_review', 'research', 'translate'])}`
          : null,
        startedAt,
        endedAt,
        nodeStates,
        nodeOutputs,
        llmUsage: { input, output, cached: null, total: input + output },
        error: status === 'failed' ? 'Node failed: LLM call failed: rate limited' : null,
        variables: { topic: sentence(e, 1, 4), model: e.pick(models), max_iterations: e.int(1, 5) },
        execCounts,
        executedNodes,
        metrics: endedAt
          ? {
              execution_id: executionId(i),
              start_time: start,
              end_time: endedAt.getTime() / 1000,
              total_duration_ms: endedAt.getTime() - startedAt.getTime(),
              node_metrics: Object.fromEntries(
                executedNodes.map((id) => [
                  id,
                  {
                    node_id: id,
                    node_type: id.split('_').slice(2).join('_'),
                    start_time: start,
                    duration_ms: e.int(10, 20000),
                  },
                ]),
              ),
              critical_path: executedNodes,
            }
          : null,
        createdAt: startedAt,
        accessCount: e.int(0, 40),
        lastAccessed: endedAt ?? startedAt,
      };
    });

    const t = ctx.random('transitions');
    const transitionCounts = spread(counts.transitions, counts.executions, ctx.seed, 'transitions');
    ctx.insertChildren(transitions, transitionCounts, (i, k) => {
      const last = itemAt(transitionCounts, i) - 1;
      const nodes = nodeCount(i);
      const phase =
        k === 0
          ? 'execution_started'
          : k === last && statusOf(i) === 'completed'
            ? 'execution_completed'
            : k === last && statusOf(i) === 'failed'
              ? 'execution_error'
              : t.weighted(
                  [
                    'node_started',
                    'node_completed',
                    'node_output',
                    'execution_log',
                    'node_error',
                    'interactive_prompt',
                    'interactive_response',
                  ] as const,
                  [30, 30, 20, 12, 3, 3, 2],
                );
      const node =
        phase.startsWith('node') || phase.startsWith('interactive') ? nodeId(i, k % nodes) : null;
      return {
        id: `${executionId(i)}:${k + 1}`,
        executionId: executionId(i),
        nodeId: node,
        phase,
        seq: k + 1,
        payload: {
          event_type: phase,
          data: node
            ? { node_id: node, message: sentence(t, 1, 6) }
            : { message: sentence(t, 1, 6) },
        },
        createdAt: new Date(started(i).getTime() + k * 1500),
      };
    });

    const m = ctx.random('messages');
    const messageCounts = spread(counts.messages, counts.executions, ctx.seed, 'messages');
    ctx.insertChildren(messages, messageCounts, (i, k) => {
      const node = nodeId(i, 1 + (k % Math.max(1, nodeCount(i) - 1)));
      const at = started(i).getTime() + k * 2000;
      const role = k % 2 === 0 ? 'user' : 'assistant';
      return {
        id: `${executionId(i)}:${node}:${(at / 1000).toFixed(6)}`,
        executionId: executionId(i),
        nodeId: node,
        personId: m.chance(0.8)
          ? m.pick(['person_analyst', 'person_writer', 'person_reviewer'])
          : null,
        content: m.chance(0.1)
          ? { role, text: sentence(m, 3, 25) }
          : { role, content: sentence(m, 3, 25) },
        tokenCount: m.int(5, 800),
        createdAt: new Date(at),
      };
    });
  },
};
