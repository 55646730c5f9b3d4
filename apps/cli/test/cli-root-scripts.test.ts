import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scripts = Object.keys(
  (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> })
    .scripts,
).filter((name) => name.startsWith('db:'));

// Through the root scripts exactly as a user types them: a delegation that hits one of pnpm's own
// commands (`pnpm prune`, `pnpm docs`) instead of the package script would fail here.
describe('every root db:* script reaches its command', () => {
  it('covers the commands the README lists', () => {
    expect(scripts).toEqual(
      expect.arrayContaining([
        'db:new',
        'db:generate',
        'db:check',
        'db:migrate',
        'db:status',
        'db:push',
        'db:studio',
        'db:docs',
        'db:seed',
        'db:backup',
        'db:restore',
        'db:prune',
        'db:replicate',
        'db:replicas',
      ]),
    );
  });

  it('pnpm -s db:new with a name that cannot be one: the one error line, exit code 2', () => {
    const result = spawnSync('pnpm', ['-s', 'run', 'db:new', 'Not-A-Name'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'error: <name>: "Not-A-Name" is not a database name (lower-case letters, digits and _, starting with a letter)',
    ]);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
  });

  const withDb = scripts.filter((script) => script !== 'db:new');
  it.each(withDb)('pnpm -s %s --db nope: the one error line, exit code 2', (script) => {
    const result = spawnSync('pnpm', ['-s', 'run', script, '--db', 'nope'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'error: --db: unknown database "nope" (one of mcpmaker, multishot, dipeo, pokecode, engine)',
    ]);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
  });

  it.each(scripts)('pnpm %s --help', (script) => {
    const result = spawnSync('pnpm', ['-s', 'run', script, '--help'], {
      cwd: root,
      encoding: 'utf8',
    });
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toMatch(/Usage: \S+/);
    expect(output).not.toContain('ERR');
    expect(result.status).toBe(0);
  });
});
