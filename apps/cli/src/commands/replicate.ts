import { CliError, launcherChain, UsageError, watchLauncher } from '@agentstate/cli-kit';
import { type Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { parseDuration } from '../duration.ts';
import {
  DEFAULT_MONITOR_INTERVAL_MS,
  formatPosition,
  parseReplicaTarget,
  ReplicaTargetError,
  startReplication,
  type Replication,
} from '@agentstate/db';
import { addDatabaseOptions, formatBytes, invocationDir } from '../databases-option.ts';
import { selectedDatabaseFile, userPath } from '../user-input.ts';
import { commandLine } from '../command-line.ts';

export function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** The `--to`/`--from-replica` value, or one clear error naming the option. */
export function replicaOption(option: string, value: string) {
  try {
    return parseReplicaTarget(value, invocationDir());
  } catch (error) {
    if (error instanceof ReplicaTargetError) throw new UsageError(`${option}: ${error.message}`);
    throw error;
  }
}

export const REPLICA_HELP =
  'a folder, s3://<bucket>/<path>, sftp://<user>[:<password>]@<host>[:<port>]/<path>, gcs:// or abs:// (S3 credentials from LITESTREAM_ACCESS_KEY_ID/LITESTREAM_SECRET_ACCESS_KEY or AWS_*)';

const ms = (value: number) => `${Math.round(value)} ms`;

/** Of a non-empty sorted list. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

export function registerReplicateCommand(program: Command): void {
  addDatabaseOptions(
    program
      .command('replicate')
      .description(
        'Replicate a database continuously with Litestream (the binary from @flydotio/litestream): ' +
          'every commit is shipped to the replica within about the monitor interval. Prints what ' +
          'it replicates and its lag; Ctrl-C or SIGTERM stops it cleanly.',
      ),
    true,
  )
    .requiredOption('--to <replica>', REPLICA_HELP)
    .option(
      '--monitor-interval <duration>',
      `how often Litestream looks for new commits and ships them (default ${DEFAULT_MONITOR_INTERVAL_MS}ms)`,
      duration,
    )
    .option('--sftp-key <file>', 'private key for an sftp:// replica')
    .option(
      '--retention <duration>',
      'how long the replica keeps history, the point-in-time window (default 24h, Litestream’s)',
      duration,
    )
    .option('--report-every <duration>', 'how often to print the lag (default 10s)', duration)
    .action(
      async (options: {
        db?: string;
        path?: string;
        to: string;
        monitorInterval?: number;
        sftpKey?: string;
        retention?: number;
        reportEvery?: number;
      }) => {
        const { name, path } = selectedDatabaseFile(options);
        const target = replicaOption('--to', options.to);
        if (!existsSync(path)) {
          throw new CliError(
            `${path}: does not exist: nothing to replicate (${commandLine('migrate')} --db ${name} creates it)`,
          );
        }
        const sftpKeyPath = options.sftpKey ? userPath(options.sftpKey) : undefined;
        if (sftpKeyPath && !existsSync(sftpKeyPath)) {
          throw new CliError(`--sftp-key: ${sftpKeyPath} does not exist`);
        }
        const interval = options.monitorInterval ?? DEFAULT_MONITOR_INTERVAL_MS;
        const replication = await startReplication({
          path,
          to: target,
          monitorIntervalMs: interval,
          sftpKeyPath,
          retentionMs: options.retention,
        });
        await runUntilStopped(replication, options.reportEvery ?? 10_000, () =>
          console.log(
            `replicating ${name} ${path} → ${target.display} (Litestream, process group ${replication.processGroup}, every ${ms(interval)}); Ctrl-C stops`,
          ),
        );
      },
    );
}

/**
 * Prints the replication's events and a lag line every `reportEveryMs`, until a signal stops it.
 * `announce` runs once the signal handlers are in place: whoever reads that line may signal at once.
 */
async function runUntilStopped(
  replication: Replication,
  reportEveryMs: number,
  announce: () => void,
): Promise<void> {
  let lags: number[] = [];
  let bytes = 0;
  let segments = 0;
  let end = '';
  replication.on('generation', ({ generation, reason }) =>
    console.log(`new generation ${generation} (${reason}): a snapshot starts the replica over`),
  );
  replication.on('snapshot', (event) => {
    end = formatPosition(event.position);
    console.log(`snapshot written up to ${end} (${formatBytes(event.bytes)} compressed)`);
  });
  replication.on('replicated', (event) => {
    end = formatPosition(event.position);
    segments++;
    bytes += event.bytes;
    if (event.lagMs !== undefined) lags.push(event.lagMs);
  });
  replication.on('error', (error) => console.error(`litestream: ${error.message}`));
  replication.on('paused', ({ requester }) =>
    console.log(`paused: process ${requester} is restoring the database`),
  );
  replication.on('resumed', () => console.log('resumed on the restored file'));
  replication.on('started', ({ pid }) => console.log(`Litestream running again (pid ${pid})`));

  const report = setInterval(() => {
    // Paused for a restore, nothing ships and the lag means nothing: the `paused` line says so.
    if (replication.state === 'paused') return;
    const sorted = [...lags].sort((a, b) => a - b);
    const max = sorted.at(-1);
    const spread =
      max !== undefined
        ? `commit → replica p50 ${ms(percentile(sorted, 0.5))}, max ${ms(max)}; `
        : '';
    console.log(
      `${segments} segment(s), ${formatBytes(bytes)} shipped in the last ${Math.round(reportEveryMs / 1000)} s; ${spread}lag now ${ms(replication.lagMs)}${end ? `; replica at ${end}` : ''}`,
    );
    lags = [];
    bytes = 0;
    segments = 0;
  }, reportEveryMs);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (why: string) => {
      if (stopping) return;
      stopping = true;
      clearInterval(report);
      console.error(`${why}: stopping Litestream …`);
      void replication.stop().then(() => {
        console.log(
          `stopped${end ? `: the replica ends at ${end}` : ''}; lag was ${ms(replication.lagMs)}`,
        );
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGHUP', () => stop('SIGHUP'));
    watchLauncher(
      (launcher) => stop(`launcher pid ${launcher.pid} (${launcher.name}) exited`),
      launcherChain(),
    );
    announce();
  });
}
