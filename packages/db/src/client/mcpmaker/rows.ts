import { config, playbackLogs, sessions, workflows } from '@agentstate/schema/mcpmaker';
import { columnNames, rowDecoder, rowEncoder } from '../shared/row-codec.ts';
import {
  configInsertKeys,
  playbackLogInsertKeys,
  sessionValueKeys,
  workflowInsertKeys,
  workflowTouchKeys,
  updateWorkflowText,
  type WorkflowPatchKey,
} from './statements.ts';

/**
 * The mcpmaker tables' row codecs, compiled from their Drizzle columns (row-codec.ts): SQL rows
 * (snake_case, Unix milliseconds, JSON text, either timestamp text form) to typed rows, and typed
 * values to each statement's parameters.
 */

export const toWorkflow = rowDecoder(workflows);
export const toSession = rowDecoder(sessions);
export const toPlaybackLog = rowDecoder(playbackLogs);

export const encodeWorkflow = rowEncoder(workflows, workflowInsertKeys);
export const encodeWorkflowTouch = rowEncoder(workflows, workflowTouchKeys);
export const encodeSession = rowEncoder(sessions, sessionValueKeys);
export const encodeConfig = rowEncoder(config, configInsertKeys);
export const encodePlaybackLog = rowEncoder(playbackLogs, playbackLogInsertKeys);

export const sessionColumns = columnNames(sessions, sessionValueKeys);
export const playbackLogColumns = columnNames(playbackLogs, playbackLogInsertKeys);

export interface WorkflowUpdateStatement {
  text: string;
  /** The set keys' values: the text's first parameters (updated_at and the id follow). */
  encode: ReturnType<typeof rowEncoder<typeof workflows, WorkflowPatchKey>>;
  /** The SQL names of the set columns (the first parameters). */
  columns: string[];
}

const workflowUpdates = new Map<string, WorkflowUpdateStatement>();

/**
 * The update of a workflow's given columns, built once per set of columns (at most 31): a
 * synchronous runner prepares each text once.
 */
export function workflowUpdate(keys: readonly WorkflowPatchKey[]): WorkflowUpdateStatement {
  const id = keys.join(',');
  let update = workflowUpdates.get(id);
  if (update === undefined) {
    update = {
      text: updateWorkflowText(keys),
      encode: rowEncoder(workflows, keys),
      columns: columnNames(workflows, keys),
    };
    workflowUpdates.set(id, update);
  }
  return update;
}
