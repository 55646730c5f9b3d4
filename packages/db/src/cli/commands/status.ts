import type { Command } from 'commander';
import { databaseStatus, type DatabaseStatus } from '../../adopt/database-status.ts';
import { formatOutsideTables } from '../../adopt/report.ts';
import { CliError } from '../cli-error.ts';
import {
  addDatabaseOptions,
  formatBytes,
  invocationDir,
  selectDatabases,
} from '../databases-option.ts';

type StatusRow =
  DatabaseStatus | { name: string; path: string | undefined; state: 'error'; error: string };

/** `db:status`: per database, its file, sizes, migrations and adoption state. Never writes. */
export function registerStatus(program: Command): void {
  addDatabaseOptions(
    program
      .command('status')
      .description(
        'Show each database: file, size, WAL size, applied and pending migrations, adoption state. Reads only.',
      )
      .option('--json', 'print one JSON array instead of a table'),
    false,
  ).action(async (options: { db?: string; path?: string; json?: boolean }) => {
    const rows: StatusRow[] = [];
    for (const { name, path } of selectDatabases(options)) {
      try {
        rows.push(await databaseStatus(name, { path, cwd: invocationDir() }));
      } catch (error) {
        rows.push({
          name,
          path,
          state: 'error',
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (options.json) console.log(JSON.stringify(rows, null, 2));
    else printTable(rows);
    const errors = rows.filter((row) => row.state === 'error');
    if (errors.length > 0) {
      throw new CliError(`cannot read ${errors.map((row) => row.name).join(', ')}`);
    }
  });
}

/** What each state asks of the user. */
const hints: Record<string, string> = {
  new: 'pnpm db:migrate creates it',
  adoptable: 'pnpm db:migrate adopts it',
  conflict: 'cannot be adopted: pnpm db:migrate prints the report',
  newer: 'written by a newer agentstate',
  edited: 'an applied migration was edited',
};

function printTable(rows: StatusRow[]): void {
  const header = ['DATABASE', 'STATE', 'APPLIED', 'PENDING', 'SIZE', 'WAL', 'FILE'];
  const cells = rows.map((row) =>
    'error' in row
      ? [row.name, 'error', '-', '-', '-', '-', row.path ?? '-']
      : [
          row.name,
          row.state,
          String(row.applied.length),
          String(row.pending.length),
          row.exists ? formatBytes(row.sizeBytes) : '-',
          row.walBytes > 0 ? formatBytes(row.walBytes) : '-',
          row.path,
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) =>
    values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  for (const c of cells) console.log(line(c));

  for (const row of rows) {
    if ('error' in row) {
      console.log(`\n${row.name}: ${row.error}`);
      continue;
    }
    const notes: string[] = [];
    if (row.pending.length > 0) notes.push(`pending: ${row.pending.join(', ')}`);
    if (row.baseline) {
      const conflicts = row.differences.filter((d) => d.includes('(conflict:')).length;
      notes.push(
        `compared with ${row.baseline}: ${row.differences.length - conflicts} closable, ${conflicts} conflicting difference(s)`,
      );
    }
    const hint = hints[row.state];
    if (hint) notes.push(hint);
    const outside = formatOutsideTables(row.outsideSchema);
    if (notes.length > 0 || outside.length > 0) {
      console.log(`\n${row.name}:${notes.length > 0 ? ` ${notes.join('; ')}` : ''}`);
    }
    for (const line of outside) console.log(`  ${line}`);
  }
}
