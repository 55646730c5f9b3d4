import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/index.ts';
import { replicaHistory } from '../src/replicate/replica-history.ts';
import { parseReplicaTarget } from '../src/replicate/replica-target.ts';
import { restoreFromReplica } from '../src/replicate/restore-from-replica.ts';
import { startReplication, type Replication } from '../src/replicate/replication.ts';
import { tempDir } from './helpers/fixtures.ts';
import { appendedSeqs, eventually, killGroup, pokecodeWithSession } from './helpers/replication.ts';

const SSHD = process.env.AGENTSTATE_SSHD ?? '/usr/sbin/sshd';
const KEYGEN = '/usr/bin/ssh-keygen';
const available = existsSync(SSHD) && existsSync(KEYGEN);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An sshd of its own on 127.0.0.1 (host key, one authorized client key, sftp only). */
async function startSshd(dir: string) {
  const keygen = (file: string) =>
    spawnSync(KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), {
    mode: 0o600,
  });
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PidFile none',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  // Privilege separation wants this folder when sshd runs as root.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sshd: ChildProcessWithoutNullStreams = spawn(
    SSHD,
    ['-D', '-e', '-f', join(dir, 'sshd_config')],
    { detached: true },
  );
  let log = '';
  sshd.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await eventually(
    () => /Server listening on 127\.0\.0\.1 port/.test(log) || sshd.exitCode !== null,
    'sshd to listen',
  );
  if (sshd.exitCode !== null) throw new Error(`sshd did not start:\n${log}`);
  return { sshd, port, key: join(dir, 'client_key') };
}

describe('an sftp:// replica on loopback (Debian openssh-server)', () => {
  const groups: Array<number | undefined> = [];
  const replications: Replication[] = [];
  afterEach(async () => {
    for (const replication of replications.splice(0)) {
      killGroup(replication.processGroup);
      await replication.stop();
    }
    for (const group of groups.splice(0)) killGroup(group);
  });

  const name = 'replicates to sftp://<user>@127.0.0.1:<port>/<folder> and restores from it';
  (available ? it : it.skip)(
    available
      ? name
      : `${name} (skipped: ${SSHD} is not installed; pnpm -F @agentstate/db install-sshd installs it)`,
    async () => {
      const dir = tempDir();
      const { sshd, port, key } = await startSshd(dir);
      groups.push(sshd.pid);
      const path = await pokecodeWithSession(dir);
      const remote = join(dir, 'remote');
      const to = `sftp://${userInfo().username}@127.0.0.1:${port}${remote}`;
      expect(parseReplicaTarget(to).type).toBe('sftp');

      const replication = await startReplication({ path, to, sftpKeyPath: key });
      replications.push(replication);
      const handle = await openDatabase('pokecode', { path, migrate: false });
      const session = handle.sqlite.prepare('SELECT id FROM sessions').pluck().get() as string;
      const insert = handle.sqlite.prepare(
        "INSERT INTO session_messages (id, session_id, provider, type, content_data, created_at) VALUES (?, ?, 'claude-code', 'assistant', '{}', 0)",
      );
      const lags: number[] = [];
      replication.on('replicated', (event) => event.lagMs !== undefined && lags.push(event.lagMs));
      for (let i = 0; i < 30; i++) {
        insert.run(`append-${i}`, session);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      handle.close();
      await replication.caughtUp();
      expect(lags.length).toBeGreaterThan(0);
      await replication.stop();

      // Litestream wrote its generations through sshd into the folder.
      expect(readdirSync(join(remote, 'generations'))).toHaveLength(1);
      const history = await replicaHistory({
        databasePath: path,
        target: parseReplicaTarget(to),
        sftpKeyPath: key,
        hasLocalFile: true,
      });
      expect(history.generations).toHaveLength(1);
      const restored = join(dir, 'restored.db');
      await restoreFromReplica('pokecode', restored, { from: to, sftpKeyPath: key });
      expect(appendedSeqs(restored)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    },
  );
});
