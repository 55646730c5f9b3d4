// The offline browser: a hash-routed page over the studio's read-only JSON API (/api/...).
import { h, render } from './dom.js';
import { formatCount, formatValue, typeLabel } from './format.js';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const sidebar = /** @type {HTMLElement} */ (document.getElementById('sidebar'));
const crumbs = /** @type {HTMLElement} */ (document.getElementById('crumbs'));

const OPERATORS = [
  ['eq', '='],
  ['ne', '≠'],
  ['contains', 'contains'],
  ['starts', 'starts with'],
  ['lt', '<'],
  ['le', '≤'],
  ['gt', '>'],
  ['ge', '≥'],
  ['null', 'is null'],
  ['notnull', 'is not null'],
];
const PAGE_SIZE = 50;

/** @param {string} path */
async function api(path) {
  const response = await fetch(`/api/${path}`, { headers: { accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

const enc = encodeURIComponent;
/** @param {string} db */ const dbHref = (db) => `#/db/${enc(db)}`;
/** @param {string} db @param {string} table */ const tableHref = (db, table) =>
  `#/db/${enc(db)}/t/${enc(table)}`;

/** Database details are fetched once per visit to a database and reused by its views. */
/** @type {Map<string, Promise<any>>} */
const databaseCache = new Map();
/** @param {string} db */
function loadDatabase(db) {
  let promise = databaseCache.get(db);
  if (!promise) {
    promise = api(`databases/${enc(db)}`);
    promise.catch(() => databaseCache.delete(db));
    databaseCache.set(db, promise);
  }
  return promise;
}

/** @param {Array<[string, string | undefined]>} parts */
function setCrumbs(parts) {
  render(
    crumbs,
    parts.map(([label, href], index) => [
      index > 0 ? h('span', { className: 'sep' }, '/') : null,
      href ? h('a', { href }, label) : h('span', null, label),
    ]),
  );
}

/** @param {any} database @param {string | undefined} active */
function renderSidebar(database, active) {
  render(
    sidebar,
    h('h2', null, `${database.name} tables`),
    database.tables.map((/** @type {any} */ table) =>
      h(
        'a',
        {
          href: tableHref(database.name, table.name),
          className: table.name === active ? 'active' : '',
          'data-testid': `side-${table.name}`,
        },
        h('span', null, table.name),
        h('span', { className: 'count' }, table.exists ? formatCount(table.rowCount) : 'missing'),
      ),
    ),
    h('a', { href: `${dbHref(database.name)}/er` }, h('span', null, 'ER diagram'), ''),
  );
}

async function homeView() {
  setCrumbs([['databases', undefined]]);
  render(sidebar);
  databaseCache.clear(); // counts are fresh each time the list is opened
  const { databases } = await api('databases');
  render(
    main,
    h('h1', null, 'Databases'),
    h(
      'p',
      { className: 'muted' },
      'Every database is opened read-only. Tables, counts and links come from the @agentstate/schema definitions.',
    ),
    h(
      'div',
      { className: 'cards' },
      databases.map((/** @type {any} */ database) =>
        database.exists
          ? h(
              'a',
              {
                className: 'card',
                href: dbHref(database.name),
                'data-testid': `db-${database.name}`,
              },
              h(
                'div',
                { className: 'name' },
                database.name,
                database.primary ? h('span', { className: 'pill' }, 'Drizzle Studio') : null,
              ),
              h('div', { className: 'path' }, database.path),
            )
          : h(
              'div',
              { className: 'card missing', 'data-testid': `db-${database.name}` },
              h('div', { className: 'name' }, database.name),
              h('div', { className: 'path' }, `no file at ${database.path}`),
            ),
      ),
    ),
  );
}

/** @param {string} db */
async function databaseView(db) {
  setCrumbs([
    ['databases', '#/'],
    [db, undefined],
  ]);
  const database = await loadDatabase(db);
  renderSidebar(database, undefined);
  render(
    main,
    h('h1', null, db),
    h(
      'p',
      { className: 'muted' },
      database.path,
      ' · ',
      h('a', { href: `${dbHref(db)}/er`, 'data-testid': 'er-link' }, 'ER diagram'),
    ),
    h(
      'table',
      { className: 'grid', 'data-testid': 'tables' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'table'),
          h('th', null, 'rows'),
          h('th', null, 'columns'),
          h('th', null, 'links to'),
          h('th', null, 'linked from'),
        ),
      ),
      h(
        'tbody',
        null,
        database.tables.map((/** @type {any} */ table) =>
          h(
            'tr',
            { 'data-testid': `table-${table.name}` },
            h('td', null, h('a', { href: tableHref(db, table.name) }, table.name)),
            h(
              'td',
              { className: 'num' },
              table.exists
                ? formatCount(table.rowCount)
                : h('span', { className: 'warn' }, 'not in file'),
            ),
            h(
              'td',
              { className: 'num' },
              table.columns.length,
              table.missingColumns.length
                ? h(
                    'span',
                    { className: 'warn', title: `missing: ${table.missingColumns.join(', ')}` },
                    ` (${table.missingColumns.length} missing)`,
                  )
                : null,
            ),
            h(
              'td',
              null,
              [...new Set(table.outgoing.map((/** @type {any} */ link) => link.toTable))].join(
                ', ',
              ),
            ),
            h(
              'td',
              null,
              [...new Set(table.incoming.map((/** @type {any} */ link) => link.fromTable))].join(
                ', ',
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** @param {string} db */
async function erView(db) {
  setCrumbs([
    ['databases', '#/'],
    [db, dbHref(db)],
    ['ER diagram', undefined],
  ]);
  const database = await loadDatabase(db);
  renderSidebar(database, undefined);
  const response = await fetch(`/api/databases/${enc(db)}/er.svg`);
  if (!response.ok) throw new Error(`ER diagram: HTTP ${response.status}`);
  const svg = new DOMParser().parseFromString(
    await response.text(),
    'image/svg+xml',
  ).documentElement;
  render(
    main,
    h('h1', null, `${db}: ER diagram`),
    h(
      'p',
      { className: 'legend' },
      'Solid arrows are foreign keys, dashed arrows relations declared only in Drizzle; PK marks primary key columns, FK linking columns. Click a table to open it.',
    ),
    h('div', { className: 'er-wrap', 'data-testid': 'er-diagram' }, document.importNode(svg, true)),
  );
}

/**
 * Table state lives in the hash (sort, direction, filters); the cursors of the pages seen so far
 * live here, so Previous steps back without OFFSET.
 * @type {{ key: string, cursors: Array<string | undefined> }}
 */
let paging = { key: '', cursors: [undefined] };

/** @param {string} db @param {string} table @param {URLSearchParams} query */
function tableStateHref(db, table, query) {
  const text = query.toString();
  return `${tableHref(db, table)}${text ? `?${text}` : ''}`;
}

/** @param {string} db @param {string} tableName @param {URLSearchParams} query */
async function tableView(db, tableName, query) {
  setCrumbs([
    ['databases', '#/'],
    [db, dbHref(db)],
    [tableName, undefined],
  ]);
  const database = await loadDatabase(db);
  renderSidebar(database, tableName);
  const table = database.tables.find((/** @type {any} */ t) => t.name === tableName);
  if (!table) throw new Error(`${db} has no table ${tableName}`);
  if (!table.exists) {
    render(
      main,
      h('h1', null, tableName),
      h(
        'p',
        { className: 'warn' },
        'This table is not in the database file (it has not been migrated to this schema).',
      ),
    );
    return;
  }
  const key = `${db}/${tableName}?${query}`;
  if (paging.key !== key) paging = { key, cursors: [undefined] };
  const cursor = paging.cursors[paging.cursors.length - 1];
  const sort = query.get('sort') ?? undefined;
  const dir = query.get('dir') === 'desc' ? 'desc' : 'asc';
  const filters = query.getAll('f');

  const request = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (sort) request.set('sort', sort);
  if (sort || dir === 'desc') request.set('dir', dir);
  for (const filter of filters) request.append('filter', filter);
  if (cursor) request.set('after', cursor);
  const page = await api(`databases/${enc(db)}/tables/${enc(tableName)}/rows?${request}`);

  const columns = table.columns;
  const first = (paging.cursors.length - 1) * PAGE_SIZE;
  const withQuery = (/** @type {(q: URLSearchParams) => void} */ change) => {
    const next = new URLSearchParams(query);
    change(next);
    return tableStateHref(db, tableName, next);
  };
  const sortHref = (/** @type {string} */ column) =>
    withQuery((next) => {
      if (sort !== column) {
        next.set('sort', column);
        next.delete('dir');
      } else if (dir === 'asc') next.set('dir', 'desc');
      else {
        next.delete('sort');
        next.delete('dir');
      }
    });

  render(
    main,
    h('h1', null, tableName),
    h(
      'p',
      { className: 'muted' },
      `${formatCount(table.rowCount)} rows · primary key ${table.primaryKey.join(', ') || 'rowid'}`,
    ),
    filterBar(db, tableName, table, query),
    pager(page, first, filters.length > 0 ? undefined : table.rowCount),
    h(
      'div',
      { className: 'rows-wrap' },
      h(
        'table',
        { className: 'grid', 'data-testid': 'rows' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            columns.map((/** @type {any} */ column) =>
              h(
                'th',
                {
                  'data-column': column.name,
                  'aria-sort':
                    sort === column.name ? (dir === 'asc' ? 'ascending' : 'descending') : undefined,
                },
                h(
                  'a',
                  {
                    href: sortHref(column.name),
                    title: 'Sort by this column',
                    'data-testid': `sort-${column.name}`,
                  },
                  column.name,
                  sort === column.name ? (dir === 'asc' ? ' ▲' : ' ▼') : '',
                ),
                h(
                  'span',
                  { className: 'type' },
                  column.enumValues ? `enum(${column.enumValues.length})` : typeLabel(column),
                  column.primaryKey ? ' · PK' : '',
                ),
              ),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          page.rows.length === 0
            ? h('tr', null, h('td', { colspan: columns.length, className: 'muted' }, 'No rows.'))
            : page.rows.map((/** @type {any} */ row) =>
                h(
                  'tr',
                  {
                    'data-rowid': row.__rowid,
                    onclick: (/** @type {MouseEvent} */ event) => {
                      const target = /** @type {HTMLElement} */ (event.target);
                      if (target.closest('summary, a')) return;
                      location.hash = `${tableHref(db, tableName)}/row/${row.__rowid}`;
                    },
                  },
                  columns.map((/** @type {any} */ column) =>
                    h(
                      'td',
                      { className: column.display === 'number' ? 'num' : '' },
                      formatValue(row[column.name], column, 'cell'),
                    ),
                  ),
                ),
              ),
        ),
      ),
    ),
  );

  /** @param {any} currentPage @param {number} offset @param {number | undefined} total */
  function pager(currentPage, offset, total) {
    const shown = currentPage.rows.length;
    const range =
      shown === 0
        ? 'no rows'
        : `rows ${formatCount(offset + 1)}–${formatCount(offset + shown)}${total === undefined ? '' : ` of ${formatCount(total)}`}`;
    return h(
      'div',
      { className: 'pager' },
      h(
        'button',
        {
          type: 'button',
          disabled: paging.cursors.length === 1,
          onclick: () => {
            paging.cursors = [undefined];
            void route();
          },
        },
        '« First',
      ),
      h(
        'button',
        {
          type: 'button',
          disabled: paging.cursors.length === 1,
          'data-testid': 'prev',
          onclick: () => {
            paging.cursors.pop();
            void route();
          },
        },
        '◀ Previous',
      ),
      h(
        'button',
        {
          type: 'button',
          disabled: !currentPage.nextCursor,
          'data-testid': 'next',
          onclick: () => {
            paging.cursors.push(currentPage.nextCursor);
            void route();
          },
        },
        'Next ▶',
      ),
      h('span', { className: 'muted', 'data-testid': 'range' }, range),
    );
  }
}

/** @param {string} db @param {string} tableName @param {any} table @param {URLSearchParams} query */
function filterBar(db, tableName, table, query) {
  const columnSelect = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { 'aria-label': 'Filter column', 'data-testid': 'filter-column' },
      table.columns.map((/** @type {any} */ c) => h('option', { value: c.name }, c.name)),
    )
  );
  const operatorSelect = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { 'aria-label': 'Operator', 'data-testid': 'filter-op' },
      OPERATORS.map(([value, label]) => h('option', { value }, label)),
    )
  );
  const valueSlot = h('span');
  /** @type {HTMLInputElement | HTMLSelectElement} */
  let valueInput = h('input');
  const updateValueInput = () => {
    const column = table.columns.find((/** @type {any} */ c) => c.name === columnSelect.value);
    const choices =
      column?.enumValues ?? (column?.display === 'boolean' ? ['true', 'false'] : undefined);
    valueInput = /** @type {HTMLInputElement | HTMLSelectElement} */ (
      choices
        ? h(
            'select',
            { 'aria-label': 'Value', 'data-testid': 'filter-value' },
            choices.map((/** @type {string} */ v) => h('option', { value: v }, v)),
          )
        : h('input', {
            type: 'text',
            placeholder: column?.display.startsWith('timestamp')
              ? 'value or date (2026-01-31)'
              : 'value',
            'aria-label': 'Value',
            'data-testid': 'filter-value',
          })
    );
    const noValue = operatorSelect.value === 'null' || operatorSelect.value === 'notnull';
    valueInput.disabled = noValue;
    render(valueSlot, valueInput);
  };
  columnSelect.addEventListener('change', updateValueInput);
  operatorSelect.addEventListener('change', updateValueInput);
  updateValueInput();
  const apply = () => {
    const next = new URLSearchParams(query);
    const op = operatorSelect.value;
    next.append(
      'f',
      op === 'null' || op === 'notnull'
        ? `${columnSelect.value}:${op}`
        : `${columnSelect.value}:${op}:${valueInput.value}`,
    );
    location.hash = tableStateHref(db, tableName, next);
  };
  const form = h(
    'form',
    {
      className: 'toolbar',
      onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        apply();
      },
    },
    h('strong', null, 'Filter'),
    columnSelect,
    operatorSelect,
    valueSlot,
    h(
      'button',
      { type: 'submit', className: 'primary', 'data-testid': 'filter-apply' },
      'Add filter',
    ),
    h(
      'span',
      { className: 'chips', 'data-testid': 'filters' },
      query.getAll('f').map((filter, index) => {
        const [column, op, ...rest] = filter.split(':');
        const label = OPERATORS.find(([value]) => value === op)?.[1] ?? op;
        const without = new URLSearchParams(query);
        without.delete('f');
        query.getAll('f').forEach((other, otherIndex) => {
          if (otherIndex !== index) without.append('f', other);
        });
        return h(
          'span',
          { className: 'chip' },
          `${column} ${label} ${rest.join(':')}`,
          h(
            'button',
            {
              type: 'button',
              title: 'Remove filter',
              onclick: () => {
                location.hash = tableStateHref(db, tableName, without);
              },
            },
            '×',
          ),
        );
      }),
    ),
  );
  return form;
}

/** @param {string} db @param {string} tableName @param {string} selector rowid or `?match=` */
async function rowView(db, tableName, selector) {
  const database = await loadDatabase(db);
  renderSidebar(database, tableName);
  const table = database.tables.find((/** @type {any} */ t) => t.name === tableName);
  if (!table) throw new Error(`${db} has no table ${tableName}`);
  const detail = await api(`databases/${enc(db)}/tables/${enc(tableName)}/row?${selector}`);
  const { row } = detail;
  setCrumbs([
    ['databases', '#/'],
    [db, dbHref(db)],
    [tableName, tableHref(db, tableName)],
    [`row ${row.__rowid}`, undefined],
  ]);
  const matchHref = (/** @type {string} */ target, /** @type {Record<string, unknown>} */ match) =>
    `${tableHref(db, target)}/row?match=${enc(JSON.stringify(match))}`;
  const filterHref = (
    /** @type {string} */ target,
    /** @type {Record<string, unknown>} */ match,
  ) => {
    const query = new URLSearchParams();
    for (const [column, value] of Object.entries(match)) query.append('f', `${column}:eq:${value}`);
    return tableStateHref(db, target, query);
  };
  render(
    main,
    h('h1', null, `${tableName} · row ${row.__rowid}`),
    h(
      'dl',
      { className: 'detail', 'data-testid': 'row-detail' },
      table.columns.map((/** @type {any} */ column) => [
        h('dt', null, column.name, h('span', { className: 'type' }, typeLabel(column))),
        h('dd', { 'data-column': column.name }, formatValue(row[column.name], column, 'detail')),
      ]),
    ),
    h('h2', null, 'Links from this row'),
    detail.outgoing.length === 0
      ? h('p', { className: 'muted' }, 'None.')
      : h(
          'ul',
          { className: 'links', 'data-testid': 'outgoing' },
          detail.outgoing.map((/** @type {any} */ { link, match }) =>
            h(
              'li',
              null,
              h('strong', null, link.name),
              ` (${link.fromColumns.join(', ')} → ${link.toTable}.${link.toColumns.join(', ')}${link.foreignKey ? '' : ', relation only'}): `,
              match
                ? h(
                    'a',
                    { href: matchHref(link.toTable, match), 'data-testid': `follow-${link.name}` },
                    `${link.toTable} ${Object.values(match).join(', ')}`,
                  )
                : h('span', { className: 'null' }, 'NULL'),
            ),
          ),
        ),
    h('h2', null, 'Rows linking here'),
    detail.incoming.length === 0
      ? h('p', { className: 'muted' }, 'None.')
      : h(
          'ul',
          { className: 'links', 'data-testid': 'incoming' },
          detail.incoming.map((/** @type {any} */ { link, match, count, capped }) =>
            h(
              'li',
              null,
              h(
                'a',
                {
                  href: filterHref(link.fromTable, match),
                  'data-testid': `incoming-${link.fromTable}-${link.fromColumns.join('-')}`,
                },
                `${link.fromTable}.${link.fromColumns.join(', ')}`,
              ),
              `: ${capped ? `more than ${formatCount(count - 1)}` : formatCount(count)} ${count === 1 ? 'row' : 'rows'}`,
            ),
          ),
        ),
  );
}

async function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', queryText = ''] = hash.split('?');
  const query = new URLSearchParams(queryText);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts.length === 0) await homeView();
    else if (parts[0] === 'db' && parts[1] && parts.length === 2) await databaseView(parts[1]);
    else if (parts[0] === 'db' && parts[1] && parts[2] === 'er') await erView(parts[1]);
    else if (parts[0] === 'db' && parts[1] && parts[2] === 't' && parts[3] && parts.length === 4)
      await tableView(parts[1], parts[3], query);
    else if (parts[0] === 'db' && parts[1] && parts[2] === 't' && parts[3] && parts[4] === 'row') {
      const selector = parts[5]
        ? `rowid=${enc(parts[5])}`
        : `match=${enc(query.get('match') ?? '{}')}`;
      await rowView(parts[1], parts[3], selector);
    } else throw new Error(`no page at ${hash}`);
  } catch (error) {
    render(
      main,
      h(
        'p',
        { className: 'error', role: 'alert' },
        error instanceof Error ? error.message : String(error),
      ),
    );
  }
}

window.addEventListener('hashchange', () => {
  window.scrollTo(0, 0);
  void route();
});
void route();
