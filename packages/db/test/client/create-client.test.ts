import { describe, expect, it } from 'vitest';
import { databaseNames } from '@agentstate/schema';
import {
  createClient,
  createTablesClient,
  NotFoundError,
  RowValidationError,
} from '../../src/index.ts';
import { isSealed } from '../../src/client/shared/secrets.ts';
import { freshDatabase, storageKinds, tempSecrets } from './helpers.ts';

// The README's first client API: createClient(name, handle) gives each database its own client.
describe.each(storageKinds)('createClient on %s', (kind) => {
  it('runs the README snippet: a session, a job enqueued, claimed with a lease, completed', async () => {
    const handle = await freshDatabase('pokecode', kind);
    const pokecode = createClient('pokecode', handle);
    const session = pokecode.createSession({
      provider: 'claude-code',
      projectPath: '/repo',
      name: 'fix',
    });
    pokecode.jobs.enqueue({
      sessionId: session.id,
      promptId: 'p1',
      provider: 'claude-code',
      data: { prompt: 'hi', projectPath: '/repo' },
    });
    const job = pokecode.jobs.claim({ worker: 'worker-1' });
    expect(job?.sessionId).toBe(session.id);
    expect(job?.status).toBe('processing');
    if (!job) throw new Error('no job claimed');
    pokecode.jobs.heartbeat(job);
    pokecode.jobs.complete(job);
    expect(pokecode.jobs.get(job.id)?.status).toBe('completed');
    expect(pokecode.jobs.claim({ worker: 'worker-2' })).toBeUndefined();
    handle.close();
  });

  it("gives every database its own client, with its original tool's operations", async () => {
    const operations: Record<string, string> = {
      mcpmaker: 'recordSession',
      multishot: 'createRun',
      dipeo: 'appendTransition',
      pokecode: 'saveMessage',
      engine: 'claimDueMission',
    };
    for (const name of databaseNames) {
      const handle = await freshDatabase(name, kind);
      const client = createClient(name, handle, { secrets: tempSecrets() }) as unknown as Record<
        string,
        unknown
      >;
      expect(typeof client[operations[name] ?? ''], name).toBe('function');
      handle.close();
    }
  });
});

// The client a database gets when it has no hand-made one, from its definition alone.
describe.each(storageKinds)('createTablesClient on %s', (kind) => {
  it('inserts, reads, lists, updates and deletes, validating each row by its row schemas', async () => {
    const handle = await freshDatabase('engine', kind);
    const engine = createTablesClient('engine', handle);
    const createdAt = new Date('2026-01-15T12:00:00.000Z');
    const contact = engine.contacts.insert({
      id: 'c1',
      name: 'Ada',
      email: null,
      phone: '+14155550123',
      createdAt,
    });
    expect(contact).toEqual({
      id: 'c1',
      name: 'Ada',
      email: null,
      phone: '+14155550123',
      notes: null,
      createdAt,
    });
    expect(engine.contacts.get({ id: 'c1' })?.name).toBe('Ada');
    // A composite primary key: the key is every column of it.
    engine.contact_tags.insert({ contactId: 'c1', tag: 'family' });
    engine.contact_tags.insert({ contactId: 'c1', tag: 'work' });
    expect(engine.contact_tags.list({ where: { contactId: 'c1' }, orderBy: 'tag' })).toEqual([
      { contactId: 'c1', tag: 'family' },
      { contactId: 'c1', tag: 'work' },
    ]);
    expect(engine.contact_tags.count({ contactId: 'c1' })).toBe(2);
    expect(engine.contacts.update({ id: 'c1' }, { name: 'Ada L.' }).name).toBe('Ada L.');
    expect(() => engine.contacts.update({ id: 'nobody' }, { name: 'x' })).toThrow(NotFoundError);

    // The boundary: a bad value, a missing parent, a taken key are RowValidationErrors, unwritten.
    expect(() =>
      engine.contacts.insert({ id: 'c2', name: 'Bob', email: null, phone: '555', createdAt }),
    ).toThrow(/contacts\.phone: expected an E\.164 number/);
    expect(() => engine.contact_tags.insert({ contactId: 'gone', tag: 'x' })).toThrow(
      RowValidationError,
    );
    expect(() =>
      engine.contacts.insert({ id: 'c1', name: 'Again', email: null, phone: null, createdAt }),
    ).toThrow(RowValidationError);
    expect(engine.contacts.count()).toBe(1);

    // ON DELETE CASCADE reaches the tags, as the schema declares.
    expect(engine.contacts.delete({ id: 'c1' })).toBe(true);
    expect(engine.contacts.delete({ id: 'c1' })).toBe(false);
    expect(engine.contact_tags.count()).toBe(0);
    expect(() => engine.contacts.list({ limit: 0 })).toThrow(/limit/);
    handle.close();
  });

  it('runs each shape of condition as its own statement: NULL or a value, either direction', async () => {
    const handle = await freshDatabase('engine', kind);
    const engine = createTablesClient('engine', handle);
    const createdAt = new Date('2026-01-15T12:00:00.000Z');
    for (const [id, name, email] of [
      ['c1', 'Ada', null],
      ['c2', 'Bob', 'bob@example.com'],
      ['c3', 'Cy', null],
    ] as const) {
      engine.contacts.insert({ id, name, email, phone: null, createdAt });
    }
    const ids = (rows: Array<{ id: string }>) => rows.map((row) => row.id);
    // Same column, compared with NULL and then with a value, on one client: two statements.
    expect(ids(engine.contacts.list({ where: { email: null }, orderBy: 'name' }))).toEqual([
      'c1',
      'c3',
    ]);
    expect(ids(engine.contacts.list({ where: { email: 'bob@example.com' } }))).toEqual(['c2']);
    expect(
      ids(engine.contacts.list({ where: { email: null }, orderBy: 'name', direction: 'desc' })),
    ).toEqual(['c3', 'c1']);
    expect(engine.contacts.count({ email: null })).toBe(2);
    expect(engine.contacts.count({ email: 'bob@example.com' })).toBe(1);
    // An update of another set of columns is its own statement too.
    expect(engine.contacts.update({ id: 'c1' }, { notes: 'n' })).toMatchObject({ notes: 'n' });
    expect(
      engine.contacts.update({ id: 'c1' }, { name: 'Ada L.', email: 'ada@example.com' }),
    ).toMatchObject({ name: 'Ada L.', email: 'ada@example.com', notes: 'n' });
    expect(engine.contacts.count({ email: null })).toBe(1);
    handle.close();
  });

  it('stores a secret column encrypted and reads it back in the clear', async () => {
    const handle = await freshDatabase('mcpmaker', kind);
    const mcpmaker = createTablesClient('mcpmaker', handle, { secrets: tempSecrets() });
    mcpmaker.config.insert({ key: 'anthropic_api_key', value: 'sk-ant-secret' });
    mcpmaker.config.insert({ key: 'theme', value: 'dark' });
    const stored = handle.sqlite
      .prepare('SELECT key, value FROM config ORDER BY key')
      .all() as Array<{
      key: string;
      value: string;
    }>;
    expect(isSealed(stored[0]?.value ?? '')).toBe(true);
    expect(stored[1]).toEqual({ key: 'theme', value: 'dark' });
    expect(mcpmaker.config.get({ key: 'anthropic_api_key' })?.value).toBe('sk-ant-secret');
    handle.close();
  });
});
