import { z } from 'zod';
import { rowSchemas, type NewRowOf, type RowOf } from '../row-schemas.ts';
import { contactTags, contacts } from './contacts.ts';
import { conversationNotifications } from './conversation-notifications.ts';
import { missions } from './missions.ts';
import { pings } from './pings.ts';
import { priorities } from './priorities.ts';
import { scheduledMissions } from './scheduled-missions.ts';
import { sessions } from './sessions.ts';
import { scheduleDaysSchema } from './shapes.ts';
import { stagedContent } from './staged-content.ts';
import { workers } from './workers.ts';

const date = () => z.date();
const counter = (s: z.ZodNumber) => s.int().nonnegative();

const sessionsRefine = {
  contextWarningLevel: (s: z.ZodNumber) => s.int().min(0).max(100),
  startedAt: date,
  endedAt: date,
};
export const sessionRows = rowSchemas(sessions, sessionsRefine);
export type Session = RowOf<typeof sessionRows>;
export type NewSession = NewRowOf<typeof sessionRows>;

const workersRefine = {
  retryCount: counter,
  maxRetries: counter,
  executeAt: date,
  retryAt: date,
  leaseExpiresAt: date,
  createdAt: date,
  updatedAt: date,
  startedAt: date,
  completedAt: date,
};
export const workerRows = rowSchemas(workers, workersRefine);
export type Worker = RowOf<typeof workerRows>;
export type NewWorker = NewRowOf<typeof workerRows>;

const scheduledMissionsRefine = {
  slug: (s: z.ZodString) =>
    s.regex(/^[a-z0-9][a-z0-9-]*$/, 'a slug is lowercase words joined by -'),
  scheduleTime: (s: z.ZodString) => s.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
  scheduleDays: () => scheduleDaysSchema,
  timeoutMinutes: (s: z.ZodNumber) => s.int().positive(),
  nextRun: date,
  lastRun: date,
  createdAt: date,
  updatedAt: date,
};
export const scheduledMissionRows = rowSchemas(scheduledMissions, scheduledMissionsRefine);
export type ScheduledMission = RowOf<typeof scheduledMissionRows>;
export type NewScheduledMission = NewRowOf<typeof scheduledMissionRows>;

const missionsRefine = {
  startedAt: date,
  endedAt: date,
  durationSeconds: counter,
};
export const missionRows = rowSchemas(missions, missionsRefine);
export type Mission = RowOf<typeof missionRows>;
export type NewMission = NewRowOf<typeof missionRows>;

// A contact read back is shown whatever its email or phone holds; what the client writes is checked.
export const contactRows = rowSchemas(
  contacts,
  { createdAt: date },
  {
    email: (s: z.ZodString) => s.email(),
    phone: (s: z.ZodString) =>
      s.regex(/^\+[1-9]\d{1,14}$/, 'expected an E.164 number like +14155550123'),
  },
);
export type Contact = RowOf<typeof contactRows>;
export type NewContact = NewRowOf<typeof contactRows>;

export const contactTagRows = rowSchemas(contactTags, {}, { tag: (s: z.ZodString) => s.min(1) });
export type ContactTag = RowOf<typeof contactTagRows>;

const prioritiesRefine = {
  date: (s: z.ZodString) => s.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'),
  position: counter,
  completedAt: date,
  createdAt: date,
  updatedAt: date,
};
export const priorityRows = rowSchemas(priorities, prioritiesRefine);
export type Priority = RowOf<typeof priorityRows>;
export type NewPriority = NewRowOf<typeof priorityRows>;

const stagedContentRefine = {
  position: counter,
  createdAt: date,
  updatedAt: date,
  displayedAt: date,
  expiresAt: date,
};
export const stagedContentRows = rowSchemas(stagedContent, stagedContentRefine);
export type StagedContent = RowOf<typeof stagedContentRows>;
export type NewStagedContent = NewRowOf<typeof stagedContentRows>;

const conversationNotificationsRefine = { notifiedAt: date };
export const conversationNotificationRows = rowSchemas(
  conversationNotifications,
  conversationNotificationsRefine,
);
export type ConversationNotification = RowOf<typeof conversationNotificationRows>;
export type NewConversationNotification = NewRowOf<typeof conversationNotificationRows>;

const pingsRefine = { createdAt: date, acknowledgedAt: date };
export const pingRows = rowSchemas(pings, pingsRefine);
export type Ping = RowOf<typeof pingRows>;
export type NewPing = NewRowOf<typeof pingRows>;
