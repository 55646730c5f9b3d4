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
    expect(
      parseRow(mcpmaker.sessions, mcpmaker.insertSessionSchema, validMcpSession),
    ).toMatchObject({
      id: 'lx1-abc',
    });
  });

  it('rejects a DOM event of an unknown type inside dom_events', () => {
    const error = rejection(() =>
      parseRow(mcpmaker.sessions, mcpmaker.insertSessionSchema, {
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
      parseRow(mcpmaker.workflows, mcpmaker.insertWorkflowSchema, {
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
      mcpmaker.insertPlaybackLogSchema,
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
      multishot.insertRunSchema,
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
      dipeo.insertTransitionSchema,
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
      pokecode.insertJobSchema,
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
      engine.insertWorkerSchema,
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
      mcpmaker.insertWorkflowSchema,
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
      mcpmaker.insertPlaybackLogSchema,
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
      dipeo.insertExecutionSchema,
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
      dipeo.insertTransitionSchema,
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
      pokecode.insertSessionSchema,
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
      pokecode.insertJobSchema,
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
      engine.insertScheduledMissionSchema,
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

  it('keeps the range the seed gives only as a comment: agent_number 1-4', () => {
    const agent = {
      id: 'a',
      roundId: 'r',
      variationPrompt: 'v',
      status: 'running',
      createdAt: now,
    } as const;
    expect(() =>
      parseRow(multishot.agents, multishot.insertAgentSchema, { ...agent, agentNumber: 4 }),
    ).not.toThrow();
    expect(
      rejection(() =>
        parseRow(multishot.agents, multishot.insertAgentSchema, { ...agent, agentNumber: 5 }),
      ).message,
    ).toMatch(/^agents\.agent_number: /);
  });

  it('select schemas accept what the database returns, including nulls', () => {
    expect(
      multishot.selectRunSchema.parse({
        id: 'r',
        name: 'n',
        createdAt: now,
        status: 'active',
        currentRoundId: null,
      }),
    ).toEqual({ id: 'r', name: 'n', createdAt: now, status: 'active', currentRoundId: null });
  });

  it('update schemas accept a partial row but still check what is given', () => {
    expect(pokecode.updateJobSchema.parse({ status: 'cancelled' })).toEqual({
      status: 'cancelled',
    });
    expect(pokecode.updateJobSchema.safeParse({ status: 'paused' }).success).toBe(false);
  });
});
