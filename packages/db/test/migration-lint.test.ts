import { describe, expect, it } from 'vitest';
import {
  acknowledgementProblems,
  lintMigrations,
  loadMigrations,
  type LintRule,
  type Migration,
} from '../src/index.ts';
import { migrationsFolder } from '@agentstate/schema/migrations';
import { databaseNames } from '@agentstate/schema';
import { hashMigration } from '../src/migrate/load-migrations.ts';
import { fixtureFolder } from './helpers/fixtures.ts';

const BREAK = '\n--> statement-breakpoint\n';

function step(tag: string, idx: number, statements: string[], acknowledge?: string): Migration {
  const sql = statements.join(BREAK);
  return {
    idx,
    tag,
    when: 1_700_000_000_000 + idx,
    breakpoints: true,
    sql,
    hash: hashMigration(sql),
    ...(acknowledge !== undefined && { acknowledge }),
  };
}

/** A history every fixture builds on: parents with rows, children referencing them. */
const base = step('0000_base', 0, [
  'CREATE TABLE `parents` (`id` integer PRIMARY KEY NOT NULL, `name` text NOT NULL, `nick` text)',
  'CREATE TABLE `children` (`id` integer PRIMARY KEY NOT NULL, `parent_id` integer NOT NULL, `label` text, FOREIGN KEY (`parent_id`) REFERENCES `parents`(`id`) ON DELETE cascade)',
  'CREATE TABLE `archive` (`id` integer PRIMARY KEY NOT NULL, `name` text NOT NULL)',
]);

/** Each hazard as a second step, with the rule it must raise and the statement (1-based). */
const hazards: Array<{ rule: LintRule; statements: string[]; at: number }> = [
  {
    rule: 'drop-table',
    statements: ['DROP TABLE `archive`'],
    at: 1,
  },
  {
    rule: 'drop-column',
    statements: ['ALTER TABLE `parents` DROP COLUMN `nick`'],
    at: 1,
  },
  {
    rule: 'not-null-without-default',
    statements: ['ALTER TABLE `children` ADD `kind` text NOT NULL'],
    at: 1,
  },
  {
    rule: 'not-null-without-default',
    // drizzle-kit's rebuild making a nullable column NOT NULL: old rows with NULL fail the copy.
    statements: [
      'CREATE TABLE `__new_children` (`id` integer PRIMARY KEY NOT NULL, `parent_id` integer NOT NULL, `label` text NOT NULL, FOREIGN KEY (`parent_id`) REFERENCES `parents`(`id`) ON DELETE cascade)',
      'INSERT INTO `__new_children`("id", "parent_id", "label") SELECT "id", "parent_id", "label" FROM `children`;',
      'DROP TABLE `children`;',
      'ALTER TABLE `__new_children` RENAME TO `children`;',
    ],
    at: 1,
  },
  {
    rule: 'unique-index-on-existing-data',
    statements: ['CREATE UNIQUE INDEX `ux_parents_name` ON `parents` (`name`)'],
    at: 1,
  },
  {
    rule: 'rename-as-drop-add',
    statements: [
      'ALTER TABLE `parents` DROP COLUMN `nick`',
      'ALTER TABLE `parents` ADD `nickname` text',
    ],
    at: 2,
  },
  {
    rule: 'rename-as-drop-add',
    statements: [
      'DROP TABLE `archive`',
      'CREATE TABLE `archived` (`id` integer PRIMARY KEY NOT NULL, `name` text NOT NULL)',
    ],
    at: 2,
  },
  {
    rule: 'lossy-copy',
    statements: [
      'INSERT OR IGNORE INTO `archive` (`id`, `name`) SELECT `id`, `name` FROM `parents`',
    ],
    at: 1,
  },
  {
    rule: 'lossy-copy',
    statements: [
      'INSERT INTO `archive` (`id`, `name`) SELECT c.`id`, p.`name` FROM `children` c JOIN `parents` p ON p.`id` = c.`parent_id`',
    ],
    at: 1,
  },
  {
    rule: 'lossy-copy',
    // A rebuild that leaves a column behind.
    statements: [
      'CREATE TABLE `__new_parents` (`id` integer PRIMARY KEY NOT NULL, `name` text NOT NULL)',
      'INSERT INTO `__new_parents`("id", "name") SELECT "id", "name" FROM `parents`;',
      'DROP TABLE `parents`;',
      'ALTER TABLE `__new_parents` RENAME TO `parents`;',
    ],
    at: 2,
  },
  {
    rule: 'rebuild-referenced-table',
    statements: [
      "CREATE TABLE `__new_parents` (`id` integer PRIMARY KEY NOT NULL, `name` text NOT NULL, `nick` text DEFAULT '')",
      'INSERT INTO `__new_parents`("id", "name", "nick") SELECT "id", "name", "nick" FROM `parents`;',
      'DROP TABLE `parents`;',
      'ALTER TABLE `__new_parents` RENAME TO `parents`;',
    ],
    at: 3,
  },
];

