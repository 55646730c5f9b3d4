import { describe, expect, it } from 'vitest';
import { parseArguments } from '../src/cli.ts';

describe('db:studio arguments', () => {
  it('defaults to loopback, port 4983, read-only, with drizzle-kit', () => {
    const { options, warning } = parseArguments(['--db', 'pokecode'], '/work');
    expect(options).toMatchObject({
      database: 'pokecode',
      host: '127.0.0.1',
      port: 4983,
      write: false,
      drizzleKit: true,
      cwd: '/work',
    });
    expect(warning).toBeUndefined();
  });

  it('warns when binding anything but loopback', () => {
    expect(parseArguments(['--db', 'engine', '--host', '0.0.0.0'], '/').warning).toMatch(
      /not loopback/,
    );
    expect(parseArguments(['--db', 'engine', '--host', '::1'], '/').warning).toBeUndefined();
  });

  it('takes the other databases\u2019 files and the switches', () => {
    const { options } = parseArguments(
      ['--db', 'dipeo', '--engine-path', 'e.db', '--write', '--no-drizzle-kit', '--port', '0'],
      '/',
    );
    expect(options).toMatchObject({
      paths: { engine: 'e.db' },
      write: true,
      drizzleKit: false,
      port: 0,
    });
  });

  it.each([
    [['--db', 'nope']],
    [['--db', 'pokecode', '--port', '70000']],
    [['--db', 'pokecode', '--port', 'x']],
    [[]],
  ])('refuses %j', (argv) => {
    expect(() => parseArguments(argv, '/')).toThrow();
  });
});
