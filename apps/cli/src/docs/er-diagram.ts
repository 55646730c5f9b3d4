import {
  type Relationship,
  uniqueColumnSets,
  primaryKeyColumns,
  type TableInfo,
} from '@agentstate/schema/introspect';

/**
 * The cardinality of a relationship in Mermaid's erDiagram notation, parent side first:
 * a required foreign key is `||--o{` (exactly one parent, zero or more children), a nullable one
 * `|o--o{`, a unique one ends in `o|`; a reference the database does not enforce is dotted.
 */
export function cardinality(r: Relationship): string {
  const parent = r.required && r.enforced ? '||' : '|o';
  const line = r.enforced ? '--' : '..';
  const child = r.unique ? 'o|' : 'o{';
  return `${parent}${line}${child}`;
}

function relationshipLabel(r: Relationship): string {
  const columns = r.columns.join(', ');
  if (!r.enforced) return `${columns} (no FK constraint)`;
  return r.onDelete === 'no action' ? columns : `${columns}, on delete ${r.onDelete}`;
}

/** A Mermaid `erDiagram`: every table with its columns and keys, then every relationship. */
export function renderErDiagram(
  tables: readonly TableInfo[],
  relationships: readonly Relationship[],
) {
  const lines = ['erDiagram'];
  for (const info of tables) {
    const fkColumns = new Set(
      relationships.filter((r) => r.child === info.name && r.enforced).flatMap((r) => r.columns),
    );
    const pk = new Set(primaryKeyColumns(info));
    const unique = new Set(
      uniqueColumnSets(info)
        .filter((set) => set.length === 1)
        .flat(),
    );
    lines.push(`  ${info.name} {`);
    for (const column of info.config.columns) {
      const keys = [
        pk.has(column.name) ? 'PK' : '',
        fkColumns.has(column.name) ? 'FK' : '',
        unique.has(column.name) && !pk.has(column.name) ? 'UK' : '',
      ].filter(Boolean);
      const type = column.getSQLType().replace(/[^\w]/g, '_');
      lines.push(`    ${type} ${column.name}${keys.length > 0 ? ` ${keys.join(', ')}` : ''}`);
    }
    lines.push('  }');
  }
  for (const r of relationships) {
    lines.push(`  ${r.parent} ${cardinality(r)} ${r.child} : "${relationshipLabel(r)}"`);
  }
  return lines.join('\n');
}
