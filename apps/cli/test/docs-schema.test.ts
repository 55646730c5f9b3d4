import { databaseNames, type DatabaseName } from '@agentstate/schema';
import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { staleSchemaDocs } from '../src/docs/docs-files.ts';
import { renderDatabaseDocs } from '../src/docs/render-docs.ts';
import { databaseTables } from '@agentstate/schema/introspect';

/** The erDiagram block of a document. */
function erDiagram(doc: string): string {
  const match = /```mermaid\n(erDiagram\n[\s\S]*?)\n```/.exec(doc);
  if (!match) throw new Error('no mermaid erDiagram block');
  return match[1]!;
}

const CARDINALITY = String.raw`(\|\||\|o|o\||\}o|o\{|\}\|)(--|\.\.)(\|\||\|o|o\||\}o|o\{|\}\|)`;

/**
 * Checks the erDiagram against Mermaid's ER grammar as this generator uses it: entity blocks of
 * `type name [PK|FK|UK, ...]` lines, and `A <card><line><card> B : "label"` relationships between
 * declared entities. Returns the problems and the parsed relationships.
 */
function parseErDiagram(text: string) {
  const problems: string[] = [];
  const entities = new Map<string, string[]>();
  const relationships: Array<{ parent: string; card: string; child: string; label: string }> = [];
  const lines = text.split('\n');
  if (lines[0] !== 'erDiagram') problems.push('first line is not erDiagram');
  let current: string[] | undefined;
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if (current) {
      if (line === '  }') current = undefined;
      else if (
        (m = /^ {4}([A-Za-z][\w]*) ([A-Za-z_][\w]*)( (PK|FK|UK)(, (PK|FK|UK))*)?$/.exec(line))
      )
        current.push(m[2]!);
      else problems.push(`bad attribute line: ${line}`);
    } else if ((m = /^ {2}([A-Za-z_][\w]*) \{$/.exec(line))) {
      current = [];
      entities.set(m[1]!, current);
    } else if (
      (m = new RegExp(`^ {2}([A-Za-z_]\\w*) (${CARDINALITY}) ([A-Za-z_]\\w*) : "([^"]*)"$`).exec(
        line,
      ))
    ) {
      relationships.push({ parent: m[1]!, card: m[2]!, child: m[6]!, label: m[7]! });
    } else problems.push(`bad line: ${line}`);
  }
  if (current) problems.push('unclosed entity block');
  for (const r of relationships) {
    if (!entities.has(r.parent)) problems.push(`relationship from undeclared ${r.parent}`);
    if (!entities.has(r.child)) problems.push(`relationship to undeclared ${r.child}`);
  }
  return { problems, entities, relationships };
}

describe.each(databaseNames)('schema docs of %s', (name: DatabaseName) => {
  const doc = renderDatabaseDocs(name);

  it('carry the do-not-edit banner and every table and column of the schema', () => {
    expect(doc.split('\n')[0]).toMatch(/^<!-- DO NOT EDIT/);
    for (const { name: table, table: definition } of databaseTables(name)) {
      expect(doc).toContain(`### \`${table}\``);
      const section = doc.slice(doc.indexOf(`### \`${table}\``)).split('\n### ')[0]!;
      for (const column of Object.values(getTableColumns(definition))) {
        expect(section, `${table}.${column.name}`).toContain(`| \`${column.name}\` |`);
      }
    }
  });

  it('have a valid erDiagram with every table and column', () => {
    const { problems, entities } = parseErDiagram(erDiagram(doc));
    expect(problems).toEqual([]);
    for (const { name: table, table: definition } of databaseTables(name)) {
      expect(entities.get(table)).toEqual(
        Object.values(getTableColumns(definition)).map((c) => c.name),
      );
    }
  });

  it('are deterministic', () => {
    expect(renderDatabaseDocs(name)).toBe(doc);
  });
});

describe('erDiagram relationships', () => {
  const relationshipsOf = (name: DatabaseName) =>
    parseErDiagram(erDiagram(renderDatabaseDocs(name))).relationships.map(
      (r) => `${r.parent} ${r.card} ${r.child} : ${r.label}`,
    );

  it('draw required, nullable and unenforced references with the right cardinality', () => {
    expect(relationshipsOf('mcpmaker')).toEqual(
      expect.arrayContaining([
        'workflows |o--o{ sessions : workflow_id',
        'workflows ||--o{ workflow_sessions : workflow_id, on delete cascade',
        'workflows |o..o{ playback_logs : workflow_id (no FK constraint)',
      ]),
    );
    expect(relationshipsOf('pokecode')).toEqual(
      expect.arrayContaining([
        'sessions ||--o{ session_messages : session_id, on delete cascade',
        'sessions |o..o{ job_queue : session_id (no FK constraint)',
      ]),
    );
    expect(relationshipsOf('multishot')).toEqual(
      expect.arrayContaining([
        'runs ||--o{ rounds : run_id',
        'rounds |o--o{ runs : current_round_id',
      ]),
    );
  });

  it('draw dipeo executions as parents of transitions and messages, never of themselves', () => {
    const dipeo = relationshipsOf('dipeo');
    expect(dipeo).toEqual([
      'executions |o..o{ messages : execution_id (no FK constraint)',
      'executions |o..o{ transitions : execution_id (no FK constraint)',
    ]);
    for (const name of databaseNames) {
      for (const r of parseErDiagram(erDiagram(renderDatabaseDocs(name))).relationships) {
        expect(r.parent, `${name}: self-reference`).not.toBe(r.child);
      }
    }
  });
});

describe('schema doc contents', () => {
  it('list enum values, defaults, foreign key actions and partial and descending indexes', () => {
    const engine = renderDatabaseDocs('engine');
    expect(engine).toContain('`pending`, `running`, `complete`, `failed`, `cancelled`');
    expect(engine).toMatch(/\(`session_id`\) → `sessions` \(`id`\) ON DELETE SET NULL/);
    expect(engine).toContain('WHERE `"acknowledged_at" IS NULL`');
    expect(engine).toContain('`"created_at" desc`');
    const dipeo = renderDatabaseDocs('dipeo');
    expect(dipeo).toContain("`(datetime('now'))`");
    // DiPeO's start is local wall time (ADR 5); engine's is ISO text with its zone.
    expect(dipeo).toContain(
      '| `started_at` | text | Date (local ISO 8601 text, no zone) | NOT NULL |',
    );
    expect(engine).toContain('| `started_at` | text | Date (ISO 8601 text) | NOT NULL |');
  });

  it('render JSON shapes from the zod schemas, the recursive workflow step once', () => {
    const mcpmaker = renderDatabaseDocs('mcpmaker');
    expect(mcpmaker).toContain('JSON shape of `workflows.definition`');
    expect(mcpmaker).toContain('popupActions?: Array<definition.steps[number]>;');
    expect(mcpmaker).toContain(
      'type: "click" | "input" | "change" | "submit" | "navigate" | "keydown";',
    );
    expect(renderDatabaseDocs('dipeo')).toContain(
      '// must hold: a message needs `content` (or `text`)',
    );
  });

  it('committed in docs/schema/ match the schema (pnpm db:docs has been run)', () => {
    expect(staleSchemaDocs()).toEqual([]);
  });
});
