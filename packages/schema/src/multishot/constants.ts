export const runStatuses = ['active', 'completed'] as const;
export type RunStatus = (typeof runStatuses)[number];

export const roundStatuses = ['running', 'selecting', 'completed'] as const;
export type RoundStatus = (typeof roundStatuses)[number];

export const agentStatuses = [
  'initializing',
  'running',
  'completed',
  'failed',
  'selected',
] as const;
export type AgentStatus = (typeof agentStatuses)[number];

/** Each round runs four agents; the seed keeps the range as a comment, not a CHECK. */
export const agentNumberRange = { min: 1, max: 4 } as const;
