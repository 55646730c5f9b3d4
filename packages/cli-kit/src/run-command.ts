import type { Command } from 'commander';
import { describeError } from './describe-error.ts';

export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processOutput: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Prints an error the one way every command does: its details (if any) on stdout, then one line
 * `error: <file or option>: <cause>` on stderr; the stack too when AGENTSTATE_DEBUG is set.
 * Returns the exit code.
 */
export function reportError(error: unknown, output: Output = processOutput): number {
  const report = describeError(error);
  for (const line of report.details) output.stdout(`  ${line}\n`);
  if (report.line) output.stderr(`${report.line}\n`);
  if (process.env.AGENTSTATE_DEBUG && report.exitCode !== 0) {
    output.stderr(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  return report.exitCode;
}

/** Runs a command's body; a thrown error is reported (see `reportError`). Returns the exit code. */
export async function runCommand(main: () => unknown): Promise<number> {
  try {
    await main();
    return 0;
  } catch (error) {
    const exitCode = reportError(error);
    process.exitCode = exitCode;
    return exitCode;
  }
}

/**
 * Makes commander throw instead of printing and exiting, for `program` and its subcommands, so
 * that its errors take the same path as every other error and are printed once. Help still
 * prints. Call it after the subcommands are added.
 */
export function routeErrorsThrough(program: Command): Command {
  program.exitOverride().configureOutput({ outputError: () => {} });
  for (const command of program.commands) routeErrorsThrough(command);
  return program;
}

/** Parses `argv` with `program` and runs the chosen action through `runCommand`. */
export function runProgram(
  program: Command,
  argv: readonly string[] = process.argv,
): Promise<number> {
  routeErrorsThrough(program);
  return runCommand(() => program.parseAsync([...argv]));
}
