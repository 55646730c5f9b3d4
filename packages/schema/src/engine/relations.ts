import { relations } from 'drizzle-orm';
import { contactTags, contacts } from './contacts.ts';
import { conversationNotifications } from './conversation-notifications.ts';
import { missions } from './missions.ts';
import { pings } from './pings.ts';
import { scheduledMissions } from './scheduled-missions.ts';
import { sessions } from './sessions.ts';
import { stagedContent } from './staged-content.ts';
import { workers } from './workers.ts';

export const sessionsRelations = relations(sessions, ({ many }) => ({
  workers: many(workers),
  pings: many(pings),
  missions: many(missions),
  notifications: many(conversationNotifications),
  stagedContent: many(stagedContent),
}));

export const workersRelations = relations(workers, ({ one, many }) => ({
  session: one(sessions, { fields: [workers.sessionId], references: [sessions.id] }),
  stagedContent: many(stagedContent),
}));

export const scheduledMissionsRelations = relations(scheduledMissions, ({ many }) => ({
  runs: many(missions),
}));

export const missionsRelations = relations(missions, ({ one }) => ({
  scheduledMission: one(scheduledMissions, {
    fields: [missions.missionId],
    references: [scheduledMissions.id],
  }),
  session: one(sessions, { fields: [missions.sessionId], references: [sessions.id] }),
}));

export const contactsRelations = relations(contacts, ({ many }) => ({
  tags: many(contactTags),
}));

export const contactTagsRelations = relations(contactTags, ({ one }) => ({
  contact: one(contacts, { fields: [contactTags.contactId], references: [contacts.id] }),
}));

export const stagedContentRelations = relations(stagedContent, ({ one }) => ({
  session: one(sessions, { fields: [stagedContent.sessionId], references: [sessions.id] }),
  worker: one(workers, { fields: [stagedContent.workerId], references: [workers.id] }),
}));

export const conversationNotificationsRelations = relations(
  conversationNotifications,
  ({ one }) => ({
    session: one(sessions, {
      fields: [conversationNotifications.sessionId],
      references: [sessions.id],
    }),
  }),
);

export const pingsRelations = relations(pings, ({ one }) => ({
  session: one(sessions, { fields: [pings.sessionId], references: [sessions.id] }),
}));
