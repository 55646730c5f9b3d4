import { relations } from 'drizzle-orm';
import { jobQueue } from './job-queue.ts';
import { sessionMessages } from './session-messages.ts';
import { sessions } from './sessions.ts';

export const sessionsRelations = relations(sessions, ({ one, many }) => ({
  messages: many(sessionMessages),
  jobs: many(jobQueue),
  // current_job_id points at the job the session is working on; no foreign key in the original.
  currentJob: one(jobQueue, { fields: [sessions.currentJobId], references: [jobQueue.id] }),
}));

export const sessionMessagesRelations = relations(sessionMessages, ({ one }) => ({
  session: one(sessions, { fields: [sessionMessages.sessionId], references: [sessions.id] }),
}));

export const jobQueueRelations = relations(jobQueue, ({ one }) => ({
  session: one(sessions, { fields: [jobQueue.sessionId], references: [sessions.id] }),
}));
