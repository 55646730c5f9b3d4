import { describe, expect, it } from 'vitest';
import { createDipeoClient, type ExecutionInput } from '../../src/index.ts';
import { fakeClock, freshDatabase, storageKinds } from './helpers.ts';

export function execution(id: string, overrides: Partial<ExecutionInput> = {}): ExecutionInput {
  return {
    executionId: id,
    status: 'running',
    diagramId: 'diagram-1',
    startedAt: new Date(Date.UTC(2026, 0, 15, 11)),
    nodeStates: { n1: { status: 'completed', llm_usage: { input: 1, output: 2 } } },
    nodeOutputs: {},
    llmUsage: { input: 0, output: 0, cached: null, total: 0 },
    variables: { topic: 'x' },
    ...overrides,
  };
}

describe.each(storageKinds)('dipeo client (%s)', (kind) => {
  async function setup() {
    const handle = await freshDatabase('dipeo', kind);
    const clock = fakeClock();
    return { handle, clock, client: createDipeoClient(handle, { clock }) };
  }

  it('upserts an execution, keeping diagram_id and started_at of the stored one', async () => {
    const { client } = await setup();
    client.saveExecution(execution('e1'));
    client.saveExecution(
      execution('e1', {
        status: 'completed',
        diagramId: 'other',
        startedAt: new Date(0),
        error: 'x',
      }),
    );
    expect(client.getExecution('e1')).toMatchObject({
      status: 'completed',
      diagramId: 'diagram-1',
      startedAt: new Date(Date.UTC(2026, 0, 15, 11)),
      error: 'x',
      execCounts: {},
      executedNodes: [],
      accessCount: 0,
    });
  });

  it('counts loads and serves the warm cache and filtered lists', async () => {
    const { client, clock } = await setup();
    client.saveExecution(execution('a'));
    client.saveExecution(execution('b', { status: 'pending', diagramId: 'd2' }));
    client.saveExecution(execution('c', { status: 'completed' }));
    client.loadExecution('b');
    clock.advance(1000);
    const loaded = client.loadExecution('b')!;
    expect(loaded.accessCount).toBe(2);
    expect(loaded.lastAccessed).toEqual(new Date(clock()));
    expect(client.warmCache(10).map((e) => e.executionId)).toEqual(['b', 'a']);
    expect(client.listExecutions({ diagramId: 'd2' }).map((e) => e.executionId)).toEqual(['b']);
    expect(client.listExecutions({ status: 'completed' }).map((e) => e.executionId)).toEqual(['c']);
    expect(client.listExecutions({ limit: 1, offset: 1 })).toHaveLength(1);
  });

  it('allocates seq in the database, so a resumed execution continues where it stopped', async () => {
    const { client, handle } = await setup();
    expect(client.appendTransition({ executionId: 'e', phase: 'execution_started' }).seq).toBe(1);
    expect(
      client.appendTransition({ executionId: 'e', nodeId: 'n', phase: 'node_started' }).seq,
    ).toBe(2);
    // A resumed process: a new client on the same connection, no in-memory counter.
    const resumed = createDipeoClient(handle);
    expect(
      resumed.appendTransition({
        executionId: 'e',
        phase: 'node_completed',
        payload: { data: { output: 1 } },
      }),
    ).toEqual({
      seq: 3,
      id: 'e:3',
      stored: true,
    });
    expect(resumed.listTransitions('e').map((t) => [t.seq, t.phase])).toEqual([
      [1, 'execution_started'],
      [2, 'node_started'],
      [3, 'node_completed'],
    ]);
    expect(resumed.listTransitions('e', 2)[0]!.payload).toEqual({
      event_type: 'node_completed',
      data: { output: 1 },
    });
  });

  it('treats an explicit duplicate (execution_id, seq) as already stored', async () => {
    const { client } = await setup();
    expect(
      client.appendTransition({
        executionId: 'e',
        phase: 'node_output',
        seq: 7,
        payload: { data: { v: 1 } },
      }).stored,
    ).toBe(true);
    expect(
      client.appendTransition({
        executionId: 'e',
        phase: 'node_output',
        seq: 7,
        payload: { data: { v: 2 } },
      }),
    ).toEqual({
      seq: 7,
      id: 'e:7',
      stored: false,
    });
    expect(client.listTransitions('e')).toHaveLength(1);
    expect(client.listTransitions('e')[0]!.payload.data).toEqual({ v: 1 });
    expect(client.appendTransition({ executionId: 'e', phase: 'node_output' }).seq).toBe(8);
  });

  it('stops allocating seq where a number can no longer hold it exactly', async () => {
    const { client } = await setup();
    const last = Number.MAX_SAFE_INTEGER;
    client.appendTransition({ executionId: 'e', phase: 'node_output', seq: last - 1 });
    expect(client.appendTransition({ executionId: 'e', phase: 'node_output' }).seq).toBe(last);
    expect(() => client.appendTransition({ executionId: 'e', phase: 'node_output' })).toThrow(
      `transitions.seq: the next seq would pass ${last}`,
    );
    expect(client.listTransitions('e').map((t) => t.seq)).toEqual([last - 1, last]);
    expect(client.lastSeq('e')).toBe(last);
  });

  it('fills in a payload event_type or data left undefined', async () => {
    const { client } = await setup();
    client.appendTransition({
      executionId: 'e',
      phase: 'node_started',
      payload: { event_type: undefined, data: undefined },
    });
    expect(client.listTransitions('e')[0]!.payload).toEqual({
      event_type: 'node_started',
      data: {},
    });
    expect(() =>
      client.appendTransition({
        executionId: 'e',
        phase: 'node_started',
        payload: { data: null as never },
      }),
    ).toThrow(/transitions\.payload\.data/);
  });

  it('stores messages with composite ids and lists them by person', async () => {
    const { client } = await setup();
    const m1 = client.appendMessage({
      executionId: 'e',
      nodeId: 'n',
      personId: 'p1',
      content: { role: 'user', content: 'hi' },
    });
    const m2 = client.appendMessage({
      executionId: 'e',
      nodeId: 'n',
      personId: 'p2',
      content: { role: 'assistant', text: 'yo' },
    });
    expect(m1.id).toMatch(/^e:n:\d+\.\d{6}$/);
    expect(m2.id).not.toBe(m1.id);
    expect(client.listMessages('e').map((m) => m.id)).toEqual([m1.id, m2.id]);
    expect(client.listMessages('e', 'p2')).toEqual([m2]);
    expect(() =>
      client.appendMessage({ executionId: 'e', nodeId: 'n', content: { role: 'user' } }),
    ).toThrow(/messages\.content/);
  });

  it('cleans up old executions with their transitions and messages', async () => {
    const { client, clock, handle } = await setup();
    client.saveExecution(execution('old', { startedAt: new Date(clock() - 8 * 86_400_000) }));
    client.saveExecution(execution('new', { startedAt: new Date(clock() - 86_400_000) }));
    for (const id of ['old', 'new']) {
      client.appendTransition({ executionId: id, phase: 'execution_started' });
      client.appendMessage({
        executionId: id,
        nodeId: 'n',
        content: { role: 'user', content: 'x' },
      });
    }
    expect(client.cleanup()).toEqual({ executions: 1, transitions: 1, messages: 1 });
    const count = (table: string) =>
      handle.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    expect([count('executions'), count('transitions'), count('messages')]).toEqual([1, 1, 1]);
  });

  it('rejects malformed execution shapes naming the column', async () => {
    const { client } = await setup();
    expect(() =>
      client.saveExecution(execution('e', { nodeStates: { n: { status: 'nope' } } as never })),
    ).toThrow(/executions\.node_states\.n\.status/);
    expect(() => client.saveExecution(execution('e', { status: 'weird' as never }))).toThrow(
      /executions\.status/,
    );
    expect(() => client.appendTransition({ executionId: 'e', phase: 'bogus' as never })).toThrow(
      /transitions\.phase/,
    );
    // Left out, exec_counts and executed_nodes start empty; null is not a value they hold.
    expect(() => client.saveExecution(execution('e', { execCounts: null as never }))).toThrow(
      /executions\.exec_counts/,
    );
    expect(() => client.saveExecution(execution('e', { executedNodes: null as never }))).toThrow(
      /executions\.executed_nodes/,
    );
    expect(client.listExecutions()).toEqual([]);
    expect(() => client.listExecutions({ limit: 1.5 })).toThrow(/executions\.limit/);
    expect(() => client.listExecutions({ offset: -1 })).toThrow(/executions\.offset/);
  });
});
