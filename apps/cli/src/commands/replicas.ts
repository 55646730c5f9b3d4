import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { replicaHistory } from '@agentstate/db';
import { addDatabaseOptions, formatBytes } from '../databases-option.ts';
import { selectedDatabaseFile, userPath } from '../user-input.ts';
import { REPLICA_HELP, replicaOption } from './replicate.ts';

/** Litestream's lag column: the file's last change minus the replica's (negative: up to date). */
const behind = (lag: string | undefined) =>
  lag === undefined
    ? ''
    : /^-|^0s$/.test(lag)
      ? ', up to date with the file'
      : `, ${lag} behind the file`;

export function registerReplicasCommand(program: Command): void {
  addDatabaseOptions(
    program
      .command('replicas')
      .description(
        "List a database's Litestream replica: its generations (each a continuous history from a " +
          'snapshot), the time range each can restore (db:restore --from-replica … --at <time>), ' +
          'and its snapshots. Reads only.',
      ),
    true,
  )
    .requiredOption('--to <replica>', REPLICA_HELP)
    .option('--sftp-key <file>', 'private key for an sftp:// replica')
    .option('--json', 'print one JSON object')
    .action(
      async (options: {
        db?: string;
        path?: string;
        to: string;
        sftpKey?: string;
        json?: boolean;
      }) => {
        const { name, path } = selectedDatabaseFile(options);
        const target = replicaOption('--to', options.to);
        const history = await replicaHistory({
          databasePath: path,
          target,
          sftpKeyPath: options.sftpKey ? userPath(options.sftpKey) : undefined,
          hasLocalFile: existsSync(path),
        });
        if (options.json) {
          console.log(
            JSON.stringify({ database: name, path, replica: target.display, ...history }, null, 2),
          );
          return;
        }
        console.log(`${target.display}: replica of ${name} ${path}`);
        if (history.generations.length === 0) {
          console.log('  no generation: nothing replicated yet');
          return;
        }
        const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');
        for (const g of history.generations) {
          const snapshots = history.snapshots.filter((s) => s.generation === g.generation);
          const latest = snapshots.at(-1);
          const size = latest ? `, latest ${formatBytes(latest.bytes)}` : '';
          console.log(
            `  generation ${g.generation}: restorable ${iso(g.start)} – ${iso(g.end)}` +
              `${behind(g.lag)}; ${snapshots.length} snapshot(s)${size}`,
          );
        }
        const latest = history.generations.reduce((a, b) => (b.end > a.end ? b : a));
        console.log(
          `latest state: ${iso(latest.end)} (generation ${latest.generation}); times to the second, as Litestream lists them`,
        );
      },
    );
}
