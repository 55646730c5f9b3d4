import { atFile, CliError } from '@agentstate/cli-kit';
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import {
  backupPathFor,
  defaultBackupDir,
  backupDatabase,
  assertCreatable,
  examineDatabaseFile,
} from '@agentstate/db';
import { addDatabaseOptions, formatBytes } from '../databases-option.ts';
import { progressLine } from '../progress-bar.ts';
import { selectedDatabaseFile, userPath } from '../user-input.ts';

export function registerBackupCommand(program: Command): void {
  addDatabaseOptions(
    program
      .command('backup')
      .description(
        'Copy a live database at disk speed (safe while other processes write: the file and its ' +
          'WAL under a read transaction, no write lock), fsync it, then verify it: quick_check ' +
          '(or integrity_check with --full-check), and count its rows.',
      ),
    true,
  )
    .option(
      '--out <file>',
      'backup file (default: backups/<file>.<time>.manual.bak beside the database)',
    )
    .option('--full-check', 'verify with integrity_check (also every index entry; slower)')
    .action(async (options: { db?: string; path?: string; out?: string; fullCheck?: boolean }) => {
      const { path } = selectedDatabaseFile(options);
      // Both ends are checked before anything is read or written.
      if (!examineDatabaseFile(path).exists) {
        throw new CliError(`${path}: does not exist: nothing to back up`);
      }
      const out = options.out
        ? userPath(options.out)
        : backupPathFor(path, defaultBackupDir(path), 'manual');
      if (existsSync(out)) {
        const what = statSync(out).isDirectory()
          ? 'is a directory; --out takes a file'
          : 'already exists; choose another --out';
        throw new CliError(`${out}: ${what}`);
      }
      assertCreatable(out);
      progressLine(`backing up ${path} …`);
      const started = performance.now();
      const report = await atFile(path, () =>
        backupDatabase(path, out, { fullCheck: options.fullCheck }),
      );
      const seconds = (performance.now() - started) / 1000;
      const rows = Object.values(report.counts).reduce((a, b) => a + b, 0);
      console.log(
        `backup ${report.path}: ${formatBytes(report.bytes)}, ${rows.toLocaleString('en-US')} rows in ` +
          `${Object.keys(report.counts).length} tables, ${report.check} ok (${seconds.toFixed(1)} s)`,
      );
    });
}
