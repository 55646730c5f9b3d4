/**
 * DiPeO's Status enum, shared by executions and their nodes (`maxiter_reached` only occurs on
 * nodes). No CHECK in the database: the original has none.
 */
export const executionStatuses = [
  'pending',
  'running',
  'paused',
  'completed',
  'failed',
  'aborted',
  'skipped',
  'maxiter_reached',
] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];

/** Executions the warm cache keeps loaded: the ones still in progress. */
export const activeExecutionStatuses = [
  'running',
  'pending',
] as const satisfies readonly ExecutionStatus[];

/** `transitions.phase`: the event type that produced the transition. */
export const transitionPhases = [
  'execution_started',
  'execution_completed',
  'execution_error',
  'node_started',
  'node_completed',
  'node_error',
  'node_output',
  'execution_log',
  'interactive_prompt',
  'interactive_response',
] as const;
export type TransitionPhase = (typeof transitionPhases)[number];

/** Executions started longer ago than this are removed by cleanup. */
export const executionRetentionDays = 7;
