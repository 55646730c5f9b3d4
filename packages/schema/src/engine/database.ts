import { defineDatabase } from '../define-database.ts';
import { engineSeeder } from './seed.ts';
import { migrations } from './migrations.generated.ts';
import { retention } from './retention.ts';
import * as schema from './schema.ts';
import {
  contactRows,
  contactTagRows,
  conversationNotificationRows,
  missionRows,
  pingRows,
  priorityRows,
  scheduledMissionRows,
  sessionRows,
  stagedContentRows,
  workerRows,
} from './validation.ts';

export const engine = defineDatabase({
  name: 'engine',
  description: 'a personal "chief of staff" agent system',
  location: { base: 'cwd', path: '.engine/data/db/system.db' },
  schema,
  rows: {
    contact_tags: contactTagRows,
    contacts: contactRows,
    conversation_notifications: conversationNotificationRows,
    missions: missionRows,
    pings: pingRows,
    priorities: priorityRows,
    scheduled_missions: scheduledMissionRows,
    sessions: sessionRows,
    staged_content: stagedContentRows,
    workers: workerRows,
  },
  payloadColumns: ['staged_content.content'],
  retention,
  fullText: [
    {
      table: 'staged_content',
      text: 'title and content of each portal item',
      migration: '0007_full_text_search',
    },
  ],
  seeder: engineSeeder,
  migrationsFolder: new URL('../../migrations/engine/', import.meta.url),
  migrations,
});
