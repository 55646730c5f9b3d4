import {
  execCountsSchema,
  executedNodesSchema,
  executionMetricsSchema,
  executionStatuses,
  llmUsageSchema,
  messageContentSchema,
  nodeOutputsSchema,
  nodeStatesSchema,
  transitionPayloadSchema,
  transitionPhases,
  variablesSchema,
} from '@agentstate/schema/dipeo';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDipeoClient, RowValidationError } from '../../src/index.ts';
import { checkShape, toJsonText } from '../../src/client/shared/checks.ts';
import { jsonColumn } from '../../src/client/shared/json-column.ts';
import { compileShapeCheck } from '../../src/client/shared/shape-check.ts';
import { freshDatabase } from './helpers.ts';

// Values as callers build them: keys in the shape's order, optional keys sometimes left out or
// null (as pydantic dumps them).
const plainKey = fc.string().filter((k) => !['__proto__', 'constructor', 'toJSON'].includes(k));
const dict = <T>(value: fc.Arbitrary<T>) => fc.dictionary(plainKey, value, { maxKeys: 4 });
const uint = fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER));
const num = fc.double({ noNaN: true, noDefaultInfinity: true });
const str = fc.string({ maxLength: 12 });
const json = fc.jsonValue({ maxDepth: 2 });
const jsonObject = dict(json);
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
/** `value` with its prototype replaced (Object.setPrototypeOf is typed `any`). */
const withPrototype = (value: object, prototype: object | null): unknown =>
  Object.setPrototypeOf(value, prototype);

const llmUsage = fc.record(
  { input: uint, output: uint, cached: nullable(uint), total: nullable(uint) },
  { requiredKeys: ['input', 'output'] },
);
const nodeState = fc.record(
  {
    status: fc.constantFrom(...executionStatuses),
    started_at: nullable(str),
    ended_at: nullable(str),
    error: nullable(str),
    llm_usage: nullable(llmUsage),
    output: nullable(jsonObject),
  },
  { requiredKeys: ['status'] },
);
const metaModel = {
  node_id: nullable(str),
  llm_usage: nullable(llmUsage),
  execution_time: nullable(num),
  retry_count: nullable(fc.integer()),
  error: nullable(str),
  error_type: nullable(str),
  timestamp: nullable(fc.oneof(str, num)),
};
const metaExtraKey = plainKey.filter((k) => !(k in metaModel) && !/^(?:0|[1-9]\d*)$/.test(k));
const meta = fc
  .tuple(
    fc.record(metaModel, { requiredKeys: [] }),
    fc.dictionary(metaExtraKey, json, { maxKeys: 3 }),
  )
  .map(([known, extra]) => Object.assign(known, extra));
const envelope = fc.record(
  {
    envelope_format: fc.constant(true as const),
    id: str,
    trace_id: str,
    produced_by: str,
    content_type: str,
    schema_id: nullable(str),
    serialization_format: nullable(str),
    body: json,
    meta,
    representations: nullable(jsonObject),
  },
  {
    requiredKeys: [
      'envelope_format',
      'id',
      'trace_id',
      'produced_by',
      'content_type',
      'body',
      'meta',
    ],
  },
);
const nodeMetrics = fc.record(
  {
    node_id: str,
    node_type: str,
    start_time: num,
    end_time: nullable(num),
    duration_ms: nullable(num),
    memory_usage: nullable(num),
    llm_usage: nullable(llmUsage),
    error: nullable(str),
    dependencies: nullable(fc.array(str, { maxLength: 3 })),
    module_timings: nullable(dict(num)),
  },
  { requiredKeys: ['node_id', 'node_type', 'start_time'] },
);
const executionMetrics = fc.record(
  {
    execution_id: str,
    start_time: num,
    end_time: nullable(num),
    total_duration_ms: nullable(num),
    node_metrics: dict(nodeMetrics),
    critical_path: nullable(fc.array(str, { maxLength: 3 })),
    parallelizable_groups: nullable(fc.array(fc.array(str, { maxLength: 3 }), { maxLength: 3 })),
    bottlenecks: nullable(
      fc.array(fc.record({ node_id: str, node_type: str, duration_ms: num, percentage: num }), {
        maxLength: 3,
      }),
    ),
  },
  { requiredKeys: ['execution_id', 'start_time', 'node_metrics'] },
);

