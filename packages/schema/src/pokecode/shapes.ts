import { z } from 'zod';

/** `sessions.metadata`. */
export const sessionMetadataSchema = z.object({
  repository: z.string().optional(),
  branch: z.string().optional(),
  allowedTools: z.array(z.string()).optional(),
});
export type SessionMetadata = z.infer<typeof sessionMetadataSchema>;

/**
 * `job_queue.data`: the stored part of PokéCode's PromptJobData (provider, session and prompt ids
 * live in their own columns).
 */
export const promptJobDataSchema = z.object({
  prompt: z.string(),
  projectPath: z.string(),
  allowedTools: z.array(z.string()).optional(),
  messageId: z.string().optional(),
  model: z.string().optional(),
});
export type PromptJobData = z.infer<typeof promptJobDataSchema>;
