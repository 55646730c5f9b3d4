import type { z } from 'zod';
import { createInsertSchema, createSelectSchema, createUpdateSchema } from 'drizzle-zod';
import { devices } from './devices.ts';
import { jobQueue } from './job-queue.ts';
import { sessionMessages } from './session-messages.ts';
import { sessions } from './sessions.ts';
import { promptJobDataSchema, sessionMetadataSchema } from './shapes.ts';

const counter = (s: z.ZodNumber) => s.int().nonnegative();

const sessionsRefine = {
  metadata: () => sessionMetadataSchema,
  messageCount: counter,
  tokenCount: counter,
};
export const insertSessionSchema = createInsertSchema(sessions, sessionsRefine);
export const selectSessionSchema = createSelectSchema(sessions, sessionsRefine);
export const updateSessionSchema = createUpdateSchema(sessions, sessionsRefine);
export type Session = z.infer<typeof selectSessionSchema>;
export type NewSession = z.infer<typeof insertSessionSchema>;

const sessionMessagesRefine = { tokenCount: counter };
export const insertSessionMessageSchema = createInsertSchema(
  sessionMessages,
  sessionMessagesRefine,
);
export const selectSessionMessageSchema = createSelectSchema(
  sessionMessages,
  sessionMessagesRefine,
);
export const updateSessionMessageSchema = createUpdateSchema(
  sessionMessages,
  sessionMessagesRefine,
);
export type SessionMessage = z.infer<typeof selectSessionMessageSchema>;
export type NewSessionMessage = z.infer<typeof insertSessionMessageSchema>;

const jobQueueRefine = {
  data: () => promptJobDataSchema,
  attempts: counter,
  maxAttempts: (s: z.ZodNumber) => s.int().min(1),
};
export const insertJobSchema = createInsertSchema(jobQueue, jobQueueRefine);
export const selectJobSchema = createSelectSchema(jobQueue, jobQueueRefine);
export const updateJobSchema = createUpdateSchema(jobQueue, jobQueueRefine);
export type Job = z.infer<typeof selectJobSchema>;
export type NewJob = z.infer<typeof insertJobSchema>;

export const insertDeviceSchema = createInsertSchema(devices);
export const selectDeviceSchema = createSelectSchema(devices);
export const updateDeviceSchema = createUpdateSchema(devices);
export type Device = z.infer<typeof selectDeviceSchema>;
export type NewDevice = z.infer<typeof insertDeviceSchema>;
