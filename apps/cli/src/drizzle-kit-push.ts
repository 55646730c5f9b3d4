import { spawnSync } from 'node:child_process';
import { drizzleKitCommand } from '@agentstate/schema/kit';
import type { DatabaseName } from '@agentstate/schema';

export interface PushOutcome {
  output: string;
  /** Set when push did not apply its changes, even if drizzle-kit exited 0 (it does on errors and prompts). */
  failure?: string;
  /** True when drizzle-kit stopped at a prompt, before running any statement. */
  stoppedAtPrompt?: boolean;
}

/**
 * drizzle-kit logs errors and unanswered prompts and still exits 0, so its output is the signal.
 * With no terminal, a prompt prints "Interactive prompts require a TTY".
 */
const promptPatterns: Array<[RegExp, string]> = [
  [
    /THIS ACTION WILL CAUSE DATA LOSS|Found data-loss statements/i,
    'drizzle-kit push would lose data (statements listed above) and needs a confirmation; nothing was pushed. ' +
      'Write a migration instead (pnpm db:generate, then pnpm db:migrate)',
  ],
  [
    /Interactive prompts require a TTY/i,
    'drizzle-kit push needs an answer to a prompt (a rename?); nothing was pushed. ' +
      'Write a migration instead (pnpm db:generate, then pnpm db:migrate)',
  ],
];
const errorPatterns: Array<[RegExp, string]> = [
  [
    /TypeError|ReferenceError|SyntaxError|Cannot find module/,
    'drizzle-kit could not load the schema',
  ],
  [/^\s*(?:\S+\s+)?Error\b/m, 'drizzle-kit push reported an error'],
];

/** Runs `drizzle-kit push` for one database file with no TTY and classifies the outcome. */
export function drizzleKitPush(database: DatabaseName, file: string): PushOutcome {
  const { command, args, cwd, env } = drizzleKitCommand({
    database,
    args: ['push'],
    url: file,
    lenient: true,
  });
  const result = spawnSync(command, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error)
    return { output, failure: `could not start drizzle-kit: ${result.error.message}` };
  for (const [pattern, failure] of promptPatterns) {
    if (pattern.test(output)) return { output, failure, stoppedAtPrompt: true };
  }
  for (const [pattern, failure] of errorPatterns) {
    if (pattern.test(output)) return { output, failure };
  }
  if (result.status !== 0) {
    const cause = /\w*Error\b.*$/m.exec(output)?.[0];
    return {
      output,
      failure: `drizzle-kit exited with code ${result.status}${cause ? ` (${cause})` : ''}`,
    };
  }
  if (!/Changes applied|No changes detected/.test(output)) {
    return { output, failure: 'drizzle-kit push did not report applying its changes' };
  }
  return { output };
}
