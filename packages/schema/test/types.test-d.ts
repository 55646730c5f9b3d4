import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expectTypeOf, it } from 'vitest';
import type * as dipeo from '../src/dipeo/index.ts';
import * as mcpmaker from '../src/mcpmaker/index.ts';
import * as pokecode from '../src/pokecode/index.ts';

// Compile-time checks: each `@ts-expect-error` line must be a type error, so a schema that
// loosened an enum or a JSON shape to `string`/`any` fails `pnpm typecheck` and this file.
const db = drizzle.mock({ schema: { ...mcpmaker, ...pokecode } });

describe('column types', () => {
  it('types enum columns as their literal unions', () => {
    expectTypeOf<typeof pokecode.jobQueue.$inferSelect.status>().toEqualTypeOf<
      'pending' | 'processing' | 'completed' | 'failed' | 'cancelled'
    >();
    expectTypeOf<typeof mcpmaker.workflows.$inferSelect.mcpServerStatus>().toEqualTypeOf<
      'stopped' | 'running' | 'error' | null
    >();
  });

  it('types JSON columns with their shapes', () => {
    expectTypeOf<typeof mcpmaker.sessions.$inferSelect.domEvents>().toEqualTypeOf<
      mcpmaker.DomEvent[]
    >();
    expectTypeOf<
      typeof pokecode.jobQueue.$inferInsert.data
    >().toEqualTypeOf<pokecode.PromptJobData>();
    expectTypeOf<typeof dipeo.executions.$inferSelect.llmUsage>().toEqualTypeOf<dipeo.LlmUsage>();
  });

  it('types timestamps as Date whatever their storage', () => {
    expectTypeOf<typeof mcpmaker.workflows.$inferSelect.createdAt>().toEqualTypeOf<Date>();
    expectTypeOf<typeof pokecode.sessions.$inferSelect.createdAt>().toEqualTypeOf<Date>();
    expectTypeOf<typeof dipeo.executions.$inferSelect.startedAt>().toEqualTypeOf<Date>();
  });

  it('rejects a wrong enum value at compile time', () => {
    const job: typeof pokecode.jobQueue.$inferInsert = {
      id: 'j',
      sessionId: 's',
      promptId: 'p',
      provider: 'claude-code',
      // @ts-expect-error 'running' is not a job status
      status: 'running',
      data: { prompt: 'hi', projectPath: '/p' },
    };
    db.insert(pokecode.jobQueue).values(job);
    // @ts-expect-error 'paused' is not an MCP server status
    db.update(mcpmaker.workflows).set({ mcpServerStatus: 'paused' });
  });

  it('rejects a malformed JSON shape at compile time', () => {
    const job: typeof pokecode.jobQueue.$inferInsert = {
      id: 'j',
      sessionId: 's',
      promptId: 'p',
      provider: 'codex-cli',
      // @ts-expect-error `prompt` is required in the job data
      data: { projectPath: '/p' },
    };
    const session: typeof mcpmaker.sessions.$inferInsert = {
      id: 's',
      workflowName: 'w',
      url: 'u',
      startedAt: new Date(),
      endedAt: new Date(),
      // @ts-expect-error 'hover' is not a DOM event type
      domEvents: [{ timestamp: 1, type: 'hover', selector: '#a', elementContext: 'a' }],
    };
    const metadata: typeof pokecode.sessions.$inferInsert.metadata = {
      // @ts-expect-error allowedTools is a list of tool names
      allowedTools: 'Bash',
    };
    expectTypeOf([job, session, metadata]).not.toBeAny();
  });
});
