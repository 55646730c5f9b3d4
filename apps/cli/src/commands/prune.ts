import { atFile, CliError, optionValue } from '@agentstate/cli-kit';
import type { Command } from 'commander';
import { formatDuration, parseDuration } from '../duration.ts';
import { examineDatabaseFile, pruneDatabase } from '@agentstate/db';
import { definitionOf } from '@agentstate/schema';
import { addDatabaseOptions, formatBytes } from '../databases-option.ts';
import { progressLine } from '../progress-bar.ts';
import { selectedDatabaseFile } from '../user-input.ts';

const duration = optionValue(parseDuration);

export function registerPruneCommand(program: Command): void {
  addDatabaseOptions(
    program
      .command('prune')
      .description(
        'Apply the original tools’ retention rules (pokecode: finished jobs after 30d; dipeo: ' +
          'executions with their transitions and messages after 7d; engine: notifications and ' +
          'finished workers after 30d), backing up first, then checkpoint the WAL.',
      ),
    true,
  )
    .option('--older-than <duration>', 'override the rule’s age, e.g. 30d, 12h, 90m', duration)
    .option('--dry-run', 'report what would be removed; change nothing')
    .option('--vacuum', 'VACUUM afterwards to shrink the file')
    .action(
      async (options: {
        db?: string;
        path?: string;
        olderThan?: number;
        dryRun?: boolean;
        vacuum?: boolean;
      }) => {
        const { name, path } = selectedDatabaseFile(options);
        if (!examineDatabaseFile(path).exists) {
          throw new CliError(`${path}: does not exist: nothing to prune`);
        }
        const report = await atFile(path, () =>
          pruneDatabase(name, path, {
            olderThanMs: options.olderThan,
            dryRun: options.dryRun,
            vacuum: options.vacuum,
            log: (line) => progressLine(`${line} …`),
          }),
        );
        if (report.noRule) console.log(`${report.noRule}; nothing pruned`);
        else {
          const retention = definitionOf(name).retention;
          const defaultAge = 'none' in retention ? 0 : retention.defaultOlderThanMs;
          const age = formatDuration(options.olderThan ?? defaultAge);
          console.log(
            `${report.dryRun ? 'would prune' : 'pruned'} ${path}: older than ${age}${report.cutoff ? ` (before ${report.cutoff.toISOString()})` : ''}`,
          );
          for (const step of report.steps) {
            const verb =
              step.action === 'delete'
                ? report.dryRun
                  ? 'would delete'
                  : 'deleted'
                : report.dryRun
                  ? 'would update'
                  : 'updated';
            console.log(
              `  ${step.table}: ${verb} ${step.rows.toLocaleString('en-US')} (${step.what})`,
            );
          }
          if (report.backupPath) console.log(`backup before pruning: ${report.backupPath}`);
        }
        if (!report.dryRun) {
          const checkpoint = report.checkpoint;
          const wal = !checkpoint?.complete
            ? 'WAL checkpointed as far as its readers allow (a replicator folds the rest)'
            : checkpoint.truncated
              ? 'WAL checkpointed and truncated'
              : 'WAL checkpointed (a reader holds it open, so it is reused, not truncated)';
          console.log(
            `${wal}${report.vacuumed ? ', vacuumed' : ''}: ${formatBytes(report.bytesBefore)} → ${formatBytes(report.bytesAfter)}`,
          );
        }
      },
    );
}
