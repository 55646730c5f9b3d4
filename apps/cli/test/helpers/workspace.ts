import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@agentstate/db/testing';
import { cliPackageDir } from './cli.ts';

const workspaceRoot = fileURLToPath(new URL('../../../../', import.meta.url));
/** This package's tsx, which runs the command from a copy. */
export const tsx = join(cliPackageDir, 'node_modules', '.bin', 'tsx');

/**
 * A throwaway workspace holding copies of the packages' sources (schema, db, cli-kit, this one) and
 * the committed docs, so a test can edit the schema without touching the real tree. node_modules
 * keep their relative symlinks, which then resolve @agentstate/schema to the copy and everything
 * else to the real store through a linked root node_modules. Made in `root` (created) when given,
 * for a copy shared by a file's tests; else in a folder removed when the test ends.
 */
export function copyWorkspace(root = tempDir()): string {
  mkdirSync(root, { recursive: true });
  symlinkSync(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'));
  cpSync(join(workspaceRoot, 'pnpm-workspace.yaml'), join(root, 'pnpm-workspace.yaml'));
  for (const [pkg, entries] of [
    ['packages/schema', ['src', 'migrations', 'drizzle.config.ts', 'package.json', 'node_modules']],
    ['packages/db', ['src', 'test', 'package.json', 'node_modules']],
    ['packages/cli-kit', ['src', 'package.json', 'node_modules']],
    ['apps/cli', ['src', 'package.json', 'node_modules']],
  ] as const) {
    const target = join(root, pkg);
    mkdirSync(target, { recursive: true });
    for (const entry of entries) {
      cpSync(join(workspaceRoot, pkg, entry), join(target, entry), {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => !/[/\\]\.vite(-temp)?$/.test(source),
      });
    }
  }
  cpSync(join(workspaceRoot, 'docs', 'schema'), join(root, 'docs', 'schema'), { recursive: true });
  return root;
}
