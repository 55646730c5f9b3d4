import { execFile } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { litestreamBinary } from './litestream-binary.ts';
import { writeLitestreamConfig, type LitestreamSettings } from './litestream-config.ts';
import { errorText, parseLogLine } from './litestream-log.ts';

export interface LitestreamRun {
  stdout: string;
  /** Litestream's own error message, when it failed. */
  error: string | undefined;
}

/**
 * Runs one Litestream command (`generations`, `restore`, …) against a configuration generated
 * for `settings`, in a private temporary folder removed afterwards. `args` go before the
 * database path. Never throws for a failed command: `error` holds Litestream's message.
 */
export async function runLitestream(
  command: string,
  args: string[],
  settings: LitestreamSettings & {
    env?: NodeJS.ProcessEnv;
    /** `generations` stats the database: a missing one is stood in for by an empty file. */
    standIn?: boolean;
  },
): Promise<LitestreamRun> {
  const dir = mkdtempSync(join(tmpdir(), 'agentstate-litestream-'));
  try {
    let databasePath = settings.databasePath;
    if (settings.standIn && !existsSync(databasePath)) {
      databasePath = join(dir, 'absent.db');
      closeSync(openSync(databasePath, 'w', 0o600));
    }
    const config = writeLitestreamConfig(dir, { ...settings, databasePath });
    const binary = litestreamBinary(settings.env);
    return await new Promise<LitestreamRun>((resolve) => {
      execFile(
        binary,
        [command, '-config', config, '-no-expand-env', ...args, databasePath],
        { env: settings.env ?? process.env, maxBuffer: 64 * 1024 * 1024 },
        (failure, stdout, stderr) => {
          if (!failure) return resolve({ stdout, error: undefined });
          const lines = `${stdout}\n${stderr}`.split('\n');
          const logged = lines
            .map(parseLogLine)
            .filter((line) => line?.level === 'ERROR')
            .at(-1);
          const plain = lines.filter((line) => line.trim() !== '' && !line.startsWith('{')).at(-1);
          resolve({
            stdout,
            error: logged ? errorText(logged) : (plain ?? failure.message),
          });
        },
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
