import { RowValidationError, type ColumnIssue } from '@agentstate/schema';

export { RowValidationError, type ColumnIssue };

/** Throws a RowValidationError for one column of one table. */
export function columnError(table: string, column: string, message: string): never {
  throw new RowValidationError(table, [{ column, path: '', message }]);
}

/**
 * A worker acted on a job it no longer holds: its lease expired and the job was recovered or
 * claimed again (fencing). Nothing was written.
 */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(
    readonly table: string,
    readonly id: string,
    readonly action: string,
  ) {
    super(
      `${table} ${JSON.stringify(id)}: cannot ${action}: the lease is no longer held ` +
        '(it expired and the job was recovered or claimed by another worker)',
    );
  }
}

/** The row an operation needs does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly table: string,
    readonly id: string,
  ) {
    super(`${table} ${JSON.stringify(id)} does not exist`);
  }
}

/** The row exists, but its state rules the operation out (a run already finished). Nothing was written. */
export class StateError extends Error {
  override readonly name = 'StateError';
  constructor(
    readonly table: string,
    readonly id: string,
    readonly state: string,
    readonly action: string,
  ) {
    super(`${table} ${JSON.stringify(id)} is ${state}: cannot ${action}`);
  }
}

/** A stored secret cannot be decrypted with the key at hand (wrong key or tampered value). */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** The job was cancelled while it ran (a running handler's signal gives this as its reason). */
export class JobCancelledError extends Error {
  override readonly name = 'JobCancelledError';
  constructor(
    readonly table: string,
    readonly id: string,
  ) {
    super(`${table} ${JSON.stringify(id)} was cancelled`);
  }
}

/** The worker stopped before the job was done; the job went back to the queue. */
export class WorkerStoppedError extends Error {
  override readonly name = 'WorkerStoppedError';
  constructor(
    readonly table: string,
    readonly worker: string,
  ) {
    super(`${table}: worker ${worker} stopped before the job was done; the job was released`);
  }
}
