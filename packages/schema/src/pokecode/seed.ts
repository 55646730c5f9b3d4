import * as pokecode from './schema.ts';
import {
  allocate,
  type DatabaseSeeder,
  DAY,
  itemAt,
  MINUTE,
  models,
  projects,
  sentence,
  spread,
  tools,
} from '../seed-kit/recipe.ts';

const { devices, jobQueue, sessionMessages, sessions } = pokecode;
type Table = 'sessions' | 'job_queue' | 'session_messages' | 'devices';

/** Phone apps drive agent CLIs: a few devices, sessions, a job per prompt, many messages. */
export const pokecodeSeeder: DatabaseSeeder<Table> = {
  plan: (total) =>
    allocate<Table>(
      total,
      { devices: 0, sessions: 1, job_queue: 10, session_messages: 90 },
      { job_queue: 'sessions', session_messages: 'sessions' },
      { devices: 3 },
    ),

  run(ctx, counts) {
    const cuid = (tag: string, i: number) => `c${ctx.hex(tag, i, 24)}`;
    const deviceKey = ctx.hexKey('device', devices.deviceId, 16);
    const sessionKey = ctx.hexKey('session', sessions.id, 24);
    const jobKey = ctx.hexKey('job', jobQueue.id, 24);
    const messageKey = ctx.hexKey('message', sessionMessages.id, 24);
    const sessionId = (p: number) => `c${sessionKey(p)}`;
    const jobId = (i: number) => `c${jobKey(i)}`;
    const created = (p: number) => ctx.ago(DAY * 120 * ctx.unit('session-created', p) + DAY);
    const provider = (p: number) =>
      ctx.unit('session-provider', p) < 0.8 ? 'claude-code' : 'codex-cli';
    // Sessions whose newest job is still queued or running: the phone shows them as working.
    const working = (p: number) => ctx.unit('session-working', p) < 0.03;
    const jobCounts = spread(counts.job_queue, counts.sessions, ctx.seed, 'jobs');
    const messageCounts = spread(counts.session_messages, counts.sessions, ctx.seed, 'messages');
    const firstJob = new Uint32Array(counts.sessions + 1);
    for (const [p, jobs] of jobCounts.entries()) firstJob[p + 1] = itemAt(firstJob, p) + jobs;

    const d = ctx.random('devices');
    ctx.insert(devices, counts.devices, (i) => {
      const createdAt = ctx.ago(DAY * d.int(30, 200));
      return {
        deviceId: `device-${deviceKey(i)}`,
        deviceName: `${d.pick(['iPhone', 'iPad', 'Pixel', 'Galaxy'])} ${d.int(8, 16)}`,
        platform: d.pick(['ios', 'android']),
        appVersion: `1.${d.int(0, 9)}.${d.int(0, 20)}`,
        createdAt,
        updatedAt: ctx.ago(DAY * d.int(0, 29)),
        lastConnectedAt: ctx.ago(MINUTE * d.int(1, 60 * 24 * 20)),
      };
    });

    const s = ctx.random('sessions');
    ctx.insert(sessions, counts.sessions, (p) => {
      const project = s.pick(projects);
      const createdAt = created(p);
      const messages = itemAt(messageCounts, p);
      const jobs = itemAt(jobCounts, p);
      const lastMessage = new Date(createdAt.getTime() + messages * 2 * MINUTE);
      const lastJob = itemAt(firstJob, p + 1) - 1;
      return {
        id: sessionId(p),
        provider: provider(p),
        projectPath: `/Users/dev/code/${project}`,
        name: `${project}: ${sentence(s, 0, 3)}`,
        context: s.chance(0.3) ? sentence(s, 5, 15) : null,
        claudeDirectoryPath:
          provider(p) === 'claude-code'
            ? `/Users/dev/.claude/projects/-Users-dev-code-${project}`
            : null,
        metadata: s.chance(0.6)
          ? {
              repository: `git@github.com:acme/${project}.git`,
              branch: s.pick(['main', 'develop', `feature/${p}`]),
              allowedTools: tools.slice(0, s.int(2, tools.length)),
            }
          : null,
        createdAt,
        updatedAt: lastMessage,
        lastAccessedAt: lastMessage,
        isWorking: working(p) && jobs > 0,
        currentJobId: working(p) && jobs > 0 ? jobId(lastJob) : null,
        lastJobStatus: jobs > 0 ? (working(p) ? 'processing' : 'completed') : null,
        messageCount: messages,
        tokenCount: messages * s.int(200, 900),
        lastMessageSentAt: messages > 0 ? lastMessage : null,
        state: s.chance(0.85) ? 'active' : 'inactive',
      };
    });

    const j = ctx.random('jobs');
    ctx.insertChildren(jobQueue, jobCounts, (p, k, i) => {
      const latest = k === itemAt(jobCounts, p) - 1;
      const status =
        latest && working(p)
          ? j.pick(['pending', 'processing'] as const)
          : j.weighted(['completed', 'failed', 'cancelled'] as const, [90, 6, 4]);
      const createdAt = new Date(created(p).getTime() + k * 7 * MINUTE);
      const started =
        status === 'pending' ? null : new Date(createdAt.getTime() + j.int(1, 30) * 1000);
      const finished = status === 'completed' || status === 'failed' || status === 'cancelled';
      const attempts = status === 'failed' ? 3 : status === 'pending' ? 0 : 1;
      return {
        id: jobId(i),
        sessionId: sessionId(p),
        promptId: cuid('prompt', i),
        provider: provider(p),
        status,
        data: {
          prompt: sentence(j, 6, 30),
          projectPath: `/Users/dev/code/${projects[p % projects.length]}`,
          ...(j.chance(0.5) ? { allowedTools: tools.slice(0, j.int(1, 4)) } : {}),
          ...(j.chance(0.7) ? { model: j.pick(models) } : {}),
          messageId: cuid('prompt-message', i),
        },
        attempts,
        maxAttempts: 3,
        createdAt,
        startedAt: started,
        completedAt:
          finished && started ? new Date(started.getTime() + j.int(5, 600) * 1000) : null,
        error:
          status === 'failed'
            ? j.pick([
                'Process exited with code 1',
                'Rate limited by provider',
                'Timed out after 600s',
              ])
            : null,
        nextRetryAt: null,
        // A processing job holds a lease until its worker finishes or stops renewing it.
        leaseOwner: status === 'processing' ? `worker-${p % 4}` : null,
        leaseToken: status === 'processing' ? ctx.hex('lease', i, 16) : null,
        leaseExpiresAt:
          status === 'processing' && started ? new Date(started.getTime() + 5 * MINUTE) : null,
      };
    });

    const m = ctx.random('messages');
    ctx.insertChildren(sessionMessages, messageCounts, (p, k, i) => {
      const type =
        k === 0
          ? 'user'
          : m.weighted(
              ['assistant', 'user', 'result', 'system', 'error'] as const,
              [60, 20, 12, 6, 2],
            );
      const text = sentence(m, 4, 30);
      const tokens = m.int(20, 1500);
      return {
        id: `c${messageKey(i)}`,
        sessionId: sessionId(p),
        provider: provider(p),
        type,
        contentData: JSON.stringify(
          type === 'assistant'
            ? {
                type,
                message: { role: 'assistant', content: [{ type: 'text', text }] },
                usage: { output_tokens: tokens },
              }
            : type === 'user'
              ? { type, message: { role: 'user', content: text } }
              : {
                  type,
                  subtype: type === 'error' ? 'error_during_execution' : 'success',
                  result: text,
                },
        ),
        providerSessionId:
          provider(p) === 'claude-code' ? ctx.hex('provider-session', p, 32) : null,
        tokenCount: type === 'assistant' ? tokens : null,
        createdAt: new Date(created(p).getTime() + k * 2 * MINUTE),
      };
    });
  },
};
