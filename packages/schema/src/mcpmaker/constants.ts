/** State of a workflow's generated MCP server. No CHECK in the database: the original has none. */
export const mcpServerStatuses = ['stopped', 'running', 'error'] as const;
export type McpServerStatus = (typeof mcpServerStatuses)[number];

/** How a playback run ended. */
export const playbackOutcomes = ['completed', 'failed', 'partial'] as const;
export type PlaybackOutcome = (typeof playbackOutcomes)[number];

/** The config key whose value is a secret and is stored encrypted. */
export const secretConfigKeys = ['anthropic_api_key'] as const;
