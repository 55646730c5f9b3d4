import type { Command } from 'commander';
import {
  restoreDatabase,
  type PassedOverState,
  type RestoreReport,
  withReplicationPaused,
  restoreFromReplica,
} from '@agentstate/db';
import { UsageError } from '@agentstate/cli-kit';
import { addDatabaseOptions } from '../databases-option.ts';
import { progressLine } from '../progress-bar.ts';
import { selectedDatabaseFile, userPath } from '../user-input.ts';
import { REPLICA_HELP, replicaOption } from './replicate.ts';
import { commandLine } from '../command-line.ts';

/** `--at`: an ISO 8601 time with its zone, e.g. 2026-05-01T09:30:00Z. */
function pointInTime(value: string): Date {
  const time = new Date(value);
  if (
    !/T\d\d:\d\d/.test(value) ||
    !/(Z|[+-]\d\d:?\d\d)$/i.test(value) ||
    Number.isNaN(time.getTime())
  ) {
    throw new UsageError(
      `--at: ${JSON.stringify(value)} is not a time with a zone (use ISO 8601, e.g. 2026-05-01T09:30:00Z)`,
    );
  }
  return time;
}

export function registerRestoreCommand(program: Command): void {
  addDatabaseOptions(
    program
      .command('restore')
      .description(
        'Replace a database file with a verified backup of that database (its migration history ' +
          'and tables). Refuses anything else, changing nothing: an empty, corrupt or non-SQLite file, ' +
          "another database's backup, a file an original tool made (db:migrate --path adopts those), " +
          'a backup from a newer schema, the database file itself. Keeps the current file aside as ' +
          '<file>.before-restore-<time>. ' +
          'With --from-replica, the backup is the Litestream replica at --at (default: its latest ' +
          'state). A running db:replicate of the file pauses meanwhile.',
      ),
    true,
  )
    .option('--from <backup>', 'the backup file to restore')
    .option('--from-replica <replica>', `restore from a Litestream replica: ${REPLICA_HELP}`)
    .option('--at <time>', 'with --from-replica: the point in time to restore (ISO 8601 with zone)')
    .option('--sftp-key <file>', 'private key for an sftp:// replica')
    .action(
      async (options: {
        db?: string;
        path?: string;
        from?: string;
        fromReplica?: string;
        at?: string;
        sftpKey?: string;
      }) => {
        const { name, path } = selectedDatabaseFile(options);
        if ((options.from === undefined) === (options.fromReplica === undefined)) {
          throw new UsageError('give exactly one of --from <backup> and --from-replica <replica>');
        }
        if (options.at !== undefined && options.fromReplica === undefined) {
          throw new UsageError('--at needs --from-replica: a backup file holds one moment');
        }
        let report: RestoreReport;
        let from: string;
        let passedOver: PassedOverState[] = [];
        if (options.fromReplica !== undefined) {
          const target = replicaOption('--from-replica', options.fromReplica);
          const at = options.at === undefined ? undefined : pointInTime(options.at);
          from = `${target.display}${at ? ` as of ${at.toISOString()}` : ''}`;
          const replicaReport = await restoreFromReplica(name, path, {
            from: target,
            at,
            sftpKeyPath: options.sftpKey ? userPath(options.sftpKey) : undefined,
            log: (line) => console.error(`${line} …`),
          });
          report = replicaReport;
          passedOver = replicaReport.passedOver;
        } else {
          from = userPath(options.from ?? '');
          progressLine(`verifying ${from} …`);
          report = await withReplicationPaused(path, () => restoreDatabase(name, path, from), {
            log: (line) => console.error(`${line} …`),
          });
        }
        const rows = Object.values(report.counts).reduce((a, b) => a + b, 0);
        console.log(
          `restored ${report.path} from ${from}: ${rows.toLocaleString('en-US')} rows, integrity ok`,
        );
        // An older state than the replica's newest: the one line a script reading stdout needs.
        for (const passed of passedOver) {
          console.log(`passed over the newer generation ${passed.generation}: it ${passed.reason}`);
        }
        if (report.asidePath) console.log(`the previous file is kept at ${report.asidePath}`);
        if (report.pendingMigrations.length > 0) {
          console.log(
            `the backup predates ${report.pendingMigrations.length} migration(s); the next open (or ${commandLine('migrate')}) applies them`,
          );
        }
      },
    );
}
