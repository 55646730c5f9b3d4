import { z } from 'zod';
import { createInsertSchema, createSelectSchema, createUpdateSchema } from 'drizzle-zod';
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
export const insertSessionSchema = createInsertSchema(sessions, sessionsRefine);
export const selectSessionSchema = createSelectSchema(sessions, sessionsRefine);
export const updateSessionSchema = createUpdateSchema(sessions, sessionsRefine);
export type Session = z.infer<typeof selectSessionSchema>;
export type NewSession = z.infer<typeof insertSessionSchema>;

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
export const insertWorkerSchema = createInsertSchema(workers, workersRefine);
export const selectWorkerSchema = createSelectSchema(workers, workersRefine);
export const updateWorkerSchema = createUpdateSchema(workers, workersRefine);
export type Worker = z.infer<typeof selectWorkerSchema>;
export type NewWorker = z.infer<typeof insertWorkerSchema>;

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
export const insertScheduledMissionSchema = createInsertSchema(
  scheduledMissions,
  scheduledMissionsRefine,
);
export const selectScheduledMissionSchema = createSelectSchema(
  scheduledMissions,
  scheduledMissionsRefine,
);
export const updateScheduledMissionSchema = createUpdateSchema(
  scheduledMissions,
  scheduledMissionsRefine,
);
export type ScheduledMission = z.infer<typeof selectScheduledMissionSchema>;
export type NewScheduledMission = z.infer<typeof insertScheduledMissionSchema>;

const missionsRefine = {
  startedAt: date,
  endedAt: date,
  durationSeconds: counter,
};
export const insertMissionSchema = createInsertSchema(missions, missionsRefine);
export const selectMissionSchema = createSelectSchema(missions, missionsRefine);
export const updateMissionSchema = createUpdateSchema(missions, missionsRefine);
export type Mission = z.infer<typeof selectMissionSchema>;
export type NewMission = z.infer<typeof insertMissionSchema>;

const contactsRefine = {
  email: (s: z.ZodString) => s.email(),
  phone: (s: z.ZodString) =>
    s.regex(/^\+[1-9]\d{1,14}$/, 'expected an E.164 number like +14155550123'),
  createdAt: date,
};
export const insertContactSchema = createInsertSchema(contacts, contactsRefine);
export const selectContactSchema = createSelectSchema(contacts, { createdAt: date });
export const updateContactSchema = createUpdateSchema(contacts, contactsRefine);
export type Contact = z.infer<typeof selectContactSchema>;
export type NewContact = z.infer<typeof insertContactSchema>;

export const insertContactTagSchema = createInsertSchema(contactTags, {
  tag: (s: z.ZodString) => s.min(1),
});
export const selectContactTagSchema = createSelectSchema(contactTags);
export const updateContactTagSchema = createUpdateSchema(contactTags);
export type ContactTag = z.infer<typeof selectContactTagSchema>;

const prioritiesRefine = {
  date: (s: z.ZodString) => s.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'),
  position: counter,
  completedAt: date,
  createdAt: date,
  updatedAt: date,
};
export const insertPrioritySchema = createInsertSchema(priorities, prioritiesRefine);
export const selectPrioritySchema = createSelectSchema(priorities, prioritiesRefine);
export const updatePrioritySchema = createUpdateSchema(priorities, prioritiesRefine);
export type Priority = z.infer<typeof selectPrioritySchema>;
export type NewPriority = z.infer<typeof insertPrioritySchema>;

const stagedContentRefine = {
  position: counter,
  createdAt: date,
  updatedAt: date,
  displayedAt: date,
  expiresAt: date,
};
export const insertStagedContentSchema = createInsertSchema(stagedContent, stagedContentRefine);
export const selectStagedContentSchema = createSelectSchema(stagedContent, stagedContentRefine);
export const updateStagedContentSchema = createUpdateSchema(stagedContent, stagedContentRefine);
export type StagedContent = z.infer<typeof selectStagedContentSchema>;
export type NewStagedContent = z.infer<typeof insertStagedContentSchema>;

const conversationNotificationsRefine = { notifiedAt: date };
export const insertConversationNotificationSchema = createInsertSchema(
  conversationNotifications,
  conversationNotificationsRefine,
);
export const selectConversationNotificationSchema = createSelectSchema(
  conversationNotifications,
  conversationNotificationsRefine,
);
export const updateConversationNotificationSchema = createUpdateSchema(
  conversationNotifications,
  conversationNotificationsRefine,
);
export type ConversationNotification = z.infer<typeof selectConversationNotificationSchema>;
export type NewConversationNotification = z.infer<typeof insertConversationNotificationSchema>;

const pingsRefine = { createdAt: date, acknowledgedAt: date };
export const insertPingSchema = createInsertSchema(pings, pingsRefine);
export const selectPingSchema = createSelectSchema(pings, pingsRefine);
export const updatePingSchema = createUpdateSchema(pings, pingsRefine);
export type Ping = z.infer<typeof selectPingSchema>;
export type NewPing = z.infer<typeof insertPingSchema>;
