import type { DatabaseMeta, LinkMeta, TableMeta } from './metadata.ts';

const FONT_SIZE = 12;
/** Width of one character of the monospace font at FONT_SIZE, for sizing boxes without a layout engine. */
const CHAR_WIDTH = 7.3;
const ROW_HEIGHT = 18;
const HEADER_HEIGHT = 24;
const COLUMN_GAP = 90;
const ROW_GAP = 28;
const MARGIN = 20;
const LOOP_ROOM = 60;

interface Box {
  table: TableMeta;
  x: number;
  y: number;
  width: number;
  height: number;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Rank of each table: tables that reference nothing are rank 0, and a table sits one rank right
 * of the highest-ranked table it references, so links mostly run right to left (child → parent).
 */
function rankTables(meta: DatabaseMeta): Map<string, number> {
  const ranks = new Map<string, number>();
  const visiting = new Set<string>();
  const rankOf = (name: string): number => {
    const known = ranks.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0; // a cycle (two tables referencing each other)
    visiting.add(name);
    const table = meta.tables.find((candidate) => candidate.name === name);
    const parents = (table?.outgoing ?? []).filter(
      (link) => link.toTable !== name && link.foreignKey,
    );
    const rank = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((l) => rankOf(l.toTable)));
    visiting.delete(name);
    ranks.set(name, rank);
    return rank;
  };
  for (const table of meta.tables) rankOf(table.name);
  return ranks;
}

function layout(meta: DatabaseMeta): Box[] {
  const ranks = rankTables(meta);
  const columns: TableMeta[][] = [];
  for (const table of meta.tables) {
    const rank = ranks.get(table.name) ?? 0;
    (columns[rank] ??= []).push(table);
  }
  const boxes = new Map<string, Box>();
  // Room on the left for the curves between tables of the same rank.
  let x = MARGIN + LOOP_ROOM;
  for (const tablesInRank of columns) {
    if (!tablesInRank) continue;
    // Order a rank by where its parents sit, so links cross less.
    const parentY = (table: TableMeta): number => {
      const ys = table.outgoing.flatMap((link) => {
        const box = boxes.get(link.toTable);
        return box ? [box.y] : [];
      });
      return ys.length === 0 ? 0 : ys.reduce((a, b) => a + b, 0) / ys.length;
    };
    tablesInRank.sort((a, b) => parentY(a) - parentY(b) || a.name.localeCompare(b.name));
    const width =
      Math.max(
        ...tablesInRank.flatMap((table) => [
          table.name.length + 4,
          ...table.columns.map((column) => column.name.length + column.sqlType.length + 8),
        ]),
      ) * CHAR_WIDTH;
    let y = MARGIN;
    for (const table of tablesInRank) {
      const height = HEADER_HEIGHT + table.columns.length * ROW_HEIGHT + 6;
      boxes.set(table.name, { table, x, y, width, height });
      y += height + ROW_GAP;
    }
    x += width + COLUMN_GAP;
  }
  return [...boxes.values()];
}

function columnY(box: Box, column: string | undefined): number {
  const index = box.table.columns.findIndex((candidate) => candidate.name === column);
  return box.y + HEADER_HEIGHT + (Math.max(index, 0) + 0.5) * ROW_HEIGHT + 3;
}

function linkPath(from: Box, to: Box, link: LinkMeta): string {
  const y1 = columnY(from, link.fromColumns[0]);
  const y2 = columnY(to, link.toColumns[0]);
  if (from === to || Math.abs(from.x - to.x) < 1) {
    // Same rank: leave and enter on the left, bulging outwards.
    const x1 = from.x;
    const x2 = to.x;
    const bulge = Math.min(LOOP_ROOM, 30 + Math.abs(y2 - y1) / 10);
    return `M${x1},${y1} C${x1 - bulge},${y1} ${x2 - bulge},${y2} ${x2},${y2}`;
  }
  const rightwards = to.x > from.x;
  const x1 = rightwards ? from.x + from.width : from.x;
  const x2 = rightwards ? to.x : to.x + to.width;
  const middle = (x1 + x2) / 2;
  return `M${x1},${y1} C${middle},${y1} ${middle},${y2} ${x2},${y2}`;
}

/**
 * The database's ER diagram as a standalone SVG: one box per table listing its columns (primary
 * key and linking columns marked), one curve per link; dashed curves are relations declared only
 * in Drizzle, with no FOREIGN KEY in SQLite. Each box links to the table in the browser.
 */
export function renderErDiagram(meta: DatabaseMeta, tableHref: (table: string) => string): string {
  const boxes = layout(meta);
  const boxOf = new Map(boxes.map((box) => [box.table.name, box]));
  const width = Math.max(...boxes.map((box) => box.x + box.width)) + MARGIN + 60;
  const height = Math.max(...boxes.map((box) => box.y + box.height)) + MARGIN;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="er-diagram" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(meta.name)}: entity-relationship diagram</title>`,
    '<defs><marker id="er-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5b6b8c"/></marker></defs>',
  );
  for (const link of meta.links) {
    const from = boxOf.get(link.fromTable);
    const to = boxOf.get(link.toTable);
    if (!from || !to) continue;
    const label = `${link.fromTable}.${link.fromColumns.join(', ')} → ${link.toTable}.${link.toColumns.join(', ')}${link.foreignKey ? ` (foreign key${link.onDelete ? `, on delete ${link.onDelete}` : ''})` : ' (relation, no foreign key)'}`;
    parts.push(
      `<path class="er-link${link.foreignKey ? '' : ' er-link-relation'}" data-from="${escapeXml(link.fromTable)}" data-to="${escapeXml(link.toTable)}" d="${linkPath(from, to, link)}" fill="none" stroke="#5b6b8c" stroke-width="1.4"${link.foreignKey ? '' : ' stroke-dasharray="5 4"'} marker-end="url(#er-arrow)"><title>${escapeXml(label)}</title></path>`,
    );
  }
  for (const box of boxes) {
    const { table } = box;
    const linking = new Set(table.outgoing.flatMap((link) => link.fromColumns));
    parts.push(
      `<a href="${escapeXml(tableHref(table.name))}" class="er-table" data-table="${escapeXml(table.name)}">`,
      `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="5" fill="#ffffff" stroke="#8a98b5"/>`,
      `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${HEADER_HEIGHT}" rx="5" fill="#2f3e5c"/>`,
      `<text x="${box.x + 8}" y="${box.y + 16}" fill="#ffffff" font-weight="bold">${escapeXml(table.name)}</text>`,
    );
    table.columns.forEach((column, index) => {
      const y = box.y + HEADER_HEIGHT + (index + 1) * ROW_HEIGHT;
      const marker = table.primaryKey.includes(column.name)
        ? 'PK'
        : linking.has(column.name)
          ? 'FK'
          : '  ';
      parts.push(
        `<text x="${box.x + 6}" y="${y}" fill="#1d2433"><tspan fill="#a07000">${marker}</tspan> ${escapeXml(column.name)}<tspan fill="#7a869e"> ${escapeXml(column.sqlType)}${column.notNull ? '' : '?'}</tspan></text>`,
      );
    });
    parts.push('</a>');
  }
  parts.push('</svg>');
  return parts.join('\n');
}
