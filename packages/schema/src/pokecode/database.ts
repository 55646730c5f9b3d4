import { defineDatabase } from '../define-database.ts';
import { pokecodeSeeder } from './seed.ts';
import { migrations } from './migrations.generated.ts';
import { retention } from './retention.ts';
import * as schema from './schema.ts';
import { deviceRows, jobRows, sessionMessageRows, sessionRows } from './validation.ts';

export const pokecode = defineDatabase({
  name: 'pokecode',
  description: 'PokéCode: drives Claude Code / Codex CLI sessions from a phone; prompt job queue',
  location: { base: 'home', path: '.pokecode/pokecode.db' },
  schema,
  rows: {
    devices: deviceRows,
    job_queue: jobRows,
    session_messages: sessionMessageRows,
    sessions: sessionRows,
  },
  payloadColumns: ['session_messages.content_data', 'job_queue.data'],
  retention,
  seeder: pokecodeSeeder,
  migrationsFolder: new URL('../../migrations/pokecode/', import.meta.url),
  migrations,
});
