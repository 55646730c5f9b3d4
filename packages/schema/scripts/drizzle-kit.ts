import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseName } from '../src/databases.ts';

/** The workspace root: drizzle.config.ts lives there and resolves its paths from it. */
export const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));
const configPath = fileURLToPath(new URL('../../../drizzle.config.ts', import.meta.url));
// drizzle-kit's exports map hides bin.cjs; it sits beside the package's main entry.
const drizzleKitBin = join(
  dirname(createRequire(import.meta.url).resolve('drizzle-kit')),
  'bin.cjs',
);

export interface DrizzleKitResult {
  output: string;
  /** Set when drizzle-kit failed, even if it exited 0 (it does on errors and unanswered prompts). */
  failure?: string;
}

/**
 * drizzle-kit logs errors and unanswered prompts and still exits 0, so its output is the only
 * reliable signal. These are the lines it prints in those cases.
 */
const failurePatterns: Array<[RegExp, string]> = [
  [
    /Interactive prompts require a TTY/i,
    'drizzle-kit needs an answer to a prompt (a rename or a data-loss question)',
  ],
  [/^\s*(?:\S+\s+)?Error\b/m, 'drizzle-kit reported an error'],
  [
    /TypeError|ReferenceError|SyntaxError|Cannot find module/,
    'drizzle-kit could not load the schema',
  ],
];

/** Runs drizzle-kit with no TTY for one database and classifies the outcome. */
export function runDrizzleKit(
  database: DatabaseName,
  args: string[],
  env: Record<string, string> = {},
): DrizzleKitResult {
  const result = spawnSync(process.execPath, [drizzleKitBin, ...args, '--config', configPath], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env, AGENTSTATE_DB: database, FORCE_COLOR: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error)
    return { output, failure: `could not start drizzle-kit: ${result.error.message}` };
  if (result.status !== 0)
    return { output, failure: `drizzle-kit exited with code ${result.status}` };
  for (const [pattern, failure] of failurePatterns) {
    if (pattern.test(output)) return { output, failure };
  }
  return { output };
}
