import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/index.ts';
import { createPokecodeClient } from '../src/client/pokecode/client.ts';
import { pokecodeSql } from '../src/client/pokecode/statements.ts';
import { pokecodeId } from '../src/client/shared/ids.ts';
const dir = mkdtempSync(join(tmpdir(), 'probe-'));
const a = await openDatabase('pokecode', { path: join(dir, 'a.db') });
const b = await openDatabase('pokecode', { path: join(dir, 'b.db') });
const client = createPokecodeClient(a);
const s = client.createSession({ provider: 'claude-code', projectPath: '/p', name: 'n' });
b.sqlite.prepare("INSERT INTO sessions (id, provider, project_path, name, created_at, updated_at, last_accessed_at) VALUES ('s','claude-code','/p','n',1,1,1)").run();
const raw = b.sqlite;
const ins = raw.prepare(pokecodeSql.insertMessage), bump = raw.prepare(pokecodeSql.bumpSessionCounters);
const tx = raw.transaction((id: string, now: number) => { ins.run(id, 's', 'claude-code', 'assistant', '{"x":"hello world hello world"}', 'ps', 10, now); bump.run(10, now, now, 's'); });
const N = 20000;
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  for (let i = 0; i < N; i++) client.saveMessage({ sessionId: s.id, provider: 'claude-code', type: 'assistant', contentData: '{"x":"hello world hello world"}', providerSessionId: 'ps', tokenCount: 10 });
  const c = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < N; i++) tx.immediate(pokecodeId(), Math.floor(Date.now() / 1000));
  const r = performance.now() - t;
  console.log('append client µs', (c * 1000 / N).toFixed(2), 'raw µs', (r * 1000 / N).toFixed(2), 'ratio', (r / c).toFixed(3));
}
