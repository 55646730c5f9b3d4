import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Command, Option } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import {
  atFile,
  CliError,
  describeError,
  FileError,
  integerValue,
  optionValue,
  reportError,
  routeErrorsThrough,
  UsageError,
} from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentstate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error `work` really throws. */
function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

/** What commander really throws for `argv` on a program with these options. */
function commanderError(argv: string[]): unknown {
  const program = new Command('demo')
    .option('--rows <n>', 'rows', integerValue({ min: 1 }))
    .option('--port <n>', 'port', integerValue({ min: 0, max: 65_535 }))
    .option(
      '--db <name>',
      'database',
      optionValue((value) => {
        if (value !== 'pokecode') throw new RangeError(`unknown database ${JSON.stringify(value)}`);
        return value;
      }),
    )
    .addOption(new Option('--mode <m>', 'mode').choices(['fast', 'safe']))
    .action(() => {});
  program.command('sub').option('--keep <n>', 'keep', integerValue({ min: 0 }));
  routeErrorsThrough(program);
  return thrown(() => program.parse(argv, { from: 'user' }));
}

describe('describeError', () => {
  it.each([
    [['--rows', '0'], 'error: --rows: expected a whole number ≥ 1, got "0"'],
    [['--rows', 'lots'], 'error: --rows: expected a whole number ≥ 1, got "lots"'],
    [['--port', '70000'], 'error: --port: expected a whole number from 0 to 65535, got "70000"'],
    [['--port', '-1'], 'error: --port: expected a whole number from 0 to 65535, got "-1"'],
    [['--db', 'nope'], 'error: --db: unknown database "nope"'],
    [['--mode', 'slow'], 'error: --mode: "slow" is not one of fast, safe'],
    [['sub', '--keep', '-1'], 'error: --keep: expected a whole number ≥ 0, got "-1"'],
    [['--zzzzzz'], "error: unknown option '--zzzzzz'"],
    [['--rowz', '1'], "error: unknown option '--rowz' (Did you mean --rows?)"],
  ])('a command line %j is one line with exit code 2', (argv, line) => {
    expect(describeError(commanderError(argv))).toEqual({ line, details: [], exitCode: 2 });
  });

  it('says nothing for --help, which exits 0', () => {
    expect(describeError(commanderError(['--help']))).toMatchObject({ line: '', exitCode: 0 });
  });

  it('names the path of a file-system error, with its cause in words', () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    expect(describeError(thrown(() => writeFileSync(dir, 'x'))).line).toBe(
      `error: ${dir}: is a directory`,
    );
    expect(describeError(thrown(() => readFileSync(join(dir, 'missing')))).line).toBe(
      `error: ${join(dir, 'missing')}: does not exist`,
    );
    expect(describeError(thrown(() => mkdirSync(join(file, 'sub')))).line).toBe(
      `error: ${join(file, 'sub')}: cannot create this directory: a part of the path is not a directory`,
    );
    expect(describeError(thrown(() => readFileSync(join(dir, 'missing')))).exitCode).toBe(1);
  });

  it('names the file given to atFile when the error itself does not (reading a directory)', async () => {
    const error = await atFile(dir, () => readFileSync(dir)).catch((e: unknown) => e);
    expect(describeError(error).line).toBe(`error: ${dir}: is a directory`);
  });

  it('puts the file before a SQLite error, which names none', async () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, Buffer.alloc(8192, 7));
    const error = await atFile(garbage, () => {
      const sqlite = new Database(garbage, { readonly: true });
      try {
        sqlite.prepare('SELECT * FROM sqlite_master').all();
      } finally {
        sqlite.close();
      }
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect(describeError(error).line).toBe(`error: ${garbage}: not a SQLite database`);

    const readonly = new Database(':memory:');
    const cantWrite = await atFile('/data/x.db', () => {
      readonly.pragma('query_only = 1');
      readonly.exec('CREATE TABLE t (x)');
    }).catch((e: unknown) => e);
    readonly.close();
    expect(describeError(cantWrite).line).toMatch(
      /^error: \/data\/x\.db: cannot write it \(SQLite: attempt to write a readonly database\)$/,
    );
  });

  it("keeps an error that names its file itself, and prints an error's details on stdout", () => {
    const own = Object.assign(new Error('/data/x.db: cannot adopt: 2 differences'), {
      databasePath: '/data/x.db',
      details: ['a: expected x, found y', 'b: expected z, found w'],
    });
    expect(describeError(own)).toEqual({
      line: 'error: /data/x.db: cannot adopt: 2 differences',
      details: ['a: expected x, found y', 'b: expected z, found w'],
      exitCode: 1,
    });
    const out: string[] = [];
    const err: string[] = [];
    expect(reportError(own, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) })).toBe(1);
    expect(out.join('')).toBe('  a: expected x, found y\n  b: expected z, found w\n');
    expect(err.join('')).toBe('error: /data/x.db: cannot adopt: 2 differences\n');
  });

  it('gives CliError its exit code, UsageError 2, and joins a multi-line message', () => {
    expect(describeError(new CliError('nothing to do', 3))).toEqual({
      line: 'error: nothing to do',
      details: [],
      exitCode: 3,
    });
    expect(describeError(new UsageError('--path needs --db')).exitCode).toBe(2);
    expect(describeError(new Error('first\n  second')).line).toBe('error: first second');
  });
});
