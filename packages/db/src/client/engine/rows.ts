import {
  contacts,
  conversationNotifications,
  missions,
  pings,
  priorities,
  scheduledMissions,
  sessions,
  stagedContent,
  workers,
} from '@agentstate/schema/engine';
import { rowDecoder, rowEncoder } from '../shared/row-codec.ts';

/**
 * The engine tables' row codecs, compiled from their Drizzle columns (row-codec.ts): SQL rows
 * (snake_case, ISO text times) to typed rows (camelCase, Date), and typed values to the
 * parameters of the inserts whose columns are fixed.
 */

export const toSession = rowDecoder(sessions);
export const toScheduledMission = rowDecoder(scheduledMissions);
export const toMission = rowDecoder(missions);
export const toPing = rowDecoder(pings);
export const toPriority = rowDecoder(priorities);
export const toContact = rowDecoder(contacts);
export const toStaged = rowDecoder(stagedContent);
export const toWorker = rowDecoder(workers);

/** The columns of a scheduled worker, in the order of its insert's `?` parameters. */
export const workerInsertKeys = [
  'id',
  'sessionId',
  'primitive',
  'status',
  'instructions',
  'workspacePath',
  'priority',
  'retryCount',
  'maxRetries',
  'executeAt',
  'dedupeHash',
  'createdAt',
  'updatedAt',
] as const;

export const notificationInsertKeys = [
  'id',
  'conversationId',
  'notificationType',
  'entityId',
  'notifiedAt',
  'sessionId',
] as const;

/** Times the caller already wrote as the column's text (one clock reading for several columns). */
const storedText = (text: string): string => text;

export const encodeWorker = rowEncoder(workers, workerInsertKeys, {
  createdAt: storedText,
  updatedAt: storedText,
});
export const encodeNotification = rowEncoder(conversationNotifications, notificationInsertKeys);
