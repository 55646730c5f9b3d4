import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The workspace this command runs in: the nearest folder above this package holding
 * `pnpm-workspace.yaml`. Only this package knows it: it writes `docs/` there and scaffolds new
 * databases into `packages/schema`.
 */
export function workspaceRoot(): string {
  let dir = fileURLToPath(new URL('../', import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('not inside a pnpm workspace (no pnpm-workspace.yaml above)');
    dir = parent;
  }
}
