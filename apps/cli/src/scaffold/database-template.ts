/**
 * The files of a new database's folder (`pnpm db:new <name>`): one sample table with an enum and a
 * JSON column, its constants, shapes, relations, row schemas, seeder and definition. Everything
 * the commands and clients need comes from the definition, so nothing else is edited but the
 * registry. (Its `migrations.generated.ts` is written by the schema kit, as `db:generate` writes it.)
 */
export interface DatabaseNames {
  /** The database's name: folder, commands, env var (`notes`, `my_tool`). */
  name: string;
  /** Its TypeScript identifier (`notes`, `myTool`). */
  identifier: string;
}

export function namesOf(name: string): DatabaseNames {
  return { name, identifier: name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) };
}

export function databaseFiles({ name, identifier }: DatabaseNames): Record<string, string> {
  return {
    'constants.ts': `/** What an item is: its enum values, shared by the column and its zod schema. */
export const itemKinds = ['note', 'task', 'link'] as const;
export type ItemKind = (typeof itemKinds)[number];
`,
    'shapes.ts': `import { z } from 'zod';

/** \`items.details\`: what the item carries besides its title, checked at the boundary. */
export const itemDetailsSchema = z.object({
  tags: z.array(z.string()),
  url: z.string().url().nullable().optional(),
});
export type ItemDetails = z.infer<typeof itemDetailsSchema>;
`,
    'items.ts': `import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { itemKinds } from './constants.ts';
import type { ItemDetails } from './shapes.ts';

/** The sample table: rename it, add columns, then \`pnpm db:generate --db ${name}\`. */
export const items = sqliteTable(
  'items',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: itemKinds }).notNull(),
    title: text('title').notNull(),
    details: text('details', { mode: 'json' })
      .$type<ItemDetails>()
      .notNull()
      .default(sql\`'{"tags":[]}'\`),
    /** The item this one belongs to, if any. */
    parentId: text('parent_id').references((): AnySQLiteColumn => items.id, {
      onDelete: 'cascade',
    }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [index('idx_items_parent_id').on(t.parentId)],
);
`,
    'relations.ts': `import { relations } from 'drizzle-orm';
import { items } from './items.ts';

export const itemsRelations = relations(items, ({ one, many }) => ({
  parent: one(items, { fields: [items.parentId], references: [items.id], relationName: 'children' }),
  children: many(items, { relationName: 'children' }),
}));
`,
    'schema.ts': `// Everything drizzle-kit and drizzle() need for the ${name} database: tables and relations.
export * from './items.ts';
export * from './relations.ts';
`,
    'validation.ts': `import { rowSchemas, type NewRowOf, type RowOf } from '../row-schemas.ts';
import { items } from './items.ts';
import { itemDetailsSchema } from './shapes.ts';

export const itemRows = rowSchemas(items, { details: () => itemDetailsSchema });
export type Item = RowOf<typeof itemRows>;
export type NewItem = NewRowOf<typeof itemRows>;
`,
    'seed.ts': `import { type DatabaseSeeder, DAY, sentence, spread } from '../seed-kit/recipe.ts';
import { itemKinds } from './constants.ts';
import { items } from './items.ts';

type Table = 'items';

/** Top-level items, and children spread over them. */
export const ${identifier}Seeder: DatabaseSeeder<Table> = {
  plan: (total) => ({ items: total }),
  run(ctx, counts) {
    const key = ctx.hexKey('item', items.id, 12);
    const parents = Math.max(1, Math.ceil(counts.items / 4));
    const top = Math.min(parents, counts.items);
    const text = ctx.random('item-text');
    ctx.insert(items, top, (i) => ({
      id: \`item-\${key(i)}\`,
      kind: itemKinds[i % itemKinds.length],
      title: sentence(text, 3, 8),
      details: { tags: [itemKinds[(i + 1) % itemKinds.length]] },
      createdAt: ctx.ago(DAY * 30 * ctx.unit('item-created', i)),
    }));
    const children = spread(counts.items - top, top, ctx.seed, 'children');
    ctx.insertChildren(items, children, (parent, _k, index) => ({
      id: \`item-\${key(top + index)}\`,
      kind: 'task',
      title: sentence(text, 2, 6),
      details: { tags: [] },
      parentId: \`item-\${key(parent)}\`,
      createdAt: ctx.ago(DAY * 30 * ctx.unit('item-created', top + index)),
    }));
  },
};
`,
    'database.ts': `import { defineDatabase } from '../define-database.ts';
import { migrations } from './migrations.generated.ts';
import * as schema from './schema.ts';
import { ${identifier}Seeder } from './seed.ts';
import { itemRows } from './validation.ts';

export const ${identifier} = defineDatabase({
  name: '${name}',
  description: 'the ${name} database',
  location: { base: 'home', path: '.${name}/${name}.db' },
  schema,
  rows: { items: itemRows },
  payloadColumns: ['items.details'],
  retention: { none: '${name} has no retention rule: rows are kept until they are deleted' },
  seeder: ${identifier}Seeder,
  migrationsFolder: new URL('../../migrations/${name}/', import.meta.url),
  migrations,
});
`,
    'index.ts': `export * from './constants.ts';
export * from './database.ts';
export * from './schema.ts';
export * from './shapes.ts';
export * from './validation.ts';
`,
  };
}
