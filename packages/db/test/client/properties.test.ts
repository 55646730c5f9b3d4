import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDipeoClient,
  createEngineClient,
  createMcpmakerClient,
  createPokecodeClient,
  RowValidationError,
} from '../../src/index.ts';
import { freshDatabase, tempSecrets } from './helpers.ts';

const sqlish = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  // Any UTF-16 units, lone surrogates included: UTF-8 text cannot hold those, so they must fail.
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    "'; DROP TABLE sessions; --",
    '" OR 1=1 --',
    '\u0000nul',
    'NULL',
    '%_\\',
    '🙂'.repeat(50),
    'lone \uD800 high',
    '\uDC00 lone low',
  ),
);
const anything = fc.oneof(
  sqlish,
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
);

/** Runs a write: it either succeeds or throws a typed validation error. Never anything else. */
function outcome(write: () => void): 'ok' | 'invalid' {
  try {
    write();
    return 'ok';
  } catch (error) {
    if (error instanceof RowValidationError) return 'invalid';
    throw error;
  }
}

const runs = { numRuns: 150 };

describe('property: every public write succeeds verbatim or fails typed, never partially', () => {
  it('pokecode: saveMessage and enqueue', async () => {
    const handle = await freshDatabase('pokecode', 'file');
    const client = createPokecodeClient(handle);
    const session = client.createSession({ provider: 'claude-code', projectPath: '/p', name: 'n' });
    fc.assert(
      fc.property(
        sqlish,
        fc.option(sqlish),
        anything,
        fc.constantFrom('user', 'assistant', 'bogus'),
        (content, psid, tokens, type) => {
          const before = client.getSession(session.id)!.messageCount;
          const result = outcome(() =>
            client.saveMessage({
              sessionId: session.id,
              provider: 'claude-code',
              type: type as 'user',
              contentData: content,
              providerSessionId: psid,
              tokenCount: tokens as number,
            }),
          );
          const after = client.getSession(session.id)!;
          if (result === 'ok') {
            expect(after.messageCount).toBe(before + 1);
            expect(client.listMessages(session.id).at(-1)!.contentData).toBe(content);
          } else expect(after.messageCount).toBe(before);
        },
      ),
      runs,
    );
    fc.assert(
      fc.property(sqlish, sqlish, anything, (prompt, promptId, maxAttempts) => {
        const before = client.jobs.counts().pending;
        const result = outcome(() =>
          client.jobs.enqueue({
            sessionId: session.id,
            promptId,
            provider: 'codex-cli',
            data: { prompt, projectPath: '/p' },
            maxAttempts: maxAttempts as number,
          }),
        );
        expect(client.jobs.counts().pending).toBe(result === 'ok' ? before + 1 : before);
        if (result === 'ok') {
          const job = client.jobs.claim({ worker: 'w' })!;
          expect(job.data.prompt).toBe(prompt);
          expect(job.promptId).toBe(promptId);
          client.jobs.complete(job);
        }
      }),
      runs,
    );
  });

  it('dipeo: transitions and messages', async () => {
    const client = createDipeoClient(await freshDatabase('dipeo', 'memory'));
    fc.assert(
      fc.property(
        sqlish,
        fc.option(sqlish),
        fc.dictionary(sqlish, anything),
        (executionId, nodeId, data) => {
          const before = client.lastSeq(executionId);
          const result = outcome(() =>
            client.appendTransition({
              executionId,
              nodeId,
              phase: 'node_output',
              payload: { data },
            }),
          );
          const after = client.listTransitions(executionId);
          expect(after.length).toBe(result === 'ok' ? before + 1 : before);
          if (result === 'ok') expect(after.at(-1)!.nodeId).toBe(nodeId);
        },
      ),
      runs,
    );
    fc.assert(
      fc.property(sqlish, sqlish, anything, (nodeId, text, tokens) => {
        const before = client.listMessages('e').length;
        const result = outcome(() =>
          client.appendMessage({
            executionId: 'e',
            nodeId,
            content: { role: 'user', content: text },
            tokenCount: tokens as number,
          }),
        );
        const after = client.listMessages('e');
        expect(after.length).toBe(result === 'ok' ? before + 1 : before);
        if (result === 'ok') expect(after.at(-1)!.content.content).toBe(text);
      }),
      runs,
    );
  });

  it('mcpmaker and engine: sessions, config, workers, pings', async () => {
    const mcp = createMcpmakerClient(await freshDatabase('mcpmaker', 'memory'), {
      secrets: tempSecrets(),
    });
    const engine = createEngineClient(await freshDatabase('engine', 'memory'));
    const session = engine.createSession({ role: 'chief' });
    fc.assert(
      fc.property(sqlish, sqlish, sqlish, (name, url, value) => {
        const before = mcp.listWorkflows().length;
        const result = outcome(() =>
          mcp.recordSession({
            workflowName: name,
            url,
            startedAt: new Date(1),
            endedAt: new Date(2),
          }),
        );
        expect(mcp.listWorkflows().length - before).toBeLessThanOrEqual(result === 'ok' ? 1 : 0);
        const held = mcp.getConfig('anthropic_api_key');
        const set = outcome(() => mcp.setConfig('anthropic_api_key', value));
        expect(mcp.getConfig('anthropic_api_key')).toBe(set === 'ok' ? value : held);
      }),
      runs,
    );
    fc.assert(
      fc.property(sqlish, sqlish, anything, (primitive, instructions, priority) => {
        const before = engine.workers.counts().pending;
        const result = outcome(() =>
          engine.workers.schedule({ primitive, instructions, priority: priority as number }),
        );
        expect(engine.workers.counts().pending).toBe(result === 'ok' ? before + 1 : before);
        const pings = engine.unreadPings().length;
        let id = '';
        const pinged = outcome(() => (id = engine.createPing(session.id, instructions).id));
        expect(engine.unreadPings().length).toBe(pinged === 'ok' ? pings + 1 : pings);
        if (pinged === 'ok') {
          expect(engine.unreadPings().find((p) => p.id === id)!.message).toBe(instructions);
        }
      }),
      runs,
    );
  });
});
