// Run by down.ts in a child process (drizzle-kit's resolvers may prompt; here stdin is closed):
//   node down-statements.mjs <snapshot of the step> <snapshot before it, or "">
// Prints drizzle-kit's statements from the step's schema back to the previous one, as JSON.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { generateSQLiteMigration } from 'drizzle-kit/api';

const [current, previous] = process.argv.slice(2);
const empty = {
  version: '6',
  dialect: 'sqlite',
  id: '00000000-0000-0000-0000-000000000000',
  prevId: '00000000-0000-0000-0000-000000000000',
  tables: {},
  views: {},
  enums: {},
  _meta: { tables: {}, columns: {} },
};
const read = (path) => (path ? JSON.parse(readFileSync(path, 'utf8')) : empty);
const statements = await generateSQLiteMigration(read(current), read(previous));
process.stdout.write(JSON.stringify(statements));
