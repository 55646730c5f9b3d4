import * as mcpmaker from './schema.ts';
import type { WorkflowStep } from './shapes.ts';
import {
  allocate,
  type DatabaseSeeder,
  DAY,
  itemAt,
  MINUTE,
  type Random,
  sentence,
  sites,
  spread,
  task,
} from '../seed-kit/recipe.ts';

const { config, playbackLogs, sessions, workflowSessions, workflows } = mcpmaker;
type Table = 'config' | 'workflows' | 'sessions' | 'workflow_sessions' | 'playback_logs';

const configRows: Array<[string, string]> = [
  ['anthropic_api_key', 'enc:v1:'],
  ['default_model', 'claude-sonnet-4'],
  ['recording_hotkey', 'Alt+Shift+R'],
];

/**
 * Browser recordings turned into workflows: most recordings belong to a workflow (linked through
 * workflow_sessions), each workflow has a few playback runs.
 */
export const mcpmakerSeeder: DatabaseSeeder<Table> = {
  plan(total, append) {
    const counts = allocate<Table>(
      total,
      { config: 0, workflows: 1, sessions: 5, workflow_sessions: 4.5, playback_logs: 3 },
      { sessions: 'workflows', workflow_sessions: 'sessions', playback_logs: 'workflows' },
      // The settings are a fixed set of keys: a database being appended to keeps its own.
      { config: append ? 0 : configRows.length },
    );
    // One junction row per linked recording: never more than there are recordings.
    const excess = Math.max(0, counts.workflow_sessions - counts.sessions);
    counts.workflow_sessions -= excess;
    counts.sessions += excess;
    return counts;
  },

  run(ctx, counts) {
    // mcpmaker ids: Date.now() in base 36, a dash, random base-36 characters.
    const workflowKey = ctx.hexKey('workflow', [workflows.id, workflowSessions.workflowId]);
    const sessionKey = ctx.hexKey('session', [sessions.id, workflowSessions.sessionId]);
    const playbackKey = ctx.hexKey('playback', playbackLogs.id);
    const workflowCreated = (w: number) =>
      ctx.ago(DAY * 90 * ctx.unit('workflow-created', w) + DAY).getTime();
    const workflowId = (w: number) => `${workflowCreated(w).toString(36)}-${workflowKey(w)}`;
    const site = (w: number) => itemAt(sites, w % sites.length);
    // Sessions below `linked` belong to a workflow, spread over workflows in contiguous groups.
    const linked = counts.workflow_sessions;
    const perWorkflow = spread(linked, counts.workflows, ctx.seed, 'workflow-sessions');
    const sessionWorkflow = new Int32Array(counts.sessions).fill(-1);
    for (let w = 0, s = 0; w < counts.workflows; w++) {
      for (let k = 0, n = itemAt(perWorkflow, w); k < n; k++) sessionWorkflow[s++] = w;
    }
    const sessionStart = (s: number) => {
      const w = itemAt(sessionWorkflow, s);
      const base = w >= 0 ? workflowCreated(w) : ctx.ago(DAY * 90).getTime();
      return base + Math.floor(ctx.unit('session-start', s) * DAY * 5);
    };
    const sessionId = (s: number) => `${sessionStart(s).toString(36)}-${sessionKey(s)}`;

    ctx.insert(config, counts.config, (i) => {
      const [key, value] = itemAt(configRows, i % configRows.length);
      return {
        key: i < configRows.length ? key : `${key}_${i}`,
        value: value === 'enc:v1:' ? `enc:v1:${ctx.hex('secret', i, 48)}` : value,
      };
    });

    const w = ctx.random('workflows');
    ctx.insert(workflows, counts.workflows, (i) => {
      const name = `${task(w)} on ${site(i)}`;
      const sessionCount = itemAt(perWorkflow, i);
      const hasDefinition = sessionCount > 0 && w.chance(0.7);
      return {
        id: workflowId(i),
        name,
        sitePattern: site(i),
        definition: hasDefinition ? workflowDefinition(w, name, site(i), sessionCount) : null,
        mcpServerPath: hasDefinition ? `~/.mcpmaker/servers/${workflowId(i)}/index.js` : null,
        mcpServerStatus: hasDefinition
          ? w.weighted(['stopped', 'running', 'error'] as const, [60, 35, 5])
          : 'stopped',
        createdAt: new Date(workflowCreated(i)),
        updatedAt: new Date(workflowCreated(i) + DAY * 5),
      };
    });

    const s = ctx.random('sessions');
    ctx.insert(sessions, counts.sessions, (i) => {
      const wf = itemAt(sessionWorkflow, i);
      const host = wf >= 0 ? site(wf) : s.pick(sites);
      const start = sessionStart(i);
      const dom = s.int(1, 3);
      const net = s.int(1, 2);
      const domEvents = Array.from({ length: dom }, (_, k) => ({
        timestamp: start + k * 1500,
        type: s.pick(['click', 'input', 'change', 'submit', 'navigate', 'keydown'] as const),
        selector: `#${s.pick(['search', 'email', 'submit', 'title', 'menu'])}-${k}`,
        elementContext: `<${s.pick(['button', 'input', 'a'])}> ${sentence(s, 0, 3)}`,
        ...(s.chance(0.4) ? { value: sentence(s, 0, 2) } : {}),
        pageUrl: `https://${host}/`,
      }));
      const networkEvents = Array.from({ length: net }, (_, k) => ({
        timestamp: start + k * 1500 + 120,
        url: `https://${host}/api/${s.pick(['search', 'items', 'session', 'graphql'])}`,
        method: s.pick(['GET', 'POST']),
        requestHeaders: { 'content-type': 'application/json' },
        responseStatus: s.weighted([200, 201, 404, 500], [85, 8, 5, 2]),
        responseHeaders: { 'content-type': 'application/json' },
        ...(s.chance(0.5) ? { responseBody: '{"ok":true}' } : {}),
        initiator: 'fetch',
      }));
      return {
        id: sessionId(i),
        workflowId: wf >= 0 ? workflowId(wf) : null,
        workflowName: wf >= 0 ? `workflow ${wf}` : task(s),
        url: `https://${host}/`,
        startedAt: new Date(start),
        endedAt: new Date(start + dom * 1500 + s.int(1, 60) * 1000),
        domEvents,
        networkEvents,
        correlations: domEvents
          .slice(0, net)
          .map((_, k) => ({ domEventIndex: k, networkEventIndices: [k], timeGap: 120 })),
        createdAt: new Date(start),
      };
    });

    ctx.insert(workflowSessions, linked, (i) => ({
      workflowId: workflowId(itemAt(sessionWorkflow, i)),
      sessionId: sessionId(i),
    }));

    const p = ctx.random('playback');
    const logsPerWorkflow = spread(
      counts.playback_logs,
      counts.workflows,
      ctx.seed,
      'playback-logs',
    );
    ctx.insertChildren(playbackLogs, logsPerWorkflow, (wf, k, i) => {
      const at = workflowCreated(wf) + DAY * 5 + k * 3 * MINUTE;
      const total = p.int(1, 4);
      const actions = Array.from({ length: total }, (_, n) => ({
        action: {
          type: p.pick(['click', 'input', 'navigate', 'wait', 'done'] as const),
          reasoning: sentence(p, 2, 8),
          confidence: Math.round(p.next() * 100) / 100,
          ...(p.chance(0.5) ? { elementIndex: p.int(0, 40) } : {}),
        },
        success: p.chance(0.85),
        timestamp: at + n * 900,
      }));
      const successful = actions.filter((a) => a.success).length;
      return {
        id: `${at.toString(36)}-${playbackKey(i)}`,
        workflowId: workflowId(wf),
        sitePattern: site(wf),
        timestamp: new Date(at),
        data: { actions, totalActions: total, successfulActions: successful },
        outcome: successful === total ? 'completed' : successful === 0 ? 'failed' : 'partial',
        insights: p.chance(0.3) ? sentence(p, 5, 20) : null,
      };
    });
  },
};

