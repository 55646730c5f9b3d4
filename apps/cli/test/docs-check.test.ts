import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@agentstate/db/testing';
import { cliPackageDir } from './helpers/cli.ts';

const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = join(cliPackageDir, 'node_modules', '.bin', 'tsx');

/**
 * A throwaway workspace holding copies of the packages' sources (schema, db, cli-kit, this one) and
 * the committed docs, so a test can edit the schema without touching the real tree. node_modules
 * keep their relative symlinks, which then resolve @agentstate/schema to the copy and everything
 * else to the real store through a linked root node_modules.
 */
function copyWorkspace(): string {
  const root = tempDir();
  symlinkSync(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'));
  cpSync(join(workspaceRoot, 'pnpm-workspace.yaml'), join(root, 'pnpm-workspace.yaml'));
  for (const [pkg, entries] of [
    ['packages/schema', ['src', 'migrations', 'package.json', 'node_modules']],
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

function cli(root: string, args: string[]) {
  const result = spawnSync(tsx, ['src/main.ts', ...args], {
    cwd: join(root, 'apps', 'cli'),
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('docs --check (the docs half of pnpm db:check)', () => {
  it('fails after a deliberate schema edit until docs runs, then passes', () => {
    const root = copyWorkspace();
    expect(cli(root, ['docs', '--check']).status).toBe(0);

    const file = join(root, 'packages', 'schema', 'src', 'pokecode', 'devices.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "platform: text('platform'),",
        "platform: text('platform'),\n    pushToken: text('push_token'),",
      ),
    );
    const stale = cli(root, ['docs', '--check']);
    expect(stale.status).toBe(1);
    expect(stale.output.trim().split('\n')).toHaveLength(1);
    expect(stale.output).toMatch(
      /^error: schema docs are stale: .*pokecode\.md; run `pnpm db:docs`/,
    );

    const written = cli(root, ['docs']);
    expect(written.status).toBe(0);
    expect(written.output).toContain('pokecode.md');
    expect(readFileSync(join(root, 'docs', 'schema', 'pokecode.md'), 'utf8')).toContain(
      '| `push_token` |',
    );
    expect(cli(root, ['docs', '--check']).status).toBe(0);
  });
});
