import { z } from 'zod';
import { mcpServerStatuses } from './constants.ts';

/**
 * Shapes of mcpmaker's JSON columns, as the recorder and analyzer write them. The zod schemas are
 * the source: the column types are inferred from them, and validation.ts checks them at the
 * boundary (drizzle-zod alone would accept any JSON).
 */

export const domEventTypes = ['click', 'input', 'change', 'submit', 'navigate', 'keydown'] as const;
export const parameterLocations = ['path', 'query', 'body', 'header'] as const;
export const playbackActionTypes = [
  'click',
  'input',
  'select',
  'keydown',
  'navigate',
  'wait',
  'scroll',
  'done',
  'fail',
] as const;

const stringRecord = z.record(z.string(), z.string());

export const domEventSchema = z.object({
  timestamp: z.number(),
  type: z.enum(domEventTypes),
  selector: z.string(),
  elementContext: z.string(),
  value: z.string().optional(),
  /** Base64 crop of the element. */
  screenshotRegion: z.string().optional(),
  windowId: z.number().int().optional(),
  tabId: z.number().int().optional(),
  inputType: z.string().optional(),
  tagName: z.string().optional(),
  attributes: stringRecord.optional(),
  innerText: z.string().optional(),
  ariaLabel: z.string().optional(),
  formLabels: z.array(z.string()).optional(),
  pageTitle: z.string().optional(),
  pageUrl: z.string().optional(),
});
export type DomEvent = z.infer<typeof domEventSchema>;

export const networkEventSchema = z.object({
  timestamp: z.number(),
  url: z.string(),
  method: z.string(),
  requestHeaders: stringRecord,
  requestBody: z.string().optional(),
  responseStatus: z.number().int(),
  responseHeaders: stringRecord,
  responseBody: z.string().optional(),
  initiator: z.string(),
  windowId: z.number().int().optional(),
  tabId: z.number().int().optional(),
  resourceType: z.string().optional(),
});
export type NetworkEvent = z.infer<typeof networkEventSchema>;

export const correlationSchema = z.object({
  domEventIndex: z.number().int().nonnegative(),
  networkEventIndices: z.array(z.number().int().nonnegative()),
  /** Milliseconds between the DOM event and the first correlated request. */
  timeGap: z.number(),
});
export type Correlation = z.infer<typeof correlationSchema>;

export const domEventsSchema = z.array(domEventSchema);
export const networkEventsSchema = z.array(networkEventSchema);
export const correlationsSchema = z.array(correlationSchema);

const stepInputMappingSchema = z.object({
  sourceStep: z.number().int(),
  sourceJsonPath: z.string(),
  targetLocation: z.enum(parameterLocations),
  targetKey: z.string(),
  description: z.string(),
});

const fieldExtractionSchema = z.object({
  name: z.string(),
  jsonPath: z.string(),
  type: z.string(),
  description: z.string(),
});

export interface WorkflowStep {
  order: number;
  description: string;
  domAction?: {
    type: (typeof domEventTypes)[number];
    selector: string;
    fallbackSelectors: string[];
    ariaLabel?: string;
    textContent?: string;
    value?: string;
    /** Name of the ParameterDef that fills `value`. */
    parameterRef?: string;
  };
  request: {
    method: string;
    pathTemplate: string;
    headers: Record<string, string>;
    bodyTemplate?: string;
    queryTemplate?: Record<string, string>;
  };
  inputMappings: z.infer<typeof stepInputMappingSchema>[];
  response: { expectedStatus: number; extractFields: z.infer<typeof fieldExtractionSchema>[] };
  dependsOn?: number;
  isLoopStep?: boolean;
  loopCondition?: {
    type: 'element_absent' | 'element_present' | 'api_response_match';
    selector?: string;
    jsonPath?: string;
    expectedValue?: string;
  };
  opensPopup?: boolean;
  /** Steps run in the popup this step opens. */
  popupActions?: WorkflowStep[];
}

// Steps nest through popupActions, so the schema is recursive and its type is written out above.
export const workflowStepSchema: z.ZodType<WorkflowStep> = z.lazy(() =>
  z.object({
    order: z.number().int(),
    description: z.string(),
    domAction: z
      .object({
        type: z.enum(domEventTypes),
        selector: z.string(),
        fallbackSelectors: z.array(z.string()),
        ariaLabel: z.string().optional(),
        textContent: z.string().optional(),
        value: z.string().optional(),
        parameterRef: z.string().optional(),
      })
      .optional(),
    request: z.object({
      method: z.string(),
      pathTemplate: z.string(),
      headers: stringRecord,
      bodyTemplate: z.string().optional(),
      queryTemplate: stringRecord.optional(),
    }),
    inputMappings: z.array(stepInputMappingSchema),
    response: z.object({
      expectedStatus: z.number().int(),
      extractFields: z.array(fieldExtractionSchema),
    }),
    dependsOn: z.number().int().optional(),
    isLoopStep: z.boolean().optional(),
    loopCondition: z
      .object({
        type: z.enum(['element_absent', 'element_present', 'api_response_match']),
        selector: z.string().optional(),
        jsonPath: z.string().optional(),
        expectedValue: z.string().optional(),
      })
      .optional(),
    opensPopup: z.boolean().optional(),
    popupActions: z.array(workflowStepSchema).optional(),
  }),
);

const parameterDefSchema = z.object({
  name: z.string(),
  type: z.enum(['string', 'number', 'boolean']),
  required: z.boolean(),
  description: z.string(),
  example: z.string(),
  usedIn: z.array(
    z.object({ step: z.number().int(), location: z.enum(parameterLocations), key: z.string() }),
  ),
});

const returnDefSchema = z.object({
  description: z.string(),
  fields: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      description: z.string(),
      source: z.object({ step: z.number().int(), jsonPath: z.string() }),
    }),
  ),
});

const authPatternSchema = z.object({
  type: z.enum(['cookie', 'bearer', 'api_key', 'custom']),
  credentialFields: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      location: z.enum(['header', 'cookie', 'query']),
    }),
  ),
});

export const workflowDefinitionSchema = z.object({
  name: z.string(),
  description: z.string(),
  confidence: z.enum(['high', 'medium', 'low']),
  steps: z.array(workflowStepSchema),
  parameters: z.array(parameterDefSchema),
  returns: returnDefSchema,
  auth: authPatternSchema,
  baseUrl: z.string(),
  recordingCount: z.number().int().nonnegative(),
  /** ISO 8601 time of the newest recording the definition was learned from. */
  lastRecorded: z.string(),
});
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;

export const playbackActionSchema = z.object({
  type: z.enum(playbackActionTypes),
  elementIndex: z.number().int().optional(),
  value: z.string().optional(),
  reasoning: z.string(),
  confidence: z.number(),
});

export const completedActionSchema = z.object({
  action: playbackActionSchema,
  success: z.boolean(),
  error: z.string().optional(),
  timestamp: z.number(),
  snapshotUrl: z.string().optional(),
});
export type CompletedAction = z.infer<typeof completedActionSchema>;

/** `playback_logs.data`. The default `'{}'` predates the fields, so each one may be missing. */
export const playbackDataSchema = z.object({
  actions: z.array(completedActionSchema).optional(),
  totalActions: z.number().int().nonnegative().optional(),
  successfulActions: z.number().int().nonnegative().optional(),
});
export type PlaybackData = z.infer<typeof playbackDataSchema>;

export const mcpServerStatusSchema = z.enum(mcpServerStatuses);
