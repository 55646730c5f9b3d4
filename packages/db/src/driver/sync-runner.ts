import { immediate } from '../client/shared/connection.ts';
import {
  drive,
  oneStep,
  syncStepper,
  type Operation,
  type OperationKind,
  type Runner,
  type RunnerMode,
  type Step,
} from './operation.ts';
import type { SqliteConnection } from './types.ts';

const runners = new WeakMap<SqliteConnection, Runner<'sync'>>();

/**
 * The runner of a synchronous connection (better-sqlite3, bun:sqlite): a write operation is one
 * `BEGIN IMMEDIATE` transaction with the busy retry of `immediate` (a savepoint inside the
 * caller's transaction), a read runs its statements as they come. One per connection, so every
 * client on it shares its prepared statements.
 */
export function syncRunner(sqlite: SqliteConnection): Runner<'sync'> {
  let runner = runners.get(sqlite);
  if (!runner) {
    const execute = syncStepper(sqlite);
    const write = immediate(sqlite, (operation: () => Operation<unknown>) =>
      drive(operation(), execute),
    );
    runner = {
      mode: 'sync',
      run: <R>(operation: () => Operation<R>, kind: OperationKind): R =>
        kind.write && !kind.single ? (write(operation) as R) : drive(operation(), execute),
      // A one-statement write is SQLite's own autocommit transaction, as `run` gives it.
      statement: <R>(step: Step, decode: (result: unknown) => R, kind: OperationKind): R =>
        kind.write && !kind.single
          ? (write(() => oneStep(step, decode)) as R)
          : decode(execute(step)),
    };
    runners.set(sqlite, runner);
  }
  return runner;
}

/** A runner, or a synchronous connection (which gets its runner). */
export type RunnerSource = Runner<RunnerMode> | SqliteConnection;
export type ModeOfSource<S extends RunnerSource> = S extends Runner<infer M> ? M : 'sync';

export function runnerOf<S extends RunnerSource>(source: S): Runner<ModeOfSource<S>> {
  return (
    'mode' in source && 'run' in source && typeof source.run === 'function'
      ? source
      : syncRunner(source as SqliteConnection)
  ) as Runner<ModeOfSource<S>>;
}
