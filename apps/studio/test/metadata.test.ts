import { openDatabase } from '@agentstate/db';
import { databaseNames } from '@agentstate/schema';
import { describe, expect, it } from 'vitest';
import { renderErDiagram } from '../src/browser/er-diagram.ts';
import { searchableTables } from '../src/browser/search-and-dead-letters.ts';
import { describeDatabase } from '../src/browser/metadata.ts';

interface ForeignKeyRow {
  table: string;
  from: string;
  to: string;
}

describe.each(databaseNames)('%s metadata', (name) => {
  const meta = describeDatabase(name);

  it('has every table, column and foreign key the migrated database has', async () => {
    const handle = await openDatabase(name, { path: ':memory:', migrate: { log: () => {} } });
    try {
      const sqlite = handle.sqlite;
      // Ordinary tables; the full-text indexes (virtual tables and their shadow tables) are the
      // search's, listed by the definition.
      const tables = sqlite
        .prepare(
          "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' ORDER BY name",
        )
        .pluck()
        .all() as string[];
      expect(meta.tables.map((table) => table.name)).toEqual(tables);
      const virtual = sqlite
        .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'virtual'")
        .pluck()
        .all() as string[];
      expect(virtual.sort()).toEqual(
        searchableTables(name)
          .map((s) => s.fts)
          .sort(),
      );
      for (const table of meta.tables) {
        const columns = sqlite
          .prepare('SELECT name FROM pragma_table_info(?)')
          .pluck()
          .all(table.name);
        expect(table.columns.map((column) => column.name).sort()).toEqual(
          (columns as string[]).sort(),
        );
        const foreignKeys = (
          sqlite
            .prepare('SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)')
            .all(table.name) as ForeignKeyRow[]
        ).map((row) => `${row.from}->${row.table}.${row.to}`);
        const declared = table.outgoing
          .filter((link) => link.foreignKey)
          .map((link) => `${link.fromColumns.join()}->${link.toTable}.${link.toColumns.join()}`);
        expect(declared.sort()).toEqual(foreignKeys.sort());
      }
    } finally {
      handle.close();
    }
  });

  it('lists each link on both of its tables', () => {
    for (const link of meta.links) {
      expect(meta.tables.find((table) => table.name === link.fromTable)?.outgoing).toContain(link);
      expect(meta.tables.find((table) => table.name === link.toTable)?.incoming).toContain(link);
    }
  });

  it('draws one box per table and one curve per link', () => {
    const svg = renderErDiagram(meta, (table) => `#/t/${table}`);
    expect(svg.match(/<a href="#\/t\//g)).toHaveLength(meta.tables.length);
    expect(svg.match(/<path class="er-link/g) ?? []).toHaveLength(meta.links.length);
    for (const table of meta.tables) expect(svg).toContain(`data-table="${table.name}"`);
  });
});

describe('pokecode specifics', () => {
  const meta = describeDatabase('pokecode');
  const sessions = meta.tables.find((table) => table.name === 'sessions');

  it('reads enum values, JSON and timestamp modes from the Drizzle columns', () => {
    const column = (name: string) => sessions?.columns.find((c) => c.name === name);
    expect(column('provider')?.enumValues).toEqual(['claude-code', 'codex-cli']);
    expect(column('metadata')?.display).toBe('json');
    expect(column('created_at')?.display).toBe('timestamp-seconds');
    expect(column('is_working')?.display).toBe('boolean');
    expect(sessions?.primaryKey).toEqual(['id']);
  });

  it('includes relations that have no foreign key, named after the Drizzle relation', () => {
    const currentJob = meta.links.find((link) => link.name === 'currentJob');
    expect(currentJob).toMatchObject({
      fromTable: 'sessions',
      fromColumns: ['current_job_id'],
      toTable: 'job_queue',
      toColumns: ['id'],
      foreignKey: false,
    });
    const session = meta.links.find((link) => link.fromTable === 'session_messages');
    expect(session).toMatchObject({ name: 'session', foreignKey: true, onDelete: 'cascade' });
  });

  it('escapes names in the SVG', () => {
    const svg = renderErDiagram(
      { ...meta, tables: meta.tables.map((table) => ({ ...table, name: `${table.name}<x>` })) },
      () => '#',
    );
    expect(svg).not.toContain('<x>');
    expect(svg).toContain('&#60;x&#62;');
  });
});
