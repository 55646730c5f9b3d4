import { randomUUID } from 'node:crypto';
import { requireInt, requireString } from './checks.ts';
import { LeaseLostError } from './errors.ts';

/** Default lease: a claimed job is the worker's for this long unless it heartbeats. */
export const DEFAULT_LEASE_MS = 60_000;

/**
 * A job the original tool claimed (running, with no lease recorded: it had no leases and never
 * recovered a crashed worker's job) counts as leased for this long from its start, then is
 * recovered like any expired lease. Long, because the original sends no heartbeat.
 */
export const LEGACY_CLAIM_MS = 60 * 60_000;

export interface ClaimOptions {
  /** Names the claiming worker (kept in `lease_owner` for operators). */
  worker: string;
  /** Lease length in milliseconds (default 60 s). */
  leaseMs?: number;
}

/** What a worker must show to heartbeat, complete or fail a job: the claim's fencing token. */
export interface HeldLease {
  id: string;
  leaseToken: string | null;
}

/**
 * How long a claim may go without first recovering expired leases (claims also recover whenever
 * due jobs run short, so an expired job waits at most this long past its lease).
 */
export const RECOVERY_INTERVAL_MS = 1_000;

/**
 * The error a claim gives a job whose row cannot be read (an outside writer stored `data` that is
 * not JSON, or a timestamp that is not one): such a job could never run, so it fails at once
 * rather than stopping every claim after it.
 */
export const UNREADABLE_ROW = 'unreadable row';

/** A fresh fencing token for one claim. */
export const newLeaseToken = (): string => randomUUID();

export function checkClaim(
  table: string,
  options: ClaimOptions,
): { worker: string; leaseMs: number } {
  const worker = requireString(table, 'lease_owner', options.worker);
  const leaseMs = requireInt(table, 'lease_expires_at', options.leaseMs ?? DEFAULT_LEASE_MS, 1);
  return { worker, leaseMs };
}

/** The id and fencing token a worker shows; LeaseLostError when it holds no token at all. */
export function heldLease(
  table: string,
  job: HeldLease,
  action: string,
): { id: string; token: string } {
  const id = requireString(table, 'id', job.id);
  if (typeof job.leaseToken !== 'string') throw new LeaseLostError(table, id, action);
  return { id, token: job.leaseToken };
}

export function checkBatchSize(table: string, limit: number): number {
  return requireInt(table, 'limit', limit, 1);
}
