import { describe, expect, it } from 'vitest';
import * as dipeo from '../src/dipeo/index.ts';
import * as engine from '../src/engine/index.ts';
import * as mcpmaker from '../src/mcpmaker/index.ts';
import * as multishot from '../src/multishot/index.ts';
import * as pokecode from '../src/pokecode/index.ts';
import { parseRow, RowValidationError } from '../src/row-validation.ts';

const now = new Date('2026-01-02T03:04:05.000Z');

/** Parses and returns the error, failing the test if the row was accepted. */
function rejection(run: () => unknown): RowValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof RowValidationError) return error;
    throw error;
  }
  throw new Error('the row was accepted');
}

describe('zod schemas check enums and JSON shapes, naming the column', () => {
  const validMcpSession = {
    id: 'lx1-abc',
    workflowName: 'Book a table',
    url: 'https://example.com',
    startedAt: now,
    endedAt: now,
    domEvents: [{ timestamp: 1, type: 'click', selector: '#go', elementContext: 'button' }],
  } as const;

  it('accepts a valid mcpmaker session', () => {
    expect(parseRow(mcpmaker.sessions, mcpmaker.sessionRows.insert, validMcpSession)).toMatchObject(
      {
        id: 'lx1-abc',
      },
    );
  });

  it('rejects a DOM event of an unknown type inside dom_events', () => {
    const error = rejection(() =>
      parseRow(mcpmaker.sessions, mcpmaker.sessionRows.insert, {
        ...validMcpSession,
        domEvents: [{ ...validMcpSession.domEvents[0], type: 'hover' }],
      }),
    );
    expect(error.table).toBe('sessions');
    expect(error.issues[0]).toMatchObject({ column: 'dom_events', path: '[0].type' });
    expect(error.message).toMatch(/^sessions\.dom_events\[0\]\.type: Invalid option/);
  });

  it('rejects a wrong enum value, naming the SQL column', () => {
    const error = rejection(() =>
      parseRow(mcpmaker.workflows, mcpmaker.workflowRows.insert, {
        id: 'w1',
        name: 'x',
        mcpServerStatus: 'paused',
      }),
    );
    expect(error.message).toContain('workflows.mcp_server_status');
    expect(error.message).toContain('"stopped"|"running"|"error"');
  });

  it.each([
    [
      'mcpmaker playback_logs.outcome',
      mcpmaker.playbackLogs,
      mcpmaker.playbackLogRows.insert,
      {
        id: 'p',
        workflowId: 'w',
        timestamp: now,
        outcome: 'succeeded',
      },
      'playback_logs.outcome',
    ],
    [
      'multishot runs.status',
      multishot.runs,
      multishot.runRows.insert,
      {
        id: 'r',
        name: 'n',
        createdAt: now,
        status: 'paused',
      },
      'runs.status',
    ],
    [
      'dipeo transitions.phase',
      dipeo.transitions,
      dipeo.transitionRows.insert,
      {
        id: 'e:1',
        executionId: 'e',
        phase: 'node_exploded',
        seq: 1,
        payload: { event_type: 'node_started', data: {} },
      },
      'transitions.phase',
    ],
    [
      'pokecode job_queue.status',
      pokecode.jobQueue,
      pokecode.jobRows.insert,
      {
        id: 'j',
        sessionId: 's',
        promptId: 'p',
        provider: 'claude-code',
        status: 'running',
        data: { prompt: 'hi', projectPath: '/p' },
      },
      'job_queue.status',
    ],
    [
      'engine workers.status',
      engine.workers,
      engine.workerRows.insert,
      {
        id: 'abcd1234',
        primitive: 'research',
        instructions: 'x',
        status: 'done',
        createdAt: now,
        updatedAt: now,
      },
      'workers.status',
    ],
  ])('rejects a wrong enum value in %s', (_label, table, schema, row, column) => {
    const error = rejection(() => parseRow(table, schema, row));
    expect(error.message).toMatch(new RegExp(`^${column.replace('.', '\\.')}: Invalid option`));
  });

  it.each([
    [
      'mcpmaker workflows.definition',
      mcpmaker.workflows,
      mcpmaker.workflowRows.insert,
      {
        id: 'w',
        name: 'n',
        definition: { name: 'n', steps: 'not-a-list' },
      },
      'workflows.definition.steps',
    ],
    [
      'mcpmaker playback_logs.data',
      mcpmaker.playbackLogs,
      mcpmaker.playbackLogRows.insert,
      {
        id: 'p',
        workflowId: 'w',
        timestamp: now,
        data: { totalActions: 'three' },
      },
      'playback_logs.data.totalActions',
    ],
    [
      'dipeo executions.llm_usage',
      dipeo.executions,
      dipeo.executionRows.insert,
      {
        executionId: 'e',
        status: 'running',
        startedAt: now,
        nodeStates: {},
        nodeOutputs: {},
        llmUsage: { input: -1, output: 0 },
        variables: {},
      },
      'executions.llm_usage.input',
    ],
    [
      'dipeo transitions.payload',
      dipeo.transitions,
      dipeo.transitionRows.insert,
      {
        id: 'e:1',
        executionId: 'e',
        phase: 'node_started',
        seq: 1,
        payload: { data: {} },
      },
      'transitions.payload.event_type',
    ],
    [
      'pokecode sessions.metadata',
      pokecode.sessions,
      pokecode.sessionRows.insert,
      {
        id: 's',
        provider: 'codex-cli',
        projectPath: '/p',
        name: 'n',
        metadata: { allowedTools: 'Bash' },
      },
      'sessions.metadata.allowedTools',
    ],
    [
      'pokecode job_queue.data',
      pokecode.jobQueue,
      pokecode.jobRows.insert,
      {
        id: 'j',
        sessionId: 's',
        promptId: 'p',
        provider: 'claude-code',
        data: { projectPath: '/p' },
      },
      'job_queue.data.prompt',
    ],
    [
      'engine scheduled_missions.schedule_days',
      engine.scheduledMissions,
      engine.scheduledMissionRows.insert,
      {
        id: 'm',
        name: 'Morning brief',
        slug: 'morning-brief',
        prompt: 'brief.md',
        scheduleDays: ['monday'],
        createdAt: now,
        updatedAt: now,
      },
      'scheduled_missions.schedule_days[0]',
    ],
  ])('rejects a malformed JSON shape in %s', (_label, table, schema, row, where) => {
    const error = rejection(() => parseRow(table, schema, row));
    expect(error.message).toContain(`${where}: `);
  });

  describe('dipeo shapes take DiPeO executions as pydantic dumps them', () => {
    // What DiPeO's `ExecutionState.model_dump()` writes: every optional field present, unset ones
    // null (a fresh `serialize_protocol` envelope leaves `representations` out and has a meta of
    // only the keys set); pydantic floats for LLMUsage and exec_counts (`812.0` parses as 812).
    const dumpedEnvelope = {
      envelope_format: true,
      id: 'f3f49249-dc28-4f90-a5ae-c7978306d03b',
      trace_id: 'exec_1',
      produced_by: 'person_job_1',
      content_type: 'raw_text',
      schema_id: null,
      serialization_format: null,
      body: '서울은 내일 맑음',
      meta: {
        node_id: null,
        llm_usage: { input: 812, output: 95, cached: 640, total: 907 },
        execution_time: null,
        retry_count: null,
        error: null,
        error_type: null,
        timestamp: 1796112460.542097,
      },
      representations: null,
    } as const;
    const freshEnvelope = {
      envelope_format: true,
      id: '7dabe929-c4a3-44bf-86cd-75e9bb049a79',
      trace_id: 'exec_1',
      produced_by: 'person_job_2',
      content_type: 'raw_text',
      schema_id: null,
      serialization_format: null,
      body: 'Draft',
      meta: {
        person_id: 'person_analyst',
        conversation_id: null,
        model: 'gpt-5-nano',
        llm_usage: { input: 1530, output: 212, cached: null, total: 1742 },
        memory_selection: null,
        timestamp: 1796112557.800001,
      },
    } as const;
    const nodeMetric = {
      node_id: 'start_1',
      node_type: 'start',
      start_time: 1796112457.6955009,
      end_time: 1796112457.6985009,
      duration_ms: 3.25,
      memory_usage: null,
      llm_usage: null,
      error: null,
      dependencies: null,
      module_timings: null,
    } as const;
    const execution = {
      executionId: 'exec_1',
      status: 'completed',
      diagramId: 'weather_brief',
      startedAt: now,
      endedAt: now,
      nodeStates: {
        start_1: {
          status: 'completed',
          started_at: '2026-12-01T17:07:37.699485',
          ended_at: '2026-12-01T17:07:37.699485',
          error: null,
          llm_usage: null,
          output: null,
        },
      },
      nodeOutputs: { person_job_1: dumpedEnvelope, person_job_2: freshEnvelope },
      // LLMUsage(input=0, output=0), DiPeO's initial usage: total is None.
      llmUsage: { input: 0, output: 0, cached: null, total: null },
      error: null,
      variables: { city: '서울' },
      execCounts: {},
      executedNodes: ['start_1', 'person_job_1'],
      metrics: {
        execution_id: 'exec_1',
        start_time: 1796112457.6955009,
        end_time: 1796112460.595501,
        total_duration_ms: 2900,
        node_metrics: { start_1: nodeMetric },
        critical_path: null,
        parallelizable_groups: null,
        bottlenecks: null,
      },
    } as const;

    it('accepts nulls everywhere DiPeO writes them, on insert and on select', () => {
      expect(parseRow(dipeo.executions, dipeo.executionRows.insert, execution)).toEqual(execution);
      expect(
        dipeo.executionRows.select.parse({
          ...execution,
          createdAt: now,
          accessCount: 2,
          lastAccessed: now,
        }),
      ).toMatchObject(execution);
    });

    it.each([
      ['schema_id', { ...dumpedEnvelope, schema_id: 7 }, 'node_outputs.person_job_1.schema_id'],
      ['meta', { ...dumpedEnvelope, meta: null }, 'node_outputs.person_job_1.meta'],
      [
        'meta.retry_count',
        { ...dumpedEnvelope, meta: { ...dumpedEnvelope.meta, retry_count: 0.5 } },
        'node_outputs.person_job_1.meta.retry_count',
      ],
      [
        'representations',
        { ...dumpedEnvelope, representations: ['text'] },
        'node_outputs.person_job_1.representations',
      ],
    ])('still checks what a nullable envelope field holds: %s', (_label, envelope, where) => {
      const error = rejection(() =>
        parseRow(dipeo.executions, dipeo.executionRows.insert, {
          ...execution,
          nodeOutputs: { person_job_1: envelope },
        }),
      );
      expect(error.message).toMatch(new RegExp(`^executions\\.${where.replace(/\./g, '\\.')}: `));
    });

    it.each([
      ['dependencies', { node_metrics: { start_1: { ...nodeMetric, dependencies: 'start_0' } } }],
      ['critical_path', { critical_path: [1] }],
      ['parallelizable_groups', { parallelizable_groups: ['a', 'b'] }],
      ['bottlenecks', { bottlenecks: [{ node_id: 'a' }] }],
      ['node_metrics', { node_metrics: null }],
    ])('still checks what a metrics field holds: %s', (field, change) => {
      const error = rejection(() =>
        parseRow(dipeo.executions, dipeo.executionRows.insert, {
          ...execution,
          metrics: { ...execution.metrics, ...change },
        }),
      );
      expect(error.issues[0]).toMatchObject({ column: 'metrics' });
      expect(error.issues[0]!.path).toContain(field);
    });

    it('keeps the fields DiPeO always writes required: llm_usage.input, node status, node_id', () => {
      for (const broken of [
        { llmUsage: { input: null, output: 0 } },
        { nodeStates: { start_1: { status: null } } },
        {
          metrics: {
            ...execution.metrics,
            node_metrics: { start_1: { ...nodeMetric, node_id: null } },
          },
        },
      ]) {
        rejection(() =>
          parseRow(dipeo.executions, dipeo.executionRows.insert, { ...execution, ...broken }),
        );
      }
    });
  });

  it('keeps the range the seed gives only as a comment: agent_number 1-4', () => {
    const agent = {
      id: 'a',
      roundId: 'r',
      variationPrompt: 'v',
      status: 'running',
      createdAt: now,
    } as const;
    expect(() =>
      parseRow(multishot.agents, multishot.agentRows.insert, { ...agent, agentNumber: 4 }),
    ).not.toThrow();
    expect(
      rejection(() =>
        parseRow(multishot.agents, multishot.agentRows.insert, { ...agent, agentNumber: 5 }),
      ).message,
    ).toMatch(/^agents\.agent_number: /);
  });

  it('select schemas accept what the database returns, including nulls', () => {
    expect(
      multishot.runRows.select.parse({
        id: 'r',
        name: 'n',
        createdAt: now,
        status: 'active',
        currentRoundId: null,
      }),
    ).toEqual({ id: 'r', name: 'n', createdAt: now, status: 'active', currentRoundId: null });
  });

  it('update schemas accept a partial row but still check what is given', () => {
    expect(pokecode.jobRows.update.parse({ status: 'cancelled' })).toEqual({
      status: 'cancelled',
    });
    expect(pokecode.jobRows.update.safeParse({ status: 'paused' }).success).toBe(false);
  });
});
