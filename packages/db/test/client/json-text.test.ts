import { nodeStatesSchema, variablesSchema } from '@agentstate/schema/dipeo';
import { describe, expect, it } from 'vitest';
import { RowValidationError } from '../../src/index.ts';
import { jsonColumn, readJson } from '../../src/client/shared/json-column.ts';

const variables = jsonColumn('dipeo', 'executions', 'variables', variablesSchema);
const nodeStates = jsonColumn('dipeo', 'executions', 'node_states', nodeStatesSchema);

describe('JSON read from a row and written back', () => {
  it('is stored as the exact text it was read from while unchanged', () => {
    const text = '{"city": "\\uc11c\\uc6b8", "days": 3.0, "big": 1e+16, "zero": -0.0}';
    const value = readJson(text) as Record<string, unknown>;
    expect(value).toEqual({ city: '서울', days: 3, big: 1e16, zero: -0 });
    expect(variables(value)).toBe(text);
    expect(variables({ ...value })).toBe(JSON.stringify(value));
    value.days = 4;
    expect(variables(value)).toBe('{"city":"서울","days":4,"big":10000000000000000,"zero":0}');
    value.days = 3;
    expect(variables(value)).toBe(text);
  });

  it('keeps keys a shape does not name while unchanged; once changed, zod’s copy is stored', () => {
    // node_states entries are plain objects: zod drops keys the shape does not name.
    const text = '{"n1": {"status": "completed", "iteration": 2}}';
    const value = readJson(text) as Record<string, Record<string, unknown>>;
    expect(nodeStates(value)).toBe(text);
    value.n1!.status = 'failed';
    expect(nodeStates(value)).toBe('{"n1":{"status":"failed"}}');
  });

  it('is still judged by its shape', () => {
    const value = readJson('{"n1": {"status": "exploded"}}');
    expect(() => nodeStates(value)).toThrow(RowValidationError);
    expect(() => nodeStates(value)).toThrow(/executions\.node_states\.n1\.status/);
  });
});
