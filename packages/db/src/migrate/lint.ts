import type { LiveSchema, TableSchema } from '../adopt/live-schema.ts';
import { targetSteps } from '../adopt/target-schema.ts';
import { withoutDataWork } from './apply-step.ts';
import type { Migration } from './load-migrations.ts';
import { STATEMENT_BREAKPOINT } from './statements.ts';

/**
 * The hazards a migration step can carry, each a way to lose rows or to fail on data that exists
 * (the lint Atlas sells, for drizzle-kit's SQLite output and hand-written steps).
 */
export const LINT_RULES = {
  'rebuild-referenced-table':
    'a table rebuild drops a table other tables reference: with foreign keys on (any migrator but ' +
    "agentstate's, drizzle-orm issue 5782) ON DELETE CASCADE deletes the children's rows",
  'drop-table': 'DROP TABLE deletes every row of the table',
  'drop-column': "DROP COLUMN deletes the column's values in every row",
  'not-null-without-default':
    'a NOT NULL column without a DEFAULT on an existing table: rows that have no value fail the step',
  'unique-index-on-existing-data':
    'a UNIQUE index over a table that already has rows: duplicates there fail the step',
  'rename-as-drop-add':
    'the step drops one column (or table) and adds another like it: if it is a rename, the values ' +
    'are lost (drizzle-kit writes drop + add when a rename is not confirmed)',
  'lossy-copy':
    'a data copy that can leave rows behind (INSERT OR IGNORE/REPLACE, a WHERE or an inner JOIN, ' +
    'or a rebuild that does not copy every column)',
} as const;

export type LintRule = keyof typeof LINT_RULES;

export interface LintFinding {
  /** The migration step. */
  tag: string;
  rule: LintRule;
  /** 1-based position of the statement among the step's `--> statement-breakpoint` parts. */
  statement: number;
  /** The statement's first line, as written. */
  sql: string;
  /** What can go wrong, for this statement. */
  risk: string;
  /** The reason given where the finding is acknowledged; undefined when it is not. */
  acknowledged?: string;
}

/** `-- agentstate:acknowledge <rule>: <reason>` */
const ACKNOWLEDGE = /^\s*--\s*agentstate:acknowledge\s+([a-z-]+)\s*:\s*(.*?)\s*$/;

/** Group `n` of a match of one of this module's patterns, which fill every group they match. */
function group(match: RegExpExecArray, n: number): string {
  const value = match[n];
  if (value === undefined)
    throw new Error(`migration lint: no group ${n} in the match of ${match[0]}`);
  return value;
}

export interface Acknowledgement {
  rule: string;
  reason: string;
  /** The statement it sits in (1-based); undefined for a `<tag>.acknowledge` line (the whole step). */
  statement?: number;
  line: string;
}

/** The acknowledgements of a step: comments inside its statements, and its `<tag>.acknowledge`. */
export function readAcknowledgements(
  migration: Pick<Migration, 'sql' | 'acknowledge'>,
): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  splitStatements(migration.sql).forEach((text, i) => {
    for (const line of text.split('\n')) {
      const match = ACKNOWLEDGE.exec(line);
      if (match)
        found.push({ rule: group(match, 1), reason: group(match, 2), statement: i + 1, line });
    }
  });
  for (const line of (migration.acknowledge ?? '').split('\n')) {
    const match = ACKNOWLEDGE.exec(line);
    if (match) found.push({ rule: group(match, 1), reason: group(match, 2), line });
  }
  return found;
}

/** Problems with the acknowledgements themselves: an unknown rule, a missing reason. */
export function acknowledgementProblems(migration: Migration): string[] {
  return readAcknowledgements(migration).flatMap((a) => {
    if (!(a.rule in LINT_RULES))
      return [
        `${migration.tag}: acknowledgement of unknown rule ${JSON.stringify(a.rule)} (rules: ${Object.keys(LINT_RULES).join(', ')})`,
      ];
    if (a.reason === '') return [`${migration.tag}: acknowledgement of ${a.rule} gives no reason`];
    return [];
  });
}

function splitStatements(sql: string): string[] {
  return sql.split(STATEMENT_BREAKPOINT).filter((s) => s.trim() !== '');
}

/** Comments and string literals blanked (same length), so patterns match only SQL. */
function code(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) =>
    m.startsWith("'") ? `'${' '.repeat(m.length - 2)}'` : ' '.repeat(m.length),
  );
}

