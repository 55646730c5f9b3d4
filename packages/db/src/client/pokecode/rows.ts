import { devices, jobQueue, sessionMessages, sessions } from '@agentstate/schema/pokecode';
import { rowDecoder, rowEncoder } from '../shared/row-codec.ts';
import {
  deviceInsertKeys,
  jobInsertKeys,
  messageInsertKeys,
  sessionInsertKeys,
} from './statements.ts';

/**
 * The pokecode tables' row codecs, compiled from their Drizzle columns (row-codec.ts): SQL rows
 * (snake_case, Unix seconds) to typed rows (camelCase, Date), and typed values to each insert's
 * parameters.
 */

export const toSession = rowDecoder(sessions);
export const toMessage = rowDecoder(sessionMessages);
export const toJob = rowDecoder(jobQueue);
export const toDevice = rowDecoder(devices);

/** JSON columns whose text the caller already made (and size-checked) are passed as that text. */
const jsonText = (text: string): string => text;

export const encodeSession = rowEncoder(sessions, sessionInsertKeys, { metadata: jsonText });
export const encodeMessage = rowEncoder(sessionMessages, messageInsertKeys);
export const encodeJob = rowEncoder(jobQueue, jobInsertKeys, { data: jsonText });
export const encodeDevice = rowEncoder(devices, deviceInsertKeys);
