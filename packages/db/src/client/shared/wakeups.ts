import { resolve } from 'node:path';
import type { SqliteConnection } from '../../driver/types.ts';

/**
 * In-process wake-ups of the workers of one queue: an enqueue wakes a waiting worker at once, and
 * a cancellation reaches the running job's signal at once, instead of at the next poll or
 * heartbeat. Another process's writes are still found by polling and heartbeats.
 */
export type QueueEvent = { kind: 'enqueued' } | { kind: 'cancelled'; ids: readonly string[] };
type Listener = (event: QueueEvent) => void;

const listeners = new Map<string, Set<Listener>>();
const anonymous = new WeakMap<object, string>();
let nextAnonymous = 0;

/**
 * The name under which the queues of one database meet: its resolved file path, the URL of a
 * server, or (an in-memory or temporary database, reachable through one connection only) the
 * connection itself.
 */
export function queueChannel(
  target: SqliteConnection | { path: string | undefined; url: string },
  table: string,
): string {
  let place: string;
  if ('url' in target) {
    place = target.path === undefined ? target.url : resolve(target.path);
  } else if (target.memory || target.name === '' || target.name === ':memory:') {
    place = anonymous.get(target) ?? `memory:${nextAnonymous++}`;
    anonymous.set(target, place);
  } else {
    place = resolve(target.name);
  }
  return `${place}\0${table}`;
}

/** Calls `listener` for each event on `channel` until the returned function is called. */
export function listen(channel: string, listener: Listener): () => void {
  let set = listeners.get(channel);
  if (!set) listeners.set(channel, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0) listeners.delete(channel);
  };
}

export function notify(channel: string | undefined, event: QueueEvent): void {
  if (channel === undefined) return;
  const set = listeners.get(channel);
  if (!set) return;
  for (const listener of [...set]) listener(event);
}
