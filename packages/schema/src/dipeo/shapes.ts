import { z } from 'zod';
import { executionStatuses, transitionPhases } from './constants.ts';

/**
 * Shapes of DiPeO's JSON columns: pieces of its `ExecutionState` model, as Python dumps them.
 * pydantic's `model_dump()` writes every field, an unset optional one as `null`, so every
 * optional field accepts `null` as well as being left out (dicts DiPeO builds by hand, such as a
 * fresh output envelope, leave keys out).
 */

const jsonObject = z.record(z.string(), z.unknown());

export const llmUsageSchema = z.object({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  cached: z.number().int().nonnegative().nullable().optional(),
  total: z.number().int().nonnegative().nullable().optional(),
});
export type LlmUsage = z.infer<typeof llmUsageSchema>;

export const nodeStateSchema = z.object({
  status: z.enum(executionStatuses),
  started_at: z.string().nullable().optional(),
  ended_at: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  llm_usage: llmUsageSchema.nullable().optional(),
  output: jsonObject.nullable().optional(),
});
export type NodeState = z.infer<typeof nodeStateSchema>;

export const envelopeMetaSchema = z
  .object({
    node_id: z.string().nullable().optional(),
    llm_usage: llmUsageSchema.nullable().optional(),
    execution_time: z.number().nullable().optional(),
    retry_count: z.number().int().nullable().optional(),
    error: z.string().nullable().optional(),
    error_type: z.string().nullable().optional(),
    timestamp: z.union([z.string(), z.number()]).nullable().optional(),
  })
  .catchall(z.unknown());

/** A node's output, wrapped in DiPeO's serialized envelope. */
export const serializedEnvelopeSchema = z.object({
  envelope_format: z.literal(true),
  id: z.string(),
  trace_id: z.string(),
  produced_by: z.string(),
  content_type: z.string(),
  schema_id: z.string().nullable().optional(),
  serialization_format: z.string().nullable().optional(),
  body: z.unknown(),
  meta: envelopeMetaSchema,
  representations: jsonObject.nullable().optional(),
});
export type SerializedEnvelope = z.infer<typeof serializedEnvelopeSchema>;

const nodeMetricsSchema = z.object({
  node_id: z.string(),
  node_type: z.string(),
  start_time: z.number(),
  end_time: z.number().nullable().optional(),
  duration_ms: z.number().nullable().optional(),
  memory_usage: z.number().nullable().optional(),
  llm_usage: llmUsageSchema.nullable().optional(),
  error: z.string().nullable().optional(),
  dependencies: z.array(z.string()).nullable().optional(),
  module_timings: z.record(z.string(), z.number()).nullable().optional(),
});

export const executionMetricsSchema = z.object({
  execution_id: z.string(),
  /** Epoch seconds (float). */
  start_time: z.number(),
  end_time: z.number().nullable().optional(),
  total_duration_ms: z.number().nullable().optional(),
  node_metrics: z.record(z.string(), nodeMetricsSchema),
  critical_path: z.array(z.string()).nullable().optional(),
  parallelizable_groups: z.array(z.array(z.string())).nullable().optional(),
  bottlenecks: z
    .array(
      z.object({
        node_id: z.string(),
        node_type: z.string(),
        duration_ms: z.number(),
        percentage: z.number(),
      }),
    )
    .nullable()
    .optional(),
});
export type ExecutionMetrics = z.infer<typeof executionMetricsSchema>;

export const nodeStatesSchema = z.record(z.string(), nodeStateSchema);
export type NodeStates = z.infer<typeof nodeStatesSchema>;
export const nodeOutputsSchema = z.record(z.string(), serializedEnvelopeSchema);
export type NodeOutputs = z.infer<typeof nodeOutputsSchema>;
export const variablesSchema = jsonObject;
export type Variables = z.infer<typeof variablesSchema>;
/** How many times each node ran. */
export const execCountsSchema = z.record(z.string(), z.number().int().nonnegative());
export type ExecCounts = z.infer<typeof execCountsSchema>;
/** Node ids in execution order. */
export const executedNodesSchema = z.array(z.string());
export type ExecutedNodes = z.infer<typeof executedNodesSchema>;

/** `transitions.payload`: the event type again, and the event's own data. */
export const transitionPayloadSchema = z.object({
  event_type: z.enum(transitionPhases),
  data: jsonObject,
});
export type TransitionPayload = z.infer<typeof transitionPayloadSchema>;

/** `messages.content`: a conversation turn; older rows carry `text` instead of `content`. */
export const messageContentSchema = z
  .object({
    role: z.string(),
    content: z.string().optional(),
    text: z.string().optional(),
  })
  .catchall(z.unknown())
  .refine((value) => value.content !== undefined || value.text !== undefined, {
    message: 'a message needs `content` (or `text`)',
  });
export type MessageContent = z.infer<typeof messageContentSchema>;
