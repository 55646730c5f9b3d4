import { defineDatabase } from '../define-database.ts';
import { mcpmakerSeeder } from './seed.ts';
import { secretConfigKeys } from './constants.ts';
import { migrations } from './migrations.generated.ts';
import * as schema from './schema.ts';
import {
  configRows,
  playbackLogRows,
  sessionRows,
  workflowRows,
  workflowSessionRows,
} from './validation.ts';

export const mcpmaker = defineDatabase({
  name: 'mcpmaker',
  description:
    'MCPMaker: records browser sessions, turns them into MCP-server workflows, replays them',
  location: { base: 'home', path: '.mcpmaker/mcpmaker.db' },
  schema,
  rows: {
    config: configRows,
    playback_logs: playbackLogRows,
    sessions: sessionRows,
    workflow_sessions: workflowSessionRows,
    workflows: workflowRows,
  },
  payloadColumns: [
    'sessions.dom_events',
    'sessions.network_events',
    'sessions.correlations',
    'workflows.definition',
    'playback_logs.data',
  ],
  secrets: [
    { table: 'config', column: 'value', keys: { column: 'key', values: secretConfigKeys } },
  ],
  retention: {
    none: 'mcpmaker has no retention rule: the original keeps recordings, workflows and playback logs until the user deletes them',
  },
  fullText: [
    {
      table: 'playback_logs',
      text: 'insights (what the model wrote after a run) and site_pattern',
      migration: '0001_full_text_search',
    },
  ],
  seeder: mcpmakerSeeder,
  migrationsFolder: new URL('../../migrations/mcpmaker/', import.meta.url),
  migrations,
});
