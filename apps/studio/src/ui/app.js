// The offline browser: a hash-routed page over the studio's JSON API (/api/...), which only reads
// except for retrying dead letters in a studio started with --write.
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

/** Aborted when the page changes, so a query still running for the old page is stopped. */
let navigation = new AbortController();

/**
 * @param {string} path
 * @param {AbortSignal | null} signal default: the current page's
 */
async function api(path, signal = navigation.signal) {
  const response = await fetch(`/api/${path}`, {
    headers: { accept: 'application/json' },
    signal,
  });
  const text = await response.text();
  /** @type {any} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) throw new Error(body?.error ?? (text.trim() || `HTTP ${response.status}`));
  return body;
}

const enc = encodeURIComponent;
/** @param {string} db */ const dbHref = (db) => `#/db/${enc(db)}`;
/** @param {string} db @param {string} table */ const tableHref = (db, table) =>
  `#/db/${enc(db)}/t/${enc(table)}`;
/** @param {string} db @param {string} table @param {Record<string, unknown>} match */
const matchHref = (db, table, match) =>
  `${tableHref(db, table)}/row?match=${enc(JSON.stringify(match))}`;
/** @param {string} db @param {string} sql @param {number} offset */
const sqlHref = (db, sql, offset) => {
  const query = new URLSearchParams({ q: sql });
  if (offset > 0) query.set('offset', String(offset));
  return `${dbHref(db)}/sql?${query}`;
};

/** @param {string} db @param {string} table @param {string} q */
const searchHref = (db, table, q) => `${dbHref(db)}/search?${new URLSearchParams({ table, q })}`;

/** Database details are fetched once per visit to a database and reused by its views. */
/** @type {Map<string, Promise<any>>} */
const databaseCache = new Map();
/** @param {string} db */
function loadDatabase(db) {
  let promise = databaseCache.get(db);
  if (!promise) {
    // Not tied to one page: the next page may reuse it.
    promise = api(`databases/${enc(db)}`, null);
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

/** @param {any} database @param {string | undefined} active a table, or `sql` */
function renderSidebar(database, active) {
  sidebar.dataset.db = database.name;
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
    h(
      'a',
      {
        href: `${dbHref(database.name)}/sql`,
        className: active === 'sql' ? 'active' : '',
        'data-testid': 'side-sql',
      },
      h('span', null, 'SQL'),
      '',
    ),
  );
}

/** Clears the sidebar (pages outside a database). */
function clearSidebar() {
  delete sidebar.dataset.db;
  render(sidebar);
}

async function homeView() {
  setCrumbs([['databases', undefined]]);
  clearSidebar();
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
      ' · ',
      h('a', { href: `${dbHref(db)}/sql`, 'data-testid': 'sql-link' }, 'SQL'),
      database.deadLetters
        ? [
            ' · ',
            h(
              'a',
              { href: `${dbHref(db)}/dead-letters`, 'data-testid': 'dead-letters-link' },
              'dead letters',
            ),
          ]
        : null,
    ),
    database.search.length > 0 ? searchForm(db, database.search, undefined, '') : null,
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

/**
 * For each column that links to another table (a foreign key, else a Drizzle relation), the link:
 * its cells open the referenced row.
 * @param {any} table
 * @returns {Map<string, any>}
 */
function columnLinks(table) {
  const links = new Map();
  const ordered = [
    ...table.outgoing.filter((/** @type {any} */ link) => link.foreignKey),
    ...table.outgoing.filter((/** @type {any} */ link) => !link.foreignKey),
  ];
  for (const link of ordered) {
    for (const column of link.fromColumns) if (!links.has(column)) links.set(column, link);
  }
  return links;
}

/** The referenced row's columns and values, or undefined when the row's key is NULL. */
function linkMatch(/** @type {any} */ link, /** @type {any} */ row) {
  /** @type {Record<string, unknown>} */
  const match = {};
  for (const [index, column] of link.fromColumns.entries()) {
    const value = row[column];
    if (value === null || value === undefined) return undefined;
    match[link.toColumns[index]] = value;
  }
  return match;
}

/** @param {string} db @param {string} tableName @param {URLSearchParams} query */
async function tableView(db, tableName, query) {
  setCrumbs([
    ['databases', '#/'],
    [db, dbHref(db)],
    [tableName, undefined],
  ]);
  const { signal } = navigation; // this page's; a newer page replaces `navigation`
  const database = await loadDatabase(db);
  if (signal.aborted) return;
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
  const dir = query.get('dir') ?? 'asc';
  const filters = query.getAll('f');

  // The view (sort, direction, filters) as the API takes it: for the page and for the export.
  const view = new URLSearchParams();
  if (sort) view.set('sort', sort);
  if (sort || dir !== 'asc') view.set('dir', dir);
  for (const filter of filters) view.append('filter', filter);
  const request = new URLSearchParams(view);
  request.set('limit', String(PAGE_SIZE));
  if (cursor) request.set('after', cursor);
  const heading = [
    h('h1', null, tableName),
    h(
      'p',
      { className: 'muted' },
      `${formatCount(table.rowCount)} rows · primary key ${table.primaryKey.join(', ') || 'rowid'}`,
    ),
    filterBar(db, tableName, table, query),
  ];
  let page;
  try {
    page = await api(`databases/${enc(db)}/tables/${enc(tableName)}/rows?${request}`);
  } catch (error) {
    if (signal.aborted) return;
    // A bad sort or filter in the address: the filter chips stay, to remove the one at fault.
    render(
      main,
      heading,
      errorBox(error, [[`${tableName} without sort and filters`, tableHref(db, tableName)]]),
    );
    return;
  }

  const columns = table.columns;
  const links = columnLinks(table);
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
  const exportHref = (/** @type {string} */ format) =>
    `/api/databases/${enc(db)}/tables/${enc(tableName)}/export.${format}${view.toString() ? `?${view}` : ''}`;
  const cell = (/** @type {any} */ row, /** @type {any} */ column) => {
    const content = formatValue(row[column.name], column, 'cell');
    const link = links.get(column.name);
    const match = link ? linkMatch(link, row) : undefined;
    if (!match) return content;
    return h(
      'a',
      {
        href: matchHref(db, link.toTable, match),
        className: 'fk',
        title: `Open ${link.toTable} ${Object.values(match).join(', ')}`,
        'data-testid': `fk-${column.name}`,
      },
      content,
    );
  };

  render(
    main,
    heading,
    h(
      'div',
      { className: 'pager-row' },
      pager(page, first, filters.length > 0 ? undefined : table.rowCount),
      h(
        'span',
        { className: 'export' },
        'Export this view: ',
        h(
          'a',
          {
            href: exportHref('csv'),
            download: `${db}-${tableName}.csv`,
            'data-testid': 'export-csv',
          },
          'CSV',
        ),
        ' · ',
        h(
          'a',
          {
            href: exportHref('json'),
            download: `${db}-${tableName}.json`,
            'data-testid': 'export-json',
          },
          'JSON',
        ),
      ),
    ),
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
                  links.has(column.name) ? ` · → ${links.get(column.name).toTable}` : '',
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
                      cell(row, column),
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
  let valueInput = /** @type {HTMLInputElement} */ (h('input'));
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
                    {
                      href: matchHref(db, link.toTable, match),
                      'data-testid': `follow-${link.name}`,
                    },
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

/**
 * The search box: words in a table with a full-text index (FTS5 syntax: AND, OR, NOT, "a phrase",
 * prefix*).
 * @param {string} db @param {Array<{ table: string }>} searchable
 * @param {string | undefined} table @param {string} q
 */
function searchForm(db, searchable, table, q) {
  const input = /** @type {HTMLInputElement} */ (
    h('input', {
      type: 'search',
      className: 'search-input',
      'aria-label': 'search',
      placeholder: `search ${searchable.map((s) => s.table).join(', ')}`,
      'data-testid': 'search-input',
    })
  );
  input.value = q;
  const select = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { 'aria-label': 'table searched', 'data-testid': 'search-table' },
      searchable.map((s) => h('option', { value: s.table }, s.table)),
    )
  );
  if (table) select.value = table;
  return h(
    'form',
    {
      className: 'search-form',
      'data-testid': 'search-form',
      onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        if (input.value.trim() === '') return;
        location.hash = searchHref(db, select.value, input.value);
      },
    },
    input,
    searchable.length > 1 ? select : null,
    h('button', { type: 'submit' }, 'Search'),
  );
}

/**
 * A snippet's text with its matched terms (between U+0002 and U+0003, which the API uses as
 * marks) in <mark>, all of it as text.
 * @param {string} text
 */
function snippetNodes(text) {
  return text.split('\u0002').flatMap((part, index) => {
    if (index === 0) return [part];
    const [matched = '', rest = ''] = part.split('\u0003');
    return [h('mark', null, matched), rest];
  });
}

/** @param {string} db @param {URLSearchParams} query */
async function searchView(db, query) {
  const { signal } = navigation;
  const database = await loadDatabase(db);
  if (signal.aborted) return;
  renderSidebar(database, undefined);
  const q = query.get('q') ?? '';
  const table = query.get('table') ?? database.search[0]?.table ?? '';
  const result = await api(
    `databases/${enc(db)}/search?${new URLSearchParams({ table, q, limit: '50' })}`,
  );
  if (signal.aborted) return;
  render(
    main,
    h('h1', null, `${db}: search ${table}`),
    searchForm(db, database.search, table, q),
    h(
      'p',
      { className: 'muted', 'data-testid': 'search-count' },
      result.hits.length === 0
        ? 'No match.'
        : `${result.hits.length} best match${result.hits.length === 1 ? '' : 'es'}, best first.`,
    ),
    h(
      'ol',
      { className: 'search-hits', 'data-testid': 'search-hits' },
      result.hits.map((/** @type {any} */ hit) => {
        const id = hit.row.id;
        return h(
          'li',
          { 'data-testid': 'search-hit' },
          h(
            'a',
            { href: id === undefined ? undefined : matchHref(db, table, { id }) },
            String(id ?? ''),
          ),
          hit.row.type ? h('span', { className: 'muted' }, ` ${hit.row.type}`) : null,
          h('div', { className: 'snippet' }, snippetNodes(hit.snippet ?? '')),
        );
      }),
    ),
  );
}

/**
 * A change (`POST /api/...` with a JSON body); resolves to the answer, throws its error.
 * @param {string} path @param {unknown} body
 */
async function post(path, body) {
  const response = await fetch(`/api/${path}`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  /** @type {any} */
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (!response.ok) throw new Error(answer?.error ?? (text.trim() || `HTTP ${response.status}`));
  return answer;
}

/**
 * The queue's failed jobs with their last error; a studio started with --write retries one or all
 * (each back to pending, attempts counted afresh), then lists them again.
 * @param {string} db @param {string} [status] what the last retry did
 */
async function deadLettersView(db, status = '') {
  const { signal } = navigation;
  const database = await loadDatabase(db);
  if (signal.aborted) return;
  renderSidebar(database, undefined);
  const result = await api(`databases/${enc(db)}/dead-letters?limit=100`);
  if (signal.aborted) return;
  const writable = database.writable === true;
  const statusLine = h(
    'p',
    { className: 'muted', role: 'status', 'data-testid': 'dead-letters-status' },
    status,
  );
  /** @param {{ id: string } | { all: true }} request */
  const retry = async (request) => {
    for (const button of main.querySelectorAll('button')) button.setAttribute('disabled', '');
    try {
      const answer = await post(`databases/${enc(db)}/dead-letters/retry`, request);
      if (signal.aborted) return;
      await deadLettersView(
        db,
        'id' in request
          ? `Retried ${request.id}: pending again.`
          : `Retried ${formatCount(answer.retried)}: pending again.`,
      );
    } catch (error) {
      if (signal.aborted) return;
      render(
        statusLine,
        h('span', { className: 'error-text' }, String(/** @type {Error} */ (error).message)),
      );
      for (const button of main.querySelectorAll('button')) {
        if (writable) button.removeAttribute('disabled');
      }
    }
  };
  render(
    main,
    h('h1', null, `${db}: dead letters`),
    h(
      'p',
      { className: 'muted', 'data-testid': 'dead-letters-count' },
      `${formatCount(result.total)} failed in ${result.table} (out of attempts), newest first. ` +
        (writable
          ? 'Retrying puts a job back to pending with its attempts counted afresh.'
          : 'Read-only: start the studio with --write to retry them.'),
    ),
    h(
      'div',
      { className: 'toolbar' },
      h(
        'button',
        {
          type: 'button',
          className: 'primary',
          'data-testid': 'dead-letters-retry-all',
          disabled: !writable || result.total === 0,
          title: writable ? undefined : 'read-only: start the studio with --write',
          onclick: () => void retry({ all: true }),
        },
        `Retry all (${formatCount(result.total)})`,
      ),
    ),
    statusLine,
    h(
      'table',
      { className: 'grid', 'data-testid': 'dead-letters' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'job'),
          h('th', null, 'failed at'),
          h('th', null, 'attempts'),
          h('th', null, 'last error'),
          h('th', null, ''),
        ),
      ),
      h(
        'tbody',
        null,
        result.deadLetters.map((/** @type {any} */ letter) =>
          h(
            'tr',
            { 'data-testid': `dead-letter-${letter.job.id}` },
            h(
              'td',
              null,
              h('a', { href: matchHref(db, result.table, { id: letter.job.id }) }, letter.job.id),
            ),
            h('td', null, letter.failedAt ?? ''),
            h('td', { className: 'num' }, String(letter.attempts)),
            h('td', { className: 'error-text' }, letter.error ?? ''),
            h(
              'td',
              null,
              h(
                'button',
                {
                  type: 'button',
                  'data-testid': `retry-${letter.job.id}`,
                  disabled: !writable,
                  title: writable ? undefined : 'read-only: start the studio with --write',
                  onclick: () => void retry({ id: letter.job.id }),
                },
                'Retry',
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * The SQL box: one read-only statement, its result paged by offset like a table. The statement
 * and the page are in the address, so Back returns to the previous query.
 * @param {string} db @param {URLSearchParams} query
 */
async function sqlView(db, query) {
  setCrumbs([
    ['databases', '#/'],
    [db, dbHref(db)],
    ['SQL', undefined],
  ]);
  const { signal } = navigation; // this page's; a newer page replaces `navigation`
  const database = await loadDatabase(db);
  if (signal.aborted) return;
  renderSidebar(database, 'sql');
  const sql = query.get('q') ?? '';
  const offset = Math.max(0, Math.floor(Number(query.get('offset') ?? 0)) || 0);
  const { timeLimitMs, rowLimit } = database.sqlLimits;
  const input = /** @type {HTMLTextAreaElement} */ (
    h('textarea', {
      className: 'sql-input',
      rows: 6,
      spellcheck: 'false',
      'aria-label': 'SQL',
      placeholder: `SELECT * FROM ${database.tables[0]?.name ?? 'table'} LIMIT 10`,
      'data-testid': 'sql-input',
    })
  );
  input.value = sql;
  const run = () => {
    const href = sqlHref(db, input.value, 0);
    if (location.hash === href) void route();
    else location.hash = href;
  };
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  const result = h('div', { 'data-testid': 'sql-result' });
  render(
    main,
    h('h1', null, `${db}: SQL`),
    h(
      'p',
      { className: 'muted' },
      `Read-only: one statement that reads (SELECT, WITH … SELECT, VALUES, EXPLAIN, read-only PRAGMAs). Stopped after ${timeLimitMs / 1000} s; at most ${formatCount(rowLimit)} rows, ${PAGE_SIZE} a page.`,
    ),
    h(
      'form',
      {
        className: 'sql-form',
        onsubmit: (/** @type {Event} */ event) => {
          event.preventDefault();
          run();
        },
      },
      input,
      h(
        'div',
        null,
        h('button', { type: 'submit', className: 'primary', 'data-testid': 'sql-run' }, 'Run'),
        h('span', { className: 'muted' }, ' Ctrl-Enter'),
      ),
    ),
    result,
  );
  if (!sql.trim()) return;
  render(result, h('p', { className: 'muted', 'data-testid': 'sql-running' }, 'Running…'));
  const request = new URLSearchParams({ q: sql, limit: String(PAGE_SIZE) });
  if (offset > 0) request.set('offset', String(offset));
  let page;
  try {
    page = await api(`databases/${enc(db)}/sql?${request}`);
  } catch (error) {
    if (signal.aborted) return;
    render(result, errorBox(error, []));
    return;
  }
  const shown = page.rows.length;
  const range =
    shown === 0
      ? offset === 0
        ? 'no rows'
        : `no rows after row ${formatCount(offset)}`
      : `rows ${formatCount(offset + 1)}–${formatCount(offset + shown)}`;
  const textColumn = (/** @type {string} */ name) => ({
    name,
    key: name,
    sqlType: '',
    display: 'text',
    notNull: false,
    primaryKey: false,
  });
  render(
    result,
    h(
      'div',
      { className: 'pager' },
      h(
        'button',
        {
          type: 'button',
          disabled: offset === 0,
          onclick: () => (location.hash = sqlHref(db, sql, 0)),
        },
        '« First',
      ),
      h(
        'button',
        {
          type: 'button',
          disabled: offset === 0,
          'data-testid': 'sql-prev',
          onclick: () => (location.hash = sqlHref(db, sql, Math.max(0, offset - PAGE_SIZE))),
        },
        '◀ Previous',
      ),
      h(
        'button',
        {
          type: 'button',
          disabled: page.nextOffset === undefined,
          'data-testid': 'sql-next',
          onclick: () => (location.hash = sqlHref(db, sql, page.nextOffset)),
        },
        'Next ▶',
      ),
      h('span', { className: 'muted', 'data-testid': 'sql-range' }, range),
      page.rowLimitReached
        ? h(
            'span',
            { className: 'warn', 'data-testid': 'sql-row-limit' },
            ` · the row limit (${formatCount(page.rowLimit)}) is reached: the rest is not shown`,
          )
        : null,
    ),
    h(
      'div',
      { className: 'rows-wrap' },
      h(
        'table',
        { className: 'grid', 'data-testid': 'sql-rows' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            page.columns.map((/** @type {string} */ name) => h('th', null, name)),
          ),
        ),
        h(
          'tbody',
          null,
          page.rows.map((/** @type {unknown[]} */ row) =>
            h(
              'tr',
              null,
              row.map((value, index) =>
                h(
                  'td',
                  { className: typeof value === 'number' ? 'num' : '' },
                  formatValue(value, textColumn(page.columns[index] ?? ''), 'cell'),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * An error, with the way back: `links` (the page one level up first), then all databases.
 * @param {unknown} error @param {Array<[string, string]>} links
 */
function errorBox(error, links) {
  return h(
    'div',
    { className: 'error-box' },
    h(
      'p',
      { className: 'error', role: 'alert', 'data-testid': 'error' },
      error instanceof Error ? error.message : String(error),
    ),
    h(
      'p',
      { className: 'error-nav' },
      links.map(([label, href], index) =>
        h('a', { href, 'data-testid': index === 0 ? 'error-back' : undefined }, `← ${label}`),
      ),
      h(
        'a',
        { href: '#/', 'data-testid': links.length === 0 ? 'error-back' : undefined },
        '← all databases',
      ),
    ),
  );
}

/**
 * Breadcrumbs of a page from its address alone, set before the page loads, so they stay right
 * when it fails; the last is the page itself. @param {string[]} parts
 * @returns {Array<[string, string | undefined]>}
 */
function crumbsFor(parts) {
  /** @type {Array<[string, string | undefined]>} */
  const trail = [['databases', '#/']];
  const [kind, db, section, table, rowPart, rowid] = parts;
  if (kind === 'db' && db) {
    trail.push([db, dbHref(db)]);
    if (section === 'er') trail.push(['ER diagram', `${dbHref(db)}/er`]);
    if (section === 'sql') trail.push(['SQL', `${dbHref(db)}/sql`]);
    if (section === 'search') trail.push(['search', undefined]);
    if (section === 'dead-letters') trail.push(['dead letters', undefined]);
    if (section === 't' && table) {
      trail.push([table, tableHref(db, table)]);
      if (rowPart === 'row') trail.push([rowid ? `row ${rowid}` : 'row', undefined]);
    }
  }
  return trail;
}

async function route() {
  navigation.abort();
  navigation = new AbortController();
  const signal = navigation.signal;
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', queryText = ''] = hash.split('?');
  const query = new URLSearchParams(queryText);
  /** @type {string[]} */
  let parts = [];
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    setCrumbs(
      crumbsFor(parts).map(([label, href], index, all) => [
        label,
        index === all.length - 1 ? undefined : href,
      ]),
    );
    if (parts.length === 0) await homeView();
    else if (parts[0] === 'db' && parts[1] && parts.length === 2) await databaseView(parts[1]);
    else if (parts[0] === 'db' && parts[1] && parts[2] === 'er') await erView(parts[1]);
    else if (parts[0] === 'db' && parts[1] && parts[2] === 'sql' && parts.length === 3)
      await sqlView(parts[1], query);
    else if (parts[0] === 'db' && parts[1] && parts[2] === 'search' && parts.length === 3)
      await searchView(parts[1], query);
    else if (parts[0] === 'db' && parts[1] && parts[2] === 'dead-letters' && parts.length === 3)
      await deadLettersView(parts[1]);
    else if (parts[0] === 'db' && parts[1] && parts[2] === 't' && parts[3] && parts.length === 4)
      await tableView(parts[1], parts[3], query);
    else if (parts[0] === 'db' && parts[1] && parts[2] === 't' && parts[3] && parts[4] === 'row') {
      const selector = parts[5]
        ? `rowid=${enc(parts[5])}`
        : `match=${enc(query.get('match') ?? '{}')}`;
      await rowView(parts[1], parts[3], selector);
    } else throw new Error(`no page at ${hash}`);
  } catch (error) {
    if (signal.aborted) return; // a newer page is loading
    // The sidebar stays when it shows this page's database; otherwise it would mislead.
    if (sidebar.dataset.db !== parts[1] || parts[0] !== 'db') clearSidebar();
    const trail = crumbsFor(parts);
    const up = trail.length >= 2 ? [trail[trail.length - 2]] : [];
    render(
      main,
      errorBox(
        error,
        /** @type {Array<[string, string]>} */ (
          up.filter((crumb) => crumb && crumb[0] !== 'databases')
        ),
      ),
    );
  }
}

window.addEventListener('hashchange', () => {
  window.scrollTo(0, 0);
  void route();
});
void route();
