/** Agent CLIs a session can drive. TypeScript-only in the original (no CHECK). */
export const providers = ['claude-code', 'codex-cli'] as const;
export type Provider = (typeof providers)[number];

export const sessionStates = ['active', 'inactive'] as const;
export type SessionState = (typeof sessionStates)[number];

export const messageTypes = ['user', 'assistant', 'system', 'result', 'error'] as const;
export type MessageType = (typeof messageTypes)[number];

export const jobStatuses = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** Statuses after which a job never runs again; retention cleanup removes them. */
export const finishedJobStatuses = [
  'completed',
  'failed',
  'cancelled',
] as const satisfies readonly JobStatus[];

/** Default retention of finished jobs, in days. */
export const jobRetentionDays = 30;
