import type { z } from 'zod';
import { rowSchemas, type NewRowOf, type RowOf } from '../row-schemas.ts';
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
export const sessionRows = rowSchemas(sessions, sessionsRefine);
export type Session = RowOf<typeof sessionRows>;
export type NewSession = NewRowOf<typeof sessionRows>;

const sessionMessagesRefine = { tokenCount: counter };
export const sessionMessageRows = rowSchemas(sessionMessages, sessionMessagesRefine);
export type SessionMessage = RowOf<typeof sessionMessageRows>;
export type NewSessionMessage = NewRowOf<typeof sessionMessageRows>;

const jobQueueRefine = {
  data: () => promptJobDataSchema,
  attempts: counter,
  maxAttempts: (s: z.ZodNumber) => s.int().min(1),
};
export const jobRows = rowSchemas(jobQueue, jobQueueRefine);
export type Job = RowOf<typeof jobRows>;
export type NewJob = NewRowOf<typeof jobRows>;

export const deviceRows = rowSchemas(devices);
export type Device = RowOf<typeof deviceRows>;
export type NewDevice = NewRowOf<typeof deviceRows>;
