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
  fullText: [
    {
      table: 'session_messages',
      text:
        'the text inside content_data, the provider event: user and assistant text, thinking, ' +
        'tool names, tool inputs and results (Claude Code), reasoning, commands and their output, ' +
        'changed paths and agent messages (Codex CLI); content_data that is not JSON as it is',
      migration: '0005_full_text_search',
    },
  ],
  seeder: pokecodeSeeder,
  migrationsFolder: new URL('../../migrations/pokecode/', import.meta.url),
  migrations,
});
