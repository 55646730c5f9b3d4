import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one way agentstate runs drizzle-kit: this package's `drizzle.config.ts`, which takes the
 * database from AGENTSTATE_DB and resolves the schema and migrations paths from this package's
 * folder, the working directory every run gets.
 */
export const schemaPackageDir = fileURLToPath(new URL('../../', import.meta.url));
const configPath = join(schemaPackageDir, 'drizzle.config.ts');

/** drizzle-kit's exports map hides bin.cjs; it sits beside the package's main entry. */
export function drizzleKitBin(): string {
  return join(dirname(createRequire(import.meta.url).resolve('drizzle-kit')), 'bin.cjs');
}

export interface DrizzleKitRun {
  /** The database whose schema and migrations drizzle-kit works on. */
  database: string;
  /** drizzle-kit's arguments, e.g. `['generate', '--name', 'x']`; `--config` is added. */
  args: readonly string[];
  /** The database file, for push and studio. */
  url?: string;
  /** Where `generate` writes (relative to this package's folder), instead of `migrations/<db>`. */
  out?: string;
  /** `strict: false`, for push run without a terminal (strict asks to confirm every change). */
  lenient?: boolean;
  /** Node options before drizzle-kit's bin (e.g. `--require` of a preload). */
  nodeArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** The command line, folder and environment of a drizzle-kit run, for a caller that spawns it. */
export function drizzleKitCommand(run: DrizzleKitRun): {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
} {
  return {
    command: process.execPath,
    args: [...(run.nodeArgs ?? []), drizzleKitBin(), ...run.args, '--config', configPath],
    cwd: schemaPackageDir,
    env: {
      ...process.env,
      ...run.env,
      AGENTSTATE_DB: run.database,
      ...(run.url !== undefined && { AGENTSTATE_DB_URL: run.url }),
      ...(run.out !== undefined && { AGENTSTATE_MIGRATIONS_OUT: run.out }),
      ...(run.lenient && { AGENTSTATE_DRIZZLE_LENIENT: '1' }),
      FORCE_COLOR: '0',
      NO_COLOR: '1',
    },
  };
}

export interface DrizzleKitResult {
  output: string;
  status: number | null;
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

/** Runs drizzle-kit to completion with no TTY and classifies the outcome. */
export function runDrizzleKit(run: DrizzleKitRun): DrizzleKitResult {
  const { command, args, cwd, env } = drizzleKitCommand(run);
  const result = spawnSync(command, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const status = result.status;
  if (result.error)
    return { output, status, failure: `could not start drizzle-kit: ${result.error.message}` };
  if (status !== 0) return { output, status, failure: `drizzle-kit exited with code ${status}` };
  for (const [pattern, failure] of failurePatterns) {
    if (pattern.test(output)) return { output, status, failure };
  }
  return { output, status };
}