/** The JSON columns written through in-place checks: the execution's, then the event payload. */
const columns: ReadonlyArray<{
  table: string;
  column: string;
  schema: z.ZodType;
  valid: fc.Arbitrary<unknown>;
}> = [
  { table: 'executions', column: 'node_states', schema: nodeStatesSchema, valid: dict(nodeState) },
  { table: 'executions', column: 'node_outputs', schema: nodeOutputsSchema, valid: dict(envelope) },
  { table: 'executions', column: 'llm_usage', schema: llmUsageSchema, valid: llmUsage },
  { table: 'executions', column: 'variables', schema: variablesSchema, valid: jsonObject },
  { table: 'executions', column: 'exec_counts', schema: execCountsSchema, valid: dict(uint) },
  {
    table: 'executions',
    column: 'executed_nodes',
    schema: executedNodesSchema,
    valid: fc.array(str),
  },
  {
    table: 'executions',
    column: 'metrics',
    schema: executionMetricsSchema,
    valid: executionMetrics,
  },
  {
    table: 'transitions',
    column: 'payload',
    schema: transitionPayloadSchema,
    valid: fc.record({ event_type: fc.constantFrom(...transitionPhases), data: jsonObject }),
  },
];

// Near-valid values: a valid one with one to three things broken anywhere inside it.
class Thing {
  get computed() {
    return 1;
  }
}
const junk = fc.oneof(
  fc
    .constantFrom<() => unknown>(
      () => Number.NaN,
      () => Infinity,
      () => -Infinity,
      () => -1,
      () => 0.5,
      () => -0,
      () => 2 ** 53,
      () => 1e300,
      () => '',
      () => 'completed',
      () => true,
      () => null,
      () => undefined,
      () => 10n,
      () => [],
      () => ({}),
      () => [undefined],
      () => new Date(0),
      () => new Map(),
      () => Object.create(null) as object,
      () => new Thing(),
    )
    .map((make) => make()),
  fc.anything({
    maxDepth: 2,
    withNullPrototype: true,
    withBigInt: true,
    withDate: true,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withSparseArray: true,
  }),
);
const oddKey = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toJSON',
    '0',
    '7',
    'status',
    'input',
    'meta',
    'body',
  ),
);
const ops = [
  'set',
  'add',
  'delete',
  'reverse',
  'nullProto',
  'classProto',
  'dateProto',
  'symbol',
  'hidden',
  'getter',
  'toJSON',
  'replace',
] as const;
const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom(...ops),
  pick: fc.nat(),
  key: oddKey,
  junk,
});
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function isContainer(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A deep copy keeping prototypes and key order (fast-check reuses generated values). */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (!isContainer(value)) return value;
  const out = Object.create(Object.getPrototypeOf(value) as object | null) as object;
  for (const key of Object.keys(value)) define(out, key, copy(value[key]));
  return out;
}

function define(target: object, key: PropertyKey, value: unknown, enumerable = true): void {
  Object.defineProperty(target, key, { value, enumerable, writable: true, configurable: true });
}

function mutate(original: unknown, mutations: readonly Mutation[]): unknown {
  const box = { root: copy(original) };
  const places: Array<{ parent: Record<string, unknown>; key: string }> = [];
  const walk = (parent: Record<string, unknown>, key: string) => {
    places.push({ parent, key });
    const value = parent[key];
    if (isContainer(value)) for (const k of Object.keys(value)) walk(value, k);
  };
  walk(box, 'root');
  for (const m of mutations) {
    try {
      apply(places[m.at % places.length]!, m);
    } catch {
      // A frozen or exotic junk value refused the change: it stays as it is.
    }
  }
  return box.root;
}