const ID = String.raw`[\`"\[]?([A-Za-z_][\w$]*)[\`"\]]?`;
const re = (source: string) => new RegExp(source, 'i');
const CREATE_TABLE = re(String.raw`^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${ID}\s*\(`);
const DROP_TABLE = re(String.raw`^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?${ID}`);
const RENAME_TABLE = re(String.raw`^\s*ALTER\s+TABLE\s+${ID}\s+RENAME\s+TO\s+${ID}`);
const DROP_COLUMN = re(String.raw`^\s*ALTER\s+TABLE\s+${ID}\s+DROP\s+(?:COLUMN\s+)?${ID}`);
const ADD_COLUMN = re(
  String.raw`^\s*ALTER\s+TABLE\s+${ID}\s+ADD\s+(?:COLUMN\s+)?${ID}\s*([\s\S]*)$`,
);
const UNIQUE_INDEX = re(
  String.raw`^\s*CREATE\s+UNIQUE\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?${ID}\s+ON\s+${ID}`,
);
const INSERT_SELECT = re(
  String.raw`^\s*INSERT\s+(?:OR\s+(IGNORE|REPLACE)\s+)?INTO\s+${ID}\s*(?:\(([^)]*)\))?\s*SELECT\b([\s\S]*)$`,
);

/** The columns a CREATE TABLE statement declares, with whether each is NOT NULL without DEFAULT. */
function declaredColumns(
  statement: string,
): Array<{ name: string; type: string; strictNotNull: boolean }> {
  const open = statement.indexOf('(');
  const close = statement.lastIndexOf(')');
  if (open < 0 || close < open) return [];
  const body = statement.slice(open + 1, close);
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '(') depth++;
    else if (body[i] === ')') depth--;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts
    .map((part) => part.trim())
    .filter((part) => !/^(PRIMARY|FOREIGN|UNIQUE|CHECK|CONSTRAINT)\b/i.test(part))
    .map((part) => {
      const match = re(String.raw`^${ID}\s*(\w*)`).exec(part);
      return {
        name: match?.[1] ?? part,
        type: (match?.[2] ?? '').toLowerCase(),
        strictNotNull: /\bNOT\s+NULL\b/i.test(part) && !/\bDEFAULT\b/i.test(part),
      };
    });
}

const firstLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('--')) ?? text.trim();

const REBUILD_PREFIX = '__new_';

/**
 * The findings of one step, given the schema the database has before it. Acknowledgements are
 * matched: a finding is acknowledged by a line for its rule in its own statement or in the step's
 * `<tag>.acknowledge`.
 */
