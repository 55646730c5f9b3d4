import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyWorkspace, tsx } from './helpers/workspace.ts';

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
