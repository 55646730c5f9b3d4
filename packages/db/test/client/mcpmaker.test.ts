import type { SqliteConnection } from '../../src/driver/types.ts';
import { describe, expect, it } from 'vitest';
import { createMcpmakerClient, SecretBox } from '../../src/index.ts';
import { isSealed } from '../../src/client/shared/secrets.ts';
import { fakeClock, freshDatabase, storageKinds, tempSecrets } from './helpers.ts';

describe.each(storageKinds)('mcpmaker client (%s)', (kind) => {
  async function setup() {
    const handle = await freshDatabase('mcpmaker', kind);
    const clock = fakeClock();
    return {
      handle,
      clock,
      client: createMcpmakerClient(handle, { clock, secrets: tempSecrets() }),
    };
  }
  /** config.anthropic_api_key as the database file holds it. */
  const storedApiKey = (handle: { sqlite: SqliteConnection }) =>
    handle.sqlite
      .prepare("SELECT value FROM config WHERE key = 'anthropic_api_key'")
      .pluck()
      .get() as string;
  const recording = (name: string, url = 'https://shop.example.com/cart') => ({
    workflowName: name,
    url,
    startedAt: new Date(1_000),
    endedAt: new Date(2_000),
    domEvents: [
      { timestamp: 1, type: 'click' as const, selector: '#buy', elementContext: 'button' },
    ],
  });

  it('records a session: finds or creates the workflow, links it, bumps it', async () => {
    const { client, clock } = await setup();
    const first = client.recordSession(recording('checkout'));
    expect(first.workflow).toMatchObject({ name: 'checkout', sitePattern: 'shop.example.com' });
    expect(first.session.id).toMatch(/^[0-9a-z]+-[0-9a-z]{8}$/);
    clock.advance(60_000);
    const second = client.recordSession({
      ...recording('checkout'),
      id: 'given-id',
      startedAt: new Date(5_000),
    });
    expect(second.workflow.id).toBe(first.workflow.id);
    expect(second.session.id).toBe('given-id');
    expect(client.getWorkflow(first.workflow.id)!.updatedAt).toEqual(new Date(clock()));
    expect(client.listWorkflowSessions(first.workflow.id).map((s) => s.id)).toEqual([
      'given-id',
      first.session.id,
    ]);
    expect(client.getSession('given-id')!.domEvents[0]!.selector).toBe('#buy');
  });

  it('lists workflows by updated_at across both stored timestamp formats', async () => {
    const { client, handle } = await setup();
    const a = client.recordSession(recording('a')).workflow;
    const b = client.recordSession(recording('b')).workflow;
    // The original wrote ISO text from JS and datetime('now') text from SQLite into one column.
    handle.sqlite
      .prepare('UPDATE workflows SET updated_at = ? WHERE id = ?')
      .run('2026-03-01T10:00:00.000Z', a.id);
    handle.sqlite
      .prepare('UPDATE workflows SET updated_at = ? WHERE id = ?')
      .run('2026-03-01 09:00:00', b.id);
    const listed = client.listWorkflows();
    expect(listed.map((w) => w.name)).toEqual(['a', 'b']);
    expect(listed[0]!.updatedAt).toEqual(new Date('2026-03-01T10:00:00Z'));
    expect(listed[1]!.updatedAt).toEqual(new Date('2026-03-01T09:00:00Z'));
  });

  it('updates a workflow partially, always bumping updated_at', async () => {
    const { client, clock } = await setup();
    const { workflow } = client.recordSession(recording('w'));
    clock.advance(5_000);
    const updated = client.updateWorkflow(workflow.id, { mcpServerStatus: 'running' });
    expect(updated).toMatchObject({
      name: 'w',
      mcpServerStatus: 'running',
      updatedAt: new Date(clock()),
    });
    expect(() => client.updateWorkflow(workflow.id, { mcpServerStatus: 'on' as never })).toThrow(
      /workflows\.mcp_server_status/,
    );
    expect(() => client.updateWorkflow('nope', { name: 'x' })).toThrow(/does not exist/);
  });

  it('updates several columns at once: JSON as text, null clears, the rest untouched', async () => {
    const { client, clock, handle } = await setup();
    const { workflow } = client.recordSession(recording('w'));
    const definition = {
      name: 'checkout',
      description: 'buys the cart',
      confidence: 'high' as const,
      steps: [],
      parameters: [],
      returns: { description: 'nothing', fields: [] },
      auth: { type: 'cookie' as const, credentialFields: [] },
      baseUrl: 'https://shop.example.com',
      recordingCount: 1,
      lastRecorded: '2026-01-15T12:00:00.000Z',
    };
    const stored = () =>
      handle.sqlite.prepare('SELECT * FROM workflows WHERE id = ?').get(workflow.id) as Record<
        string,
        unknown
      >;
    clock.advance(5_000);
    const updated = client.updateWorkflow(workflow.id, {
      name: 'checkout',
      definition,
      mcpServerPath: '/srv/checkout.js',
    });
    expect(updated).toMatchObject({
      name: 'checkout',
      definition,
      sitePattern: 'shop.example.com',
    });
    expect(stored()).toMatchObject({
      name: 'checkout',
      site_pattern: 'shop.example.com',
      definition: JSON.stringify(definition),
      mcp_server_path: '/srv/checkout.js',
      mcp_server_status: 'stopped',
      updated_at: '2026-01-15 12:00:05',
    });
    clock.advance(5_000);
    // Another set of columns: its own statement; null clears a column, the others stay.
    client.updateWorkflow(workflow.id, { definition: null, mcpServerPath: null });
    expect(stored()).toMatchObject({
      name: 'checkout',
      definition: null,
      mcp_server_path: null,
      updated_at: '2026-01-15 12:00:10',
    });
    expect(client.getWorkflow(workflow.id)).toMatchObject({
      definition: null,
      mcpServerPath: null,
    });
  });

  it('deletes a workflow with its sessions and links', async () => {
    const { client, handle } = await setup();
    const { workflow } = client.recordSession(recording('w'));
    client.recordSession(recording('w'));
    client.recordSession(recording('other'));
    expect(client.deleteWorkflow(workflow.id)).toEqual({ workflow: true, sessions: 2 });
    const count = (t: string) => handle.sqlite.prepare(`SELECT count(*) FROM ${t}`).pluck().get();
    expect([count('workflows'), count('sessions'), count('workflow_sessions')]).toEqual([1, 1, 1]);
  });

  it('upserts config and keeps the API key encrypted at rest', async () => {
    const { client, handle } = await setup();
    client.setConfig('theme', 'dark');
    client.setConfig('theme', 'light');
    client.setConfig('anthropic_api_key', 'sk-ant-secret');
    expect(client.getConfig('theme')).toBe('light');
    expect(client.getConfig('anthropic_api_key')).toBe('sk-ant-secret');
    const stored = storedApiKey(handle);
    expect(isSealed(stored)).toBe(true);
    expect(stored).not.toContain('sk-ant-secret');
  });

  it('seals an API key an earlier version stored in plaintext, in one transaction', async () => {
    const { handle } = await setup();
    handle.sqlite
      .prepare(
        "INSERT INTO config (key, value) VALUES ('anthropic_api_key', 'sk-legacy'), ('theme', 'dark')",
      )
      .run();
    // The box records whether each value is sealed inside the transaction that read it.
    const inTransaction: boolean[] = [];
    class WatchedBox extends SecretBox {
      override seal(plaintext: string, context: string): string {
        inTransaction.push(handle.sqlite.inTransaction);
        return super.seal(plaintext, context);
      }
    }
    const client = createMcpmakerClient(handle, { secrets: new WatchedBox(tempSecrets()) });
    expect(client.sealPlaintextSecrets()).toBe(1);
    expect(inTransaction).toEqual([true]);
    const stored = storedApiKey(handle);
    expect(isSealed(stored)).toBe(true);
    expect(stored).not.toContain('sk-legacy');
    expect(client.getConfig('anthropic_api_key')).toBe('sk-legacy');
    expect(client.getConfig('theme')).toBe('dark');
    expect(client.sealPlaintextSecrets()).toBe(0);
  });

  it('appends playback logs and finds a site’s newest insights', async () => {
    const { client } = await setup();
    for (let i = 0; i < 12; i++) {
      client.appendPlaybackLog({
        workflowId: 'w1',
        sitePattern: 'shop.example.com',
        timestamp: new Date(1_000 * i),
        data: { actions: [], totalActions: i, successfulActions: 0 },
        outcome: 'completed',
        insights: i % 2 === 0 || i > 5 ? `insight ${i}` : '',
      });
    }
    expect(client.listPlaybackLogs('w1', 3).map((l) => l.data.totalActions)).toEqual([11, 10, 9]);
    const insights = client.siteInsights('shop.example.com');
    expect(insights).toHaveLength(9);
    expect(insights[0]!.insights).toBe('insight 11');
    expect(() =>
      client.appendPlaybackLog({
        workflowId: 'w',
        timestamp: new Date(),
        data: {},
        outcome: 'meh' as never,
      }),
    ).toThrow(/playback_logs\.outcome/);
  });
});
