import { defineDatabase } from '../define-database.ts';
import { multishotSeeder } from './seed.ts';
import { migrations } from './migrations.generated.ts';
import * as schema from './schema.ts';
import { agentRows, credentialRows, outputLogRows, roundRows, runRows } from './validation.ts';

export const multishot = defineDatabase({
  name: 'multishot',
  description:
    'Multishot: runs 4 coding agents in parallel sandboxes per round, the user picks a winner',
  location: { base: 'home', path: '.multishot/database.sqlite' },
  schema,
  rows: {
    agents: agentRows,
    credentials: credentialRows,
    output_logs: outputLogRows,
    rounds: roundRows,
    runs: runRows,
  },
  payloadColumns: ['output_logs.content'],
  // The desktop app keeps a reference to the OS keychain; the plaintext never reaches the file.
  secrets: [{ table: 'credentials', column: 'value' }],
  retention: { none: 'multishot has no retention rule: runs are kept until the user deletes them' },
  fullText: [
    {
      table: 'output_logs',
      text: 'content: what the agents printed',
      migration: '0001_full_text_search',
    },
  ],
  seeder: multishotSeeder,
  migrationsFolder: new URL('../../migrations/multishot/', import.meta.url),
  migrations,
});
