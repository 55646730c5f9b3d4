import type { Table } from 'drizzle-orm';
import {
  createInsertSchema,
  createSelectSchema,
  createUpdateSchema,
  type BuildRefine,
  type BuildSchema,
  type NoUnknownKeys,
} from 'drizzle-zod';
import type { z } from 'zod';

type Refinement<TTable extends Table> = BuildRefine<TTable['_']['columns'], undefined>;

/**
 * A table's three zod schemas, built from its Drizzle columns: `insert` for a new row, `select`
 * for a row read back, `update` for a partial change. `refine` applies to all three (JSON shapes,
 * integer bounds, Dates for text timestamps); `write` only to `insert` and `update`, for what is
 * checked on the way in but not held against rows already stored (e.g. an email's form).
 */
export function rowSchemas<
  TTable extends Table,
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- drizzle-zod's "no refinements"
  TRefine extends Refinement<TTable> = {},
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  TWrite extends Refinement<TTable> = {},
>(
  table: TTable,
  refine?: NoUnknownKeys<TRefine, TTable['$inferSelect']>,
  write?: NoUnknownKeys<TWrite, TTable['$inferSelect']>,
) {
  type Columns = TTable['_']['columns'];
  type Write = Omit<TRefine, keyof TWrite> & TWrite;
  type Insert = BuildSchema<'insert', Columns, Write, undefined>;
  type Select = BuildSchema<'select', Columns, TRefine, undefined>;
  type Update = BuildSchema<'update', Columns, Write, undefined>;
  // drizzle-zod's overloads cannot be chosen for a generic refinement: its result types are named.
  const read = refine as never;
  const written = { ...refine, ...write } as never;
  // Each schema is built on first use: building all of them for every table costs a command
  // that only reads a file's state (db:status) a third of its start-up.
  let insert: Insert | undefined;
  let select: Select | undefined;
  let update: Update | undefined;
  return {
    table,
    get insert(): Insert {
      return (insert ??= createInsertSchema(table, written) as Insert);
    },
    get select(): Select {
      return (select ??= createSelectSchema(table, read) as Select);
    },
    get update(): Update {
      return (update ??= createUpdateSchema(table, written) as Update);
    },
  };
}

/** What `rowSchemas` returns, for any table. */
export interface RowSchemas {
  table: Table;
  insert: z.ZodObject;
  select: z.ZodObject;
  update: z.ZodObject;
}

/** The row a table's `select` schema gives. */
export type RowOf<S extends { select: z.ZodType }> = z.infer<S['select']>;
/** A new row, as the table's `insert` schema gives it. */
export type NewRowOf<S extends { insert: z.ZodType }> = z.infer<S['insert']>;
