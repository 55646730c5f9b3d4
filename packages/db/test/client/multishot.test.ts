import { describe, expect, it } from 'vitest';
import { createMultishotClient, SecretBox } from '../../src/index.ts';
import { fakeClock, freshDatabase, storageKinds, tempSecrets } from './helpers.ts';

describe.each(storageKinds)('multishot client (%s)', (kind) => {
  async function setup() {
    const handle = await freshDatabase('multishot', kind);
    const clock = fakeClock();
    const secrets = tempSecrets();
    return { handle, clock, secrets, client: createMultishotClient(handle, { clock, secrets }) };
  }

  it('runs rounds of agents and picks a winner atomically', async () => {
    const { client } = await setup();
    const run = client.createRun('landing page');
    const { round, agents } = client.startRound(run.id, 'build it', ['a', 'b', 'c', 'd']);
    expect(round.roundNumber).toBe(1);
    expect(agents.map((a) => a.agentNumber)).toEqual([1, 2, 3, 4]);
    expect(client.getRun(run.id)!.currentRoundId).toBe(round.id);
    client.setAgentStatus(agents[1]!.id, 'completed', { sandboxId: 'sb' });
    const won = client.selectWinner(round.id, agents[1]!.id, '/runs/x/round-1-winner');
    expect(won).toMatchObject({ status: 'completed', winnerAgentId: agents[1]!.id });
    expect(client.listAgents(round.id)[1]).toMatchObject({ status: 'selected', sandboxId: 'sb' });
    // A changed pick moves the selection: one selected agent per round.
    client.setAgentStatus(agents[2]!.id, 'completed');
    expect(client.selectWinner(round.id, agents[2]!.id).winnerAgentId).toBe(agents[2]!.id);
    expect(client.listAgents(round.id).map((a) => a.status)).toEqual([
      expect.any(String),
      'completed',
      'selected',
      expect.any(String),
    ]);
    expect(client.listAgents(round.id).filter((a) => a.status === 'selected')).toHaveLength(1);
    const other = client.startRound(run.id, 'again', ['x']);
    expect(() => client.selectWinner(other.round.id, agents[0]!.id)).toThrow(/not in round/);
    expect(client.listRounds(run.id).map((r) => r.roundNumber)).toEqual([1, 2]);
    expect(() => client.startRound(run.id, 'too many', ['1', '2', '3', '4', '5'])).toThrow(
      /agents\.agent_number/,
    );
  });

  it('appends and lists output logs', async () => {
    const { client, clock } = await setup();
    const run = client.createRun('r');
    const { agents } = client.startRound(run.id, 'p', ['a']);
    client.appendOutputLog(agents[0]!.id, 'line 1');
    clock.advance(10);
    client.appendOutputLog(agents[0]!.id, 'line 2');
    expect(client.listOutputLogs(agents[0]!.id).map((l) => l.content)).toEqual([
      'line 1',
      'line 2',
    ]);
    expect(() => client.appendOutputLog('nobody', 'x')).toThrow(
      'output_logs.agent_id: no agents row has id "nobody"',
    );
  });

  it('never stores a credential in plaintext; the database alone reveals nothing', async () => {
    const { client, handle, secrets } = await setup();
    client.setCredential('github_token', 'ghp_supersecret');
    expect(client.getCredential('github_token')).toBe('ghp_supersecret');
    const stored = handle.sqlite.prepare('SELECT value FROM credentials').pluck().get() as string;
    expect(stored).not.toContain('supersecret');
    if (kind === 'file') {
      handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      const { readFileSync } = await import('node:fs');
      expect(readFileSync(handle.path).includes('ghp_supersecret')).toBe(false);
    }
    // Another key (another machine) cannot read it; the same key file can.
    const other = createMultishotClient(handle, { secrets: { key: Buffer.alloc(32, 7) } });
    expect(() => other.getCredential('github_token')).toThrow(/cannot decrypt/);
    expect(
      createMultishotClient(handle, { secrets: new SecretBox(secrets) }).getCredential(
        'github_token',
      ),
    ).toBe('ghp_supersecret');
  });
});