export function lintMigration(
  migration: Pick<Migration, 'tag' | 'sql' | 'acknowledge'>,
  before: LiveSchema,
): LintFinding[] {
  const statements = splitStatements(migration.sql);
  const texts = statements.map(code);
  const findings: LintFinding[] = [];
  const add = (index: number, rule: LintRule, detail: string) =>
    findings.push({
      tag: migration.tag,
      rule,
      statement: index + 1,
      sql: firstLine(statements[index] ?? ''),
      risk: `${detail}: ${LINT_RULES[rule]}`,
    });

  // What the step creates and rebuilds, to tell a rebuild's DROP from a real one.
  const created = new Map<string, number>();
  const rebuilt = new Set<string>();
  texts.forEach((text, i) => {
    const create = CREATE_TABLE.exec(text);
    if (create) created.set(group(create, 1), i);
    const rename = RENAME_TABLE.exec(text);
    if (rename && group(rename, 1).startsWith(REBUILD_PREFIX)) rebuilt.add(group(rename, 2));
  });
  const existed = (table: string) => before.tables.has(table);
  const referencedBy = (table: string) =>
    [...before.tables.values()]
      .filter((t) => t.name !== table && t.foreignKeys.some((fk) => fk.table === table))
      .map((t) => t.name);

  const droppedColumns = new Map<string, Array<{ column: string; type: string }>>();
  const droppedTables: Array<{ table: string; columns: string[] }> = [];
  texts.forEach((text, i) => {
    const drop = DROP_TABLE.exec(text);
    if (drop) {
      const table = group(drop, 1);
      if (rebuilt.has(table)) {
        const children = referencedBy(table);
        if (children.length > 0)
          add(
            i,
            'rebuild-referenced-table',
            `${table} is rebuilt; ${children.join(', ')} reference it`,
          );
      } else {
        const existing = before.tables.get(table);
        if (existing && !table.startsWith(REBUILD_PREFIX)) {
          add(i, 'drop-table', `drops ${table}`);
          droppedTables.push({ table, columns: columnNames(existing) });
        }
      }
    }
    const dropColumn = DROP_COLUMN.exec(text);
    if (dropColumn) {
      const [, table, column] = dropColumn as unknown as [string, string, string];
      add(i, 'drop-column', `drops ${table}.${column}`);
      const type = before.tables.get(table)?.columns.find((c) => c.name === column)?.type ?? '';
      droppedColumns.set(table, [...(droppedColumns.get(table) ?? []), { column, type }]);
    }
  });

  texts.forEach((text, i) => {
    const addColumn = ADD_COLUMN.exec(text);
    if (addColumn) {
      const [, table, column, rest] = addColumn as unknown as [string, string, string, string];
      if (/\bNOT\s+NULL\b/i.test(rest) && !/\bDEFAULT\b/i.test(rest))
        add(i, 'not-null-without-default', `adds ${table}.${column} NOT NULL without a DEFAULT`);
      const type = (/^\s*(\w*)/.exec(rest)?.[1] ?? '').toLowerCase();
      const like = droppedColumns.get(table)?.find((d) => d.type === type);
      if (like)
        add(
          i,
          'rename-as-drop-add',
          `drops ${table}.${like.column} and adds ${table}.${column} (${type || 'no type'})`,
        );
    }

    const create = CREATE_TABLE.exec(text);
    if (create) {
      const name = group(create, 1);
      const columns = declaredColumns(text);
      if (name.startsWith(REBUILD_PREFIX)) {
        // A rebuild: a column NOT NULL without DEFAULT that was nullable, or new, meets old rows.
        const old = before.tables.get(name.slice(REBUILD_PREFIX.length));
        for (const column of columns) {
          const was = old?.columns.find((c) => c.name === column.name);
          if (old && column.strictNotNull && (!was || !was.notNull))
            add(
              i,
              'not-null-without-default',
              `rebuilds ${old.name} with ${column.name} NOT NULL without a DEFAULT`,
            );
        }
      } else if (!existed(name)) {
        const names = columns
          .map((c) => c.name)
          .sort()
          .join();
        const like = droppedTables.find((d) => [...d.columns].sort().join() === names);
        if (like)
          add(i, 'rename-as-drop-add', `drops ${like.table} and creates ${name} with its columns`);
      }
    }

    const unique = UNIQUE_INDEX.exec(text);
    if (unique) {
      const table = group(unique, 2);
      if (existed(table) && !rebuilt.has(table))
        add(i, 'unique-index-on-existing-data', `${unique[1]} is UNIQUE over ${table}'s rows`);
    }

    const insert = INSERT_SELECT.exec(text);
    if (insert) {
      const [, conflict, target, columnList, select] = insert as unknown as [
        string,
        string | undefined,
        string,
        string | undefined,
        string,
      ];
      const reasons: string[] = [];
      if (conflict) reasons.push(`INSERT OR ${conflict.toUpperCase()} skips conflicting rows`);
      if (/\bWHERE\b/i.test(select)) reasons.push('a WHERE filters the rows copied');
      if (/\bJOIN\b/i.test(select) && !/\bLEFT\s+(?:OUTER\s+)?JOIN\b/i.test(select))
        reasons.push('an inner JOIN drops rows without a match');
      if (target.startsWith(REBUILD_PREFIX) && columnList !== undefined) {
        const old = before.tables.get(target.slice(REBUILD_PREFIX.length));
        const copied = new Set(
          columnList.split(',').map((c) => c.trim().replace(/^[`"[]|[`"\]]$/g, '')),
        );
        const left = old ? columnNames(old).filter((c) => !copied.has(c)) : [];
        if (old && left.length > 0)
          reasons.push(`the rebuild of ${old.name} does not copy ${left.join(', ')}`);
      }
      if (reasons.length > 0) add(i, 'lossy-copy', `copies into ${target}: ${reasons.join('; ')}`);
    }
  });

  const acknowledgements = readAcknowledgements(migration);
  for (const finding of findings) {
    const ack = acknowledgements.find(
      (a) =>
        a.rule === finding.rule &&
        a.reason !== '' &&
        (a.statement === undefined || a.statement === finding.statement),
    );
    if (ack) finding.acknowledged = ack.reason;
  }
  return findings.sort((a, b) => a.statement - b.statement || a.rule.localeCompare(b.rule));
}

function columnNames(table: TableSchema): string[] {
  return table.columns.filter((c) => c.hidden === 0).map((c) => c.name);
}

const EMPTY_SCHEMA: LiveSchema = { tables: new Map(), otherObjects: [] };

/**
 * Lints every step of a history (or only `only`), each against the schema the steps before it
 * produce (built by the real migrator in memory, see targetSteps).
 */
export async function lintMigrations(
  migrations: readonly Migration[],
  only?: readonly string[],
): Promise<LintFinding[]> {
  const steps = await targetSteps(withoutDataWork(migrations));
  return migrations.flatMap((migration, i) =>
    only && !only.includes(migration.tag)
      ? []
      : lintMigration(migration, steps[i - 1]?.schema ?? EMPTY_SCHEMA),
  );
}

/** One line per finding: `<tag> statement <n> (<rule>): <sql>: <risk>`, and how it was acknowledged. */
export function formatFinding(finding: LintFinding): string {
  const head = `${finding.tag} statement ${finding.statement} (${finding.rule}): ${finding.sql}`;
  return finding.acknowledged !== undefined
    ? `${head}: acknowledged: ${finding.acknowledged}`
    : `${head}: ${finding.risk}; acknowledge it with \`-- agentstate:acknowledge ${finding.rule}: <reason>\` in the statement (or in ${finding.tag}.acknowledge, for a step already applied somewhere) if deliberate`;
}