function apply({ parent, key }: { parent: Record<string, unknown>; key: string }, m: Mutation) {
  {
    const node = parent[key];
    if (m.op === 'replace' || !isContainer(node)) {
      parent[key] = m.junk;
      return;
    }
    const keys = Object.keys(node);
    const existing = keys[m.pick % Math.max(keys.length, 1)] ?? m.key;
    switch (m.op) {
      case 'set':
        define(node, existing, m.junk);
        break;
      case 'add':
        define(node, m.key, m.junk);
        break;
      case 'delete':
        delete node[existing];
        break;
      case 'reverse':
        if (Array.isArray(node)) Array.prototype.reverse.call(node);
        else {
          const entries = keys.map((k) => [k, node[k]] as const);
          for (const k of keys) delete node[k];
          for (const [k, v] of entries.reverse()) define(node, k, v);
        }
        break;
      case 'nullProto':
        Object.setPrototypeOf(node, null);
        break;
      case 'classProto':
        Object.setPrototypeOf(node, Thing.prototype);
        break;
      case 'dateProto':
        Object.setPrototypeOf(node, Date.prototype);
        break;
      case 'symbol':
        define(node, Symbol('s'), m.junk);
        break;
      case 'hidden': {
        // Non-enumerable: an existing or new key, or one JSON.stringify or zod reads anyway.
        const hiddenKeys = [existing, m.key, 'toJSON', 'constructor'];
        const value = m.pick % 3 === 0 ? () => 'replaced' : m.junk;
        define(node, hiddenKeys[m.pick % hiddenKeys.length]!, value, false);
        break;
      }
      case 'getter':
        Object.defineProperty(node, m.key, {
          get: () => m.junk,
          enumerable: true,
          configurable: true,
        });
        break;
      case 'toJSON':
        define(node, 'toJSON', () => 'replaced');
        break;
    }
  }
}

const nearValid = <T>(valid: fc.Arbitrary<T>) =>
  fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([value, mutations]) => mutate(value, mutations));

