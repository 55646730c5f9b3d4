import { defineDatabase } from '../define-database.ts';
import { dipeoSeeder } from './seed.ts';
import { migrations } from './migrations.generated.ts';
import { retention } from './retention.ts';
import * as schema from './schema.ts';
import { executionRows, messageRows, transitionRows } from './validation.ts';

export const dipeo = defineDatabase({
  name: 'dipeo',
  description: 'DiPeO: diagram-based agent workflow executor',
  location: { base: 'cwd', path: '.dipeo/data/dipeo_state.db' },
  schema,
  rows: { executions: executionRows, messages: messageRows, transitions: transitionRows },
  payloadColumns: [
    'executions.node_states',
    'executions.node_outputs',
    'executions.variables',
    'executions.metrics',
    'transitions.payload',
    'messages.content',
  ],
  retention,
  fullText: [
    {
      table: 'messages',
      text: "the turn's text inside content (its `content`, or `text` in older rows); content that is not JSON as it is",
      migration: '0001_full_text_search',
    },
  ],
  seeder: dipeoSeeder,
  migrationsFolder: new URL('../../migrations/dipeo/', import.meta.url),
  migrations,
});
