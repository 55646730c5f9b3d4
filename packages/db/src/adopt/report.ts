import type { Difference } from './compare.ts';
import type { OutsideTable } from './outside-schema.ts';

/** One line per difference: `sessions.url NOT NULL: expected NOT NULL, found nullable (conflict: ...)`. */
export function formatDifference(d: Difference): string {
  const outcome = d.conflict ? `conflict: ${d.conflict}` : `closable: ${d.fix}`;
  return `${d.subject}: expected ${d.expected}, found ${d.found} (${outcome})`;
}

/** The report of a refused adoption: the conflicts first, then what could have been closed. */
export function formatDifferences(differences: readonly Difference[]): string[] {
  const conflicts = differences.filter((d) => d.conflict);
  const closable = differences.filter((d) => !d.conflict);
  return [...conflicts, ...closable].map(formatDifference);
}

/**
 * What adoption does with the tables outside the schema, one line each:
 * `execution_states: table outside the schema (3 rows), kept untouched`, then per renamed index
 * `execution_states index idx_status recreated as execution_states_idx_status (same definition) and
 * dropped: agentstate's schema gives the name to the index on executions`.
 */
export function formatOutsideTables(tables: readonly OutsideTable[]): string[] {
  return tables.flatMap((t) => [
    `${t.name}: table outside the schema (${t.rows} row${t.rows === 1 ? '' : 's'}), kept untouched`,
    ...t.renamedIndexes.map(
      (r) =>
        `${r.table} index ${r.from} recreated as ${r.to} (same definition) and dropped: ` +
        `agentstate's schema gives the name to ${r.neededBy}`,
    ),
  ]);
}

/** A refused adoption: the database's schema or rows conflict with agentstate's schema. */
export class AdoptionConflictError extends Error {
  override name = 'AdoptionConflictError';
  readonly code = 'ADOPTION_CONFLICT';
  constructor(
    readonly databasePath: string,
    /** The migration whose schema the database was compared with. */
    readonly comparedWith: string | undefined,
    readonly differences: readonly Difference[],
  ) {
    const conflicts = differences.filter((d) => d.conflict).length;
    super(
      `${databasePath}: cannot adopt: ${conflicts} difference${conflicts === 1 ? '' : 's'} from ` +
        `agentstate's schema${comparedWith ? ` (as of ${comparedWith})` : ''} cannot be closed ` +
        'without changing or losing data; nothing was changed',
    );
  }

  /** The exact difference report, one line each. */
  get report(): string[] {
    return formatDifferences(this.differences);
  }

  /** What a command prints (on stdout) under its one error line: the report. */
  get details(): string[] {
    return this.report;
  }
}
