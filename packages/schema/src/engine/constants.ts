/** Session roles: the Chief plus the specialists it starts. */
export const sessionRoles = ['chief', 'builder', 'deep-work', 'project', 'idea'] as const;
export type SessionRole = (typeof sessionRoles)[number];

export const sessionModes = ['interactive', 'background', 'autonomous'] as const;
export type SessionMode = (typeof sessionModes)[number];

export const sessionStates = ['active', 'tool_active', 'idle'] as const;
export type SessionState = (typeof sessionStates)[number];

/** Context-usage thresholds (percent) that raise a warning; 0 means none raised yet. */
export const contextWarningLevels = [50, 70, 90] as const;
export type ContextWarningLevel = 0 | (typeof contextWarningLevels)[number];

/** Worker lifecycle. `cancelled` is set by the user; the others by the queue. */
export const workerStatuses = ['pending', 'running', 'complete', 'failed', 'cancelled'] as const;
export type WorkerStatus = (typeof workerStatuses)[number];

/** Statuses after which a worker never runs again. */
export const finishedWorkerStatuses = [
  'complete',
  'failed',
  'cancelled',
] as const satisfies readonly WorkerStatus[];

export const priorityLevels = ['critical', 'high', 'medium', 'low'] as const;
export type PriorityLevel = (typeof priorityLevels)[number];

export const scheduleTypes = ['cron', 'time', 'relative'] as const;
export type ScheduleType = (typeof scheduleTypes)[number];

export const promptTypes = ['file', 'inline'] as const;
export type PromptType = (typeof promptTypes)[number];

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

/** How a scheduled mission's last run ended. */
export const missionOutcomes = ['completed', 'failed', 'timeout'] as const;
export type MissionOutcome = (typeof missionOutcomes)[number];

/** Status of one mission run. */
export const missionRunStatuses = [
  'running',
  'completed',
  'failed',
  'timeout',
  'cancelled',
] as const;
export type MissionRunStatus = (typeof missionRunStatuses)[number];

export const stagedContentTypes = ['markdown', 'html', 'text', 'json'] as const;
export type StagedContentType = (typeof stagedContentTypes)[number];

export const stagedContentStatuses = ['staged', 'displayed', 'dismissed'] as const;
export type StagedContentStatus = (typeof stagedContentStatuses)[number];

/** Notification kinds the engine sends; the column accepts others too. */
export const notificationTypes = ['worker_complete', 'worker_failed', 'context_warning'] as const;
