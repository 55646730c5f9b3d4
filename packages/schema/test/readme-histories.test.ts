import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { databaseNames, type DatabaseName } from '../src/registry.ts';
import { migrationsFolder } from '../src/migrations.ts';

const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

/**
 * The repo README's "Migrations" histories: per database (`- \`name\``), its numbered steps, each
 * starting with the migration's tag in backticks.
 */
function readmeHistories(): Map<string, string[]> {
  const start = readme.indexOf('\n## Migrations\n');
  expect(start, 'README.md has a "## Migrations" section').toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const histories = new Map<string, string[]>();
  let steps: string[] | undefined;
  for (const line of section.split('\n')) {
    const database = /^- `([a-z]+)`\s*$/.exec(line)?.[1];
    if (database) histories.set(database, (steps = []));
    const step = /^\s+(\d+)\. `(\d{4}_[a-z0-9_]+)`/.exec(line);
    if (step && steps) {
      expect(Number(step[1]), `${step[2]} is numbered in order`).toBe(steps.length + 1);
      steps.push(step[2]!);
    }
  }
  return histories;
}

function journalTags(name: DatabaseName): string[] {
  const journal = JSON.parse(
    readFileSync(join(migrationsFolder(name), 'meta', '_journal.json'), 'utf8'),
  ) as { entries: Array<{ tag: string }> };
  return journal.entries.map((e) => e.tag);
}

describe("the README's migration histories", () => {
  const histories = readmeHistories();

  it('list the five databases and no other', () => {
    expect([...histories.keys()].sort()).toEqual([...databaseNames].sort());
  });

  it.each(databaseNames)('%s: every step of its journal, in order', (name) => {
    expect(histories.get(name)).toEqual(journalTags(name));
  });
});