/** JSON text, or the error JSON.stringify throws (a BigInt, a cycle). */
function serialised(value: unknown): string {
  try {
    return String(JSON.stringify(value));
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

/** What a write produced: its value, or the RowValidationError it threw. */
function outcome<T>(write: () => T): { value: T } | { error: string; issues: unknown } {
  try {
    return { value: write() };
  } catch (error) {
    if (error instanceof RowValidationError) return { error: error.message, issues: error.issues };
    throw error;
  }
}

/** The column text as it was written before the in-place check: zod's copy, serialised. */
const zodText = (column: string, schema: z.ZodType, value: unknown, table = 'executions') =>
  toJsonText(table, column, checkShape(table, column, schema, value));

describe.each(columns)('in-place check of $table.$column', ({ table, column, schema, valid }) => {
  const check = compileShapeCheck(schema)!;

  it('compiles, and vouches for every valid value as callers build it', () => {
    expect(check).toBeTypeOf('function');
    fc.assert(
      fc.property(valid, (value) => {
        expect(schema.safeParse(value).success).toBe(true);
        expect(check(value)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('vouches only for values zod accepts and stores unchanged; the writer matches zod', () => {
    const seen = { vouched: 0, rejected: 0 };
    const write = jsonColumn('dipeo', table, column, schema);
    fc.assert(
      fc.property(fc.oneof(valid, nearValid(valid)), (value) => {
        const parsed = schema.safeParse(value);
        if (check(value)) {
          seen.vouched++;
          expect(parsed.success).toBe(true);
          expect(serialised(value)).toBe(serialised(parsed.data));
        } else if (!parsed.success) seen.rejected++;
        expect(outcome(() => write(value))).toEqual(
          outcome(() => zodText(column, schema, value, table)),
        );
      }),
      { numRuns: 400 },
    );
    // The generator reaches both sides, so the assertions above had something to bite on.
    expect(seen.vouched).toBeGreaterThan(0);
    expect(seen.rejected).toBeGreaterThan(0);
  });
});

describe('in-place check: values zod would change go through zod', () => {
  /** node_outputs holding one envelope, `n`, with the given body and meta. */
  const outputOf = (body: unknown, meta: unknown) => ({
    n: {
      envelope_format: true,
      id: 'i',
      trace_id: 't',
      produced_by: 'p',
      content_type: 'c',
      body,
      meta,
    },
  });
  const hidden = { status: 'completed' };
  Object.defineProperty(hidden, 'error', { value: 'not enumerable', enumerable: false });
  class State {
    status = 'completed';
  }
  const deferred: Array<[string, z.ZodType, string, unknown, string]> = [
    [
      'an unknown key is stripped and keys come out in shape order',
      nodeStatesSchema,
      'node_states',
      { n: { llm_usage: { output: 2, input: 1, extra: true }, status: 'completed' } },
      '{"n":{"status":"completed","llm_usage":{"input":1,"output":2}}}',
    ],
    [
      'a non-enumerable shape key is read by zod',
      nodeStatesSchema,
      'node_states',
      { n: hidden },
      '{"n":{"status":"completed","error":"not enumerable"}}',
    ],
    [
      'a class instance is copied into a plain object',
      nodeStatesSchema,
      'node_states',
      { n: new State() },
      '{"n":{"status":"completed"}}',
    ],
    [
      'an own __proto__ key is dropped',
      variablesSchema,
      'variables',
      JSON.parse('{"__proto__":{"a":1},"b":2}'),
      '{"b":2}',
    ],
    [
      'an own __proto__ key beside an envelope meta is dropped',
      nodeOutputsSchema,
      'node_outputs',
      outputOf(null, JSON.parse('{"node_id":"n","__proto__":{"x":1},"extra":1}')),
      '{"n":{"envelope_format":true,"id":"i","trace_id":"t","produced_by":"p","content_type":"c","body":null,"meta":{"node_id":"n","extra":1}}}',
    ],
    [
      'a boxed number without its prototype is an empty record to zod',
      variablesSchema,
      'variables',
      Object.setPrototypeOf(new Number(5), null),
      '{}',
    ],
    [
      'a boxed string with a plain prototype is a record of its characters to zod',
      variablesSchema,
      'variables',
      Object.setPrototypeOf(new String('ab'), Object.prototype),
      '{"0":"a","1":"b"}',
    ],
    [
      'a boxed number as an envelope meta (no required key) is an empty object to zod',
      nodeOutputsSchema,
      'node_outputs',
      outputOf(1, Object.setPrototypeOf(new Number(5), Object.prototype)),
      '{"n":{"envelope_format":true,"id":"i","trace_id":"t","produced_by":"p","content_type":"c","body":1,"meta":{}}}',
    ],
    [
      'a boxed number with the keys of a node state is a node state to zod',
      nodeStatesSchema,
      'node_states',
      { n: withPrototype(Object.assign(new Number(5), { status: 'completed' }), null) },
      '{"n":{"status":"completed"}}',
    ],
    [
      'a non-enumerable toJSON, which JSON.stringify calls, is not what zod copies',
      llmUsageSchema,
      'llm_usage',
      Object.defineProperty({ input: 1, output: 2 }, 'toJSON', { value: () => ({ input: -5 }) }),
      '{"input":1,"output":2}',
    ],
    [
      'a constructor key is a record key like any other',
      execCountsSchema,
      'exec_counts',
      { constructor: 1 },
      '{"constructor":1}',
    ],
  ];

  it.each(deferred)('%s', (_, schema, column, value, stored) => {
    expect(compileShapeCheck(schema)!(value)).toBe(false);
    expect(schema.safeParse(value).success).toBe(true);
    expect(jsonColumn('dipeo', 'executions', column, schema)(value)).toBe(stored);
    expect(zodText(column, schema, value)).toBe(stored);
  });

  it('a non-enumerable constructor on a record is judged by zod, which rejects it', () => {
    const variables = Object.defineProperty({ a: 1 }, 'constructor', { value: class {} });
    expect(compileShapeCheck(variablesSchema)!(variables)).toBe(false);
    expect(variablesSchema.safeParse(variables).success).toBe(false);
    const write = jsonColumn('dipeo', 'executions', 'variables', variablesSchema);
    expect(outcome(() => write(variables))).toEqual(
      outcome(() => zodText('variables', variablesSchema, variables)),
    );
    expect(() => write(variables)).toThrow(RowValidationError);
  });

  it('a value JSON cannot hold fails with the message of the zod path', () => {
    // The cycle runs through the record zod copies, so the two serialisations name it differently.
    const variables: Record<string, unknown> = {};
    variables.a = { self: variables };
    const write = jsonColumn('dipeo', 'executions', 'variables', variablesSchema);
    const expected = outcome(() => zodText('variables', variablesSchema, variables));
    expect(expected).toHaveProperty('error', expect.stringContaining("property 'a' closes"));
    expect(outcome(() => write(variables))).toEqual(expected);
  });

  it('an enumerable property on Object.prototype turns every value down', () => {
    // zod reads shape keys through `in`: an inherited `total` lands in its copy.
    const usage = compileShapeCheck(llmUsageSchema)!;
    const value = { input: 1, output: 2 };
    expect(usage(value)).toBe(true);
    Object.defineProperty(Object.prototype, 'total', {
      value: 3,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    let vouched: boolean;
    let stored: string;
    try {
      vouched = usage(value);
      stored = jsonColumn('dipeo', 'executions', 'llm_usage', llmUsageSchema)(value);
    } finally {
      delete (Object.prototype as Record<string, unknown>).total;
    }
    expect(vouched).toBe(false);
    expect(stored).toBe('{"input":1,"output":2,"total":3}');
    expect(usage(value)).toBe(true);
  });

  it('a boxed number that names itself an Object with Symbol.toStringTag is still judged by zod', () => {
    const disguised = withPrototype(
      Object.assign(new Number(5), { status: 'completed', [Symbol.toStringTag]: 'Object' }),
      Object.prototype,
    );
    expect(Object.prototype.toString.call(disguised)).toBe('[object Object]');
    const value = { n: disguised };
    expect(compileShapeCheck(nodeStatesSchema)!(value)).toBe(false);
    expect(nodeStatesSchema.safeParse(value).success).toBe(true);
    const stored = jsonColumn('dipeo', 'executions', 'node_states', nodeStatesSchema)(value);
    expect(stored).toBe('{"n":{"status":"completed"}}');
    expect(stored).toBe(zodText('node_states', nodeStatesSchema, value));
  });

  it('boxed booleans and strings with a plain prototype are not objects to the check', () => {
    for (const boxed of [new Boolean(true), new String('')]) {
      const value = { v: withPrototype(boxed, Object.prototype) };
      expect(
        compileShapeCheck(z.record(z.string(), z.record(z.string(), z.string())))!(value),
      ).toBe(false);
    }
  });

  it('a boxed BigInt or Symbol without its prototype is written as zod writes it', () => {
    const write = jsonColumn('dipeo', 'executions', 'variables', variablesSchema);
    const bigint = Object.setPrototypeOf(Object(10n), null) as object;
    const symbol = Object.assign(Object.setPrototypeOf(Object(Symbol('s')), null) as object, {
      a: 1,
    });
    // The check may vouch for both: JSON.stringify throws on the BigInt (the writer then asks
    // zod) and writes the Symbol's own keys, as zod's copy holds them.
    expect(() => JSON.stringify(bigint)).toThrow(TypeError);
    expect(write(bigint)).toBe('{}');
    expect(write(bigint)).toBe(zodText('variables', variablesSchema, bigint));
    expect(write(symbol)).toBe('{"a":1}');
    expect(write(symbol)).toBe(zodText('variables', variablesSchema, symbol));
  });

  it('an array without a prototype is still an array to zod, never a record', () => {
    const array: unknown = Object.setPrototypeOf([], null);
    expect(compileShapeCheck(variablesSchema)!(array)).toBe(false);
    expect(variablesSchema.safeParse(array).success).toBe(false);
  });

  it('a shape using what the check does not model gets no check', () => {
    expect(compileShapeCheck(messageContentSchema)).toBeUndefined();
    expect(compileShapeCheck(z.string().min(1))).toBeUndefined();
    expect(compileShapeCheck(z.number().multipleOf(2))).toBeUndefined();
    expect(compileShapeCheck(z.object({ a: z.string().default('x') }))).toBeUndefined();
    expect(
      compileShapeCheck(z.object({ a: z.string().transform((s) => s.length) })),
    ).toBeUndefined();
    expect(compileShapeCheck(z.union([z.object({}), z.string()]))).toBeUndefined();
    expect(compileShapeCheck(z.record(z.string().min(1), z.number()))).toBeUndefined();
  });
});

const executionColumns = columns.filter(({ table }) => table === 'executions');
const maybeBroken = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: nearValid(valid), weight: 1 });

describe('saveExecution and appendTransition with the in-place checks', () => {
  it('stores exactly what the zod path stores, or throws its error and writes nothing', async () => {
    const handle = await freshDatabase('dipeo', 'file');
    const client = createDipeoClient(handle);
    const read = handle.sqlite.prepare(
      `SELECT node_states, node_outputs, llm_usage, variables, exec_counts, executed_nodes, metrics
       FROM executions WHERE execution_id = ?`,
    );
    const seen = { stored: 0, rejected: 0 };
    let n = 0;
    fc.assert(
      fc.property(
        fc.tuple(...executionColumns.map(({ valid }) => maybeBroken(valid))),
        (values) => {
          const id = `e${n++}`;
          const [nodeStates, nodeOutputs, llmUsage, variables, execCounts, executedNodes, metrics] =
            values;
          // The client's defaults: exec_counts {}, executed_nodes [], metrics null.
          const expected = outcome(() =>
            executionColumns.map(({ column, schema }, i) => {
              const value = values[i];
              if (column === 'metrics' && (value === undefined || value === null)) return null;
              if (column === 'exec_counts') {
                return zodText(column, schema, value === undefined ? {} : value);
              }
              if (column === 'executed_nodes') {
                return zodText(column, schema, value === undefined ? [] : value);
              }
              return zodText(column, schema, value);
            }),
          );
          const saved = outcome(() =>
            client.saveExecution({
              executionId: id,
              status: 'running',
              startedAt: new Date(0),
              nodeStates,
              nodeOutputs,
              llmUsage,
              variables,
              execCounts,
              executedNodes,
              metrics,
            } as never),
          );
          const row = read.get(id) as Record<string, string | null> | undefined;
          if ('error' in expected) {
            seen.rejected++;
            expect(saved).toEqual(expected);
            expect(row).toBeUndefined();
          } else {
            seen.stored++;
            expect(saved).toEqual({ value: undefined });
            expect(Object.values(row!)).toEqual(expected.value);
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(seen.stored).toBeGreaterThan(0);
    expect(seen.rejected).toBeGreaterThan(0);
  });

  it('an event payload is stored as the zod path stores it, or rejected with its error', async () => {
    const handle = await freshDatabase('dipeo', 'file');
    const client = createDipeoClient(handle);
    const count = handle.sqlite.prepare('SELECT count(*) FROM transitions').pluck();
    const payloads = columns.find(({ table }) => table === 'transitions')!;
    const seen = { stored: 0, rejected: 0 };
    fc.assert(
      fc.property(maybeBroken(payloads.valid), (payload) => {
        // The caller's payload with event_type and data filled in where missing or undefined.
        const given: Record<string, unknown> = { ...(payload as object) };
        const full = {
          ...given,
          event_type: given.event_type === undefined ? 'node_output' : given.event_type,
          data: given.data === undefined ? {} : given.data,
        };
        const expected = outcome(() =>
          zodText('payload', transitionPayloadSchema, full, 'transitions'),
        );
        const before = count.get() as number;
        const appended = outcome(() =>
          client.appendTransition({
            executionId: 'e',
            phase: 'node_output',
            payload: payload as never,
          }),
        );
        if ('error' in expected) {
          seen.rejected++;
          expect(appended).toEqual(expected);
          expect(count.get()).toBe(before);
        } else {
          seen.stored++;
          const { seq } = (appended as { value: { seq: number } }).value;
          const stored = handle.sqlite
            .prepare("SELECT payload FROM transitions WHERE execution_id = 'e' AND seq = ?")
            .pluck()
            .get(seq);
          expect(stored).toBe(expected.value);
        }
      }),
      { numRuns: 200 },
    );
    expect(seen.stored).toBeGreaterThan(0);
    expect(seen.rejected).toBeGreaterThan(0);
  });
});
