import { atFile, describeError, EXIT_FAILURE, reportError } from '@agentstate/cli-kit';
import type { Command } from 'commander';
import {
  databaseStatus,
  libsqlDatabaseStatus,
  type DatabaseStatus,
  formatOutsideTables,
  resolveDatabasePath,
} from '@agentstate/db';
import {
  addDatabaseOptions,
  formatBytes,
  invocationDir,
  selectDatabases,
} from '../databases-option.ts';
import { commandLine } from '../command-line.ts';
import {
  addLibsqlOptions,
  atServer,
  libsqlTarget,
  type LibsqlOptionValues,
} from '../libsql-option.ts';

type StatusRow = DatabaseStatus | { name: string; path: string; state: 'error'; error: string };

/**
 * `db:status`: per database, its file, sizes, migrations and adoption state. Writes nothing, not
 * even a `-wal` or `-shm` beside the file. A database that cannot be read is one error line on
 * stderr; with several databases the others are still shown and its row says `error`.
 */
export function registerStatus(program: Command): void {
  addDatabaseOptions(
    addLibsqlOptions(program.command('status'))
      .description(
        'Show each database: file, size, WAL size, applied and pending migrations, adoption state. Reads only.',
      )
      .option('--json', 'print one JSON array instead of a table'),
    false,
  ).action(async (options: LibsqlOptionValues & { json?: boolean }) => {
    const target = libsqlTarget(options);
    if (target && 'url' in target) {
      const row = await atServer(target.url, () =>
        libsqlDatabaseStatus(target.name, {
          url: target.url,
          ...(target.authToken !== undefined ? { authToken: target.authToken } : {}),
        }),
      );
      if (options.json) console.log(JSON.stringify([row], null, 2));
      else printTable([row]);
      return;
    }
    const selected = selectDatabases(target ? { ...options, path: target.path } : options).map(
      ({ name, path }) => ({
        name,
        file: resolveDatabasePath(name, { path, cwd: invocationDir() }),
      }),
    );
    const statusOf = ({ name, file }: (typeof selected)[number]) =>
      atFile(file, () => databaseStatus(name, { path: file }));
    const [only] = selected;
    if (selected.length === 1 && only) {
      const row = await statusOf(only);
      if (options.json) console.log(JSON.stringify([row], null, 2));
      else printTable([row]);
      return;
    }
    const rows: StatusRow[] = [];
    const errors: unknown[] = [];
    for (const selection of selected) {
      try {
        rows.push(await statusOf(selection));
      } catch (error) {
        errors.push(error);
        const cause = describeError(error).line.replace(/^error: /, '');
        rows.push({ name: selection.name, path: selection.file, state: 'error', error: cause });
      }
    }
    if (options.json) console.log(JSON.stringify(rows, null, 2));
    else printTable(rows);
    for (const error of errors) reportError(error);
    if (errors.length > 0) process.exitCode = EXIT_FAILURE;
  });
}

/** What each state asks of the user. */
const hints = (): Record<string, string> => ({
  new: `${commandLine('migrate')} creates it`,
  adoptable: `${commandLine('migrate')} adopts it`,
  conflict: `cannot be adopted: ${commandLine('migrate')} prints the report`,
  newer: 'written by a newer agentstate',
  edited: 'an applied migration was edited',
});

function printTable(rows: StatusRow[]): void {
  const header = ['DATABASE', 'STATE', 'APPLIED', 'PENDING', 'SIZE', 'WAL', 'FILE'];
  const cells = rows.map((row) =>
    'error' in row
      ? [row.name, 'error', '-', '-', '-', '-', row.path]
      : [
          row.name,
          row.drift.length > 0 ? 'drifted' : row.state,
          String(row.applied.length),
          String(row.pending.length),
          row.exists ? formatBytes(row.sizeBytes) : '-',
          row.walBytes > 0 ? formatBytes(row.walBytes) : '-',
          row.path,
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: string[]) =>
    values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const c of cells) console.log(line(c));

  for (const row of rows) {
    if ('error' in row) continue; // its cause is the error line on stderr
    const notes: string[] = [];
    if (row.pending.length > 0) notes.push(`pending: ${row.pending.join(', ')}`);
    if (row.baseline) {
      const conflicts = row.differences.filter((d) => d.includes('(conflict:')).length;
      notes.push(
        `compared with ${row.baseline}: ${row.differences.length - conflicts} closable, ${conflicts} conflicting difference(s)`,
      );
    }
    const hint = hints()[row.state];
    if (hint) notes.push(hint);
    if (row.drift.length > 0)
      notes.push(
        `schema differs from its applied migrations (${row.drift.length}); pnpm db:migrate refuses it without --accept-drift`,
      );
    const outside = formatOutsideTables(row.outsideSchema);
    if (notes.length > 0 || outside.length > 0 || row.drift.length > 0) {
      console.log(`\n${row.name}:${notes.length > 0 ? ` ${notes.join('; ')}` : ''}`);
    }
    for (const line of row.drift) console.log(`  drift: ${line}`);
    for (const line of outside) console.log(`  ${line}`);
  }
}