describe('migration lint', () => {
  it.each(hazards.map((h, i) => [h.rule, i, h] as const))(
    'finds %s (fixture %i), naming the statement and the risk; unacknowledged',
    async (rule, i, hazard) => {
      const findings = await lintMigrations([base, step(`0001_hazard_${i}`, 1, hazard.statements)]);
      const finding = findings.find((f) => f.rule === rule);
      expect(finding).toMatchObject({ tag: `0001_hazard_${i}`, statement: hazard.at });
      expect(finding!.sql).toBe(hazard.statements[hazard.at - 1]!.split('\n')[0]);
      expect(finding!.risk.length).toBeGreaterThan(20);
      expect(finding!.acknowledged).toBeUndefined();
      // The base step creates its tables: nothing there is a hazard.
      expect(findings.filter((f) => f.tag === '0000_base')).toEqual([]);
    },
  );

  it.each(hazards.map((h, i) => [h.rule, i, h] as const))(
    'accepts %s (fixture %i) acknowledged in its statement, and only that rule there',
    async (rule, i, hazard) => {
      const statements = hazard.statements.map((s, n) =>
        n === hazard.at - 1
          ? `-- agentstate:acknowledge ${rule}: deliberate in fixture ${i}\n${s}`
          : s,
      );
      const findings = await lintMigrations([base, step(`0001_hazard_${i}`, 1, statements)]);
      const finding = findings.find((f) => f.rule === rule && f.statement === hazard.at);
      expect(finding?.acknowledged).toBe(`deliberate in fixture ${i}`);
    },
  );

  it('does not let an acknowledgement of one rule or one statement cover another', async () => {
    const statements = [
      '-- agentstate:acknowledge drop-column: the nick is unused\nALTER TABLE `parents` DROP COLUMN `nick`',
      'DROP TABLE `archive`',
    ];
    const findings = await lintMigrations([base, step('0001_two', 1, statements)]);
    expect(findings.map((f) => [f.rule, f.statement, f.acknowledged])).toEqual([
      ['drop-column', 1, 'the nick is unused'],
      ['drop-table', 2, undefined],
    ]);
  });

  it('takes acknowledgements of a shipped step from its <tag>.acknowledge text, for the whole step', async () => {
    const findings = await lintMigrations([
      base,
      step(
        '0001_drop',
        1,
        ['DROP TABLE `archive`'],
        '-- agentstate:acknowledge drop-table: archive was never written\n',
      ),
    ]);
    expect(findings).toMatchObject([
      { rule: 'drop-table', acknowledged: 'archive was never written' },
    ]);
  });

  it('reports an acknowledgement of an unknown rule or without a reason', () => {
    const bad = step('0001_bad', 1, [
      '-- agentstate:acknowledge drop-everything: yes\n-- agentstate:acknowledge drop-table:\nDROP TABLE `archive`',
    ]);
    expect(acknowledgementProblems(bad)).toEqual([
      expect.stringContaining('unknown rule "drop-everything"'),
      expect.stringContaining('drop-table gives no reason'),
    ]);
  });

  it("finds the rebuild of a referenced table in drizzle-kit's own output (the cascade fixture)", async () => {
    const findings = await lintMigrations(loadMigrations({ folder: fixtureFolder('cascade') }));
    expect(findings).toMatchObject([
      {
        tag: '0001_rebuild_parents',
        rule: 'rebuild-referenced-table',
        sql: 'DROP TABLE `parents`;',
      },
    ]);
    expect(findings[0]!.acknowledged).toBeUndefined();
    expect(findings[0]!.risk).toContain('children reference it');
  });

  it.each(databaseNames)(
    'passes every committed step of %s (deliberate ones acknowledged)',
    async (database) => {
      const migrations = loadMigrations({ folder: migrationsFolder(database) });
      const findings = await lintMigrations(migrations);
      expect(findings.filter((f) => f.acknowledged === undefined)).toEqual([]);
      expect(migrations.flatMap((m) => acknowledgementProblems(m))).toEqual([]);
      if (database === 'engine')
        expect(findings.map((f) => `${f.tag} ${f.rule}`)).toEqual([
          '0001_conversation_notifications lossy-copy',
          '0003_drop_session_notifications lossy-copy',
          '0003_drop_session_notifications drop-table',
        ]);
    },
  );
});