function workflowDefinition(r: Random, name: string, host: string, recordings: number) {
  const step = (order: number, popup: boolean): WorkflowStep => ({
    order,
    description: sentence(r, 1, 6),
    domAction: {
      type: 'click',
      selector: `#step-${order}`,
      fallbackSelectors: [`[data-step="${order}"]`],
    },
    request: {
      method: 'POST',
      pathTemplate: `/api/step/${order}`,
      headers: { 'content-type': 'application/json' },
      bodyTemplate: '{"query":"{{query}}"}',
    },
    inputMappings:
      order > 1
        ? [
            {
              sourceStep: order - 1,
              sourceJsonPath: '$.id',
              targetLocation: 'body',
              targetKey: 'parentId',
              description: 'id from the previous step',
            },
          ]
        : [],
    response: {
      expectedStatus: 200,
      extractFields: [{ name: 'id', jsonPath: '$.id', type: 'string', description: 'created id' }],
    },
    ...(popup ? { opensPopup: true, popupActions: [step(order + 1, false)] } : {}),
  });
  const steps = Array.from({ length: r.int(1, 3) }, (_, k) => step(k + 1, r.chance(0.15)));
  return {
    name,
    description: sentence(r, 4, 12),
    confidence: r.pick(['high', 'medium', 'low'] as const),
    steps,
    parameters: [
      {
        name: 'query',
        type: 'string' as const,
        required: true,
        description: 'what to search for',
        example: 'invoices',
        usedIn: [{ step: 1, location: 'body' as const, key: 'query' }],
      },
    ],
    returns: {
      description: 'the created item',
      fields: [
        {
          name: 'id',
          type: 'string',
          description: 'item id',
          source: { step: steps.length, jsonPath: '$.id' },
        },
      ],
    },
    auth: {
      type: 'cookie' as const,
      credentialFields: [
        { name: 'session', description: 'session cookie', location: 'cookie' as const },
      ],
    },
    baseUrl: `https://${host}`,
    recordingCount: recordings,
    lastRecorded: new Date(Date.UTC(2025, 4, 1)).toISOString(),
  };
}
