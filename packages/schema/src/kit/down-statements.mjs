// Run by down.ts and squash.ts in a child process (drizzle-kit's resolvers may prompt; here stdin
// is closed):
//   node down-statements.mjs <from snapshot> <to snapshot> [<from> <to>]...
// "" stands for the empty schema. Prints, as JSON, one list of drizzle-kit's statements per pair:
// what turns the first schema into the second (a step's down is its snapshot to the one before).
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { generateSQLiteMigration } from 'drizzle-kit/api';

const paths = process.argv.slice(2);
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
const diffs = [];
for (let i = 0; i + 1 < paths.length; i += 2) {
  diffs.push(await generateSQLiteMigration(read(paths[i]), read(paths[i + 1])));
}
process.stdout.write(JSON.stringify(diffs));
