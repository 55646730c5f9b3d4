import type { z } from 'zod';

/**
 * In-place checks derived from zod shapes, for JSON columns on hot write paths. zod's parse builds
 * a copy of the value (the copy is what gets stored); a check walks the value without allocating
 * one.
 *
 * A check answers true only when zod would accept the value AND zod's copy serialises to the same
 * JSON as the value itself: no key zod would strip or reorder, no prototype, `toJSON` or
 * `__proto__` key that could serialise differently. The caller may then store
 * `JSON.stringify(value)`. Any other value, valid or not, answers false and goes through zod as
 * before, so zod stays the judge of what is rejected and the author of every error message.
 * One kind of value passes that JSON.stringify cannot write: a boxed BigInt stripped of its
 * prototype (JSON.stringify throws, as on any BigInt). The caller treats a throw as a false.
 *
 * A schema using anything not modelled here (refinements, transforms, defaults, string formats,
 * number checks other than integer and bounds, structured unions...) gets no check:
 * `compileShapeCheck` returns undefined and the column is always parsed by zod.
 *
 * The check reads the value, then JSON.stringify reads it again: like any caller-side object, an
 * accessor or Proxy answering differently the second time is not caught (zod reads once).
 *
 * The check is generated as source, one function per object, record and array, so that every
 * property read has its own inline cache: closures shared by all shapes ran 3x slower.
 */
export type ShapeCheck = (value: unknown) => boolean;

/** The parts of zod 4's schema definition (`schema._zod.def`) read here. */
interface Node {
  _zod: { def: Def; values?: ReadonlySet<unknown>; optin?: 'optional' | 'defaulted' };
}
interface Def {
  type: string;
  checks?: Node[];
  coerce?: boolean;
  format?: string;
  innerType?: Node;
  element?: Node;
  shape?: Record<string, Node>;
  catchall?: Node;
  keyType?: Node;
  valueType?: Node;
  options?: Node[];
  /** Set on a check's own def. */
  check?: string;
  value?: unknown;
  inclusive?: boolean;
  when?: unknown;
}

class Unsupported extends Error {}

function unsupported(feature: string): never {
  throw new Unsupported(feature);
}

export function compileShapeCheck(schema: z.ZodType): ShapeCheck | undefined {
  const out = new Source();
  try {
    // `for...in` walks only own keys of the plain objects let through, as long as nothing has
    // added an enumerable property to Object.prototype: checked on every call.
    const root = out.fn(
      (v) =>
        'for (const k in Object.prototype) return false;\n' +
        `return ${out.expr(schema as unknown as Node, v).code};`,
    );
    const source = `${out.text()}\nreturn ${root};`;
    // Generating the check as source is the point (see above); `c` holds its constants.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const build = new Function('c', source) as (constants: unknown[]) => ShapeCheck;
    return build(out.constants);
  } catch (error) {
    // Unsupported shape, or code generation disallowed (--disallow-code-generation-from-strings).
    if (error instanceof Unsupported || error instanceof EvalError) return undefined;
    throw error;
  }
}

/** A boolean expression over a variable; `exact` when false also means zod rejects. */
interface Expr {
  code: string;
  exact: boolean;
}

const lit = (s: string) => JSON.stringify(s);

/** Source text of a primitive that compares with `===` as Set.has does, if there is one. */
function literal(value: unknown): string | undefined {
  if (typeof value === 'string') return lit(value);
  if (typeof value === 'boolean' || value === null) return String(value);
  // -0 prints as 0: `===`, like Set.has, does not tell them apart. NaN is left to Set.has.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Key names JavaScript orders before all others, which would break the order argument. */
const indexKey = /^(?:0|[1-9]\d*)$/;

class Source {
  readonly constants: unknown[] = [];
  private readonly functions: string[] = [];
  private exotic: { toString: string; tag: string; rawJson: string | undefined } | undefined;
  private readonly locals: string[] = [];

  /**
   * Objects as literals and JSON.parse build them. An array stays an array to zod without its
   * prototype; JSON.stringify writes a boxed primitive (or a JSON.rawJSON object) as what it
   * wraps, whatever its prototype, where zod copies its keys.
   *
   * Object.prototype.toString names a boxed number, string or boolean by its internal slot, not
   * its prototype, so "[object Object]" rules them out unless an own Symbol.toStringTag speaks
   * for it (that is looked at first). A boxed BigInt or Symbol says "[object Object]" once its
   * prototype is gone: JSON.stringify then throws on the BigInt, which sends the value to zod, and
   * writes the Symbol's keys as zod does. A raw JSON object always has a null prototype. This
   * costs a third of util.types.isBoxedPrimitive, a call into C++ on every object.
   */
  private plainObject(v: string): string {
    // JSON.isRawJSON came after Node 20.
    const { isRawJSON } = JSON as { isRawJSON?: (value: unknown) => boolean };
    this.exotic ??= {
      // Called as `.call(value)` by the generated code, so its `this` is the value.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      toString: this.local(Object.prototype.toString),
      tag: this.local(Symbol.toStringTag),
      rawJson: isRawJSON && this.local(isRawJSON),
    };
    const { toString, tag, rawJson } = this.exotic;
    const otherPrototype = rawJson
      ? `p !== Object.prototype && (p !== null || ${rawJson}(${v}))`
      : 'p !== Object.prototype && p !== null';
    // `for...in` sees enumerable keys only: a `toJSON` JSON.stringify would call is looked for
    // whether enumerable or not, own or on Object.prototype.
    return (
      `if (typeof ${v} !== "object" || ${v} === null || Array.isArray(${v})) return false;\n` +
      `{ const p = Object.getPrototypeOf(${v}); if (${otherPrototype}) return false; }\n` +
      `if ("toJSON" in ${v} || ${v}[${tag}] !== undefined || ${toString}.call(${v}) !== "[object Object]") return false;`
    );
  }

  text(): string {
    return [...this.locals, ...this.functions].join('\n');
  }

  constant(value: unknown): string {
    this.constants.push(value);
    return `c[${this.constants.length - 1}]`;
  }

  /** A constant read once into a binding of the generated closure (no array load per use). */
  local(value: unknown): string {
    const name = `k${this.locals.length}`;
    this.locals.push(`const ${name} = ${this.constant(value)};`);
    return name;
  }

  /** Adds `function fN(v) { body }` and returns its name. */
  fn(body: (v: string) => string): string {
    // The slot is taken first: the body adds the functions of nested shapes.
    const index = this.functions.push('') - 1;
    this.functions[index] = `function f${index}(v) {\n${body('v')}\n}`;
    return `f${index}`;
  }

  expr(schema: Node, v: string): Expr {
    const def = schema._zod.def;
    if (def.checks?.length && def.type !== 'number') unsupported(`${def.type} with checks`);
    switch (def.type) {
      case 'unknown':
      case 'any':
        // zod hands the value on as it is: the copy holds the same reference.
        return { code: 'true', exact: false };
      case 'string':
        if (def.coerce || def.format) unsupported('string format');
        return { code: `typeof ${v} === "string"`, exact: true };
      case 'boolean':
        if (def.coerce) unsupported('coercion');
        return { code: `typeof ${v} === "boolean"`, exact: true };
      case 'number':
        return { code: this.number(def, v), exact: true };
      case 'enum':
      case 'literal': {
        const values = schema._zod.values ?? unsupported('values');
        const literals = [...values].map(literal);
        // A few comparisons with literals beat hashing; zod's own test is Set.has.
        if (literals.length <= 8 && literals.every((l) => l !== undefined)) {
          return { code: `(${literals.map((l) => `${v} === ${l}`).join(' || ')})`, exact: true };
        }
        return { code: `${this.constant(values)}.has(${v})`, exact: true };
      }
      case 'nullable':
      case 'optional': {
        const inner = this.expr(def.innerType ?? unsupported('innerType'), v);
        const empty = def.type === 'nullable' ? 'null' : 'undefined';
        return { code: `(${v} === ${empty} || ${inner.code})`, exact: inner.exact };
      }
      case 'union': {
        // zod keeps the first option that succeeds; with primitive options that is the value.
        const options = (def.options ?? unsupported('options')).map((o) => this.expr(o, v));
        if (!options.every((option) => option.exact)) unsupported('structured union');
        return { code: `(${options.map((o) => o.code).join(' || ')})`, exact: true };
      }
      case 'array':
        return { code: `${this.array(def)}(${v})`, exact: false };
      case 'object':
        return { code: `${this.object(def)}(${v})`, exact: false };
      case 'record':
        return { code: `${this.record(def)}(${v})`, exact: false };
      default:
        return unsupported(def.type);
    }
  }

  /** zod's number: finite; `.int()` is the safe-integer format; bounds are greater/less than. */
  private number(def: Def, v: string): string {
    if (def.coerce) unsupported('coercion');
    let safeInteger = false;
    const bounds: string[] = [];
    for (const check of [def, ...(def.checks ?? []).map((c) => c._zod.def)]) {
      const { check: kind, format, value, inclusive, when } = check;
      if (kind === undefined && format === undefined) continue;
      if (when !== undefined) unsupported('conditional check');
      if (format === 'safeint' && (kind === undefined || kind === 'number_format')) {
        safeInteger = true;
      } else if ((kind === 'greater_than' || kind === 'less_than') && typeof value === 'number') {
        const op = (kind === 'greater_than' ? '>' : '<') + (inclusive ? '=' : '');
        bounds.push(`${v} ${op} ${literal(value) ?? this.constant(value)}`);
      } else {
        unsupported(`number check ${kind ?? format}`);
      }
    }
    // A safe integer is finite; zod's number check rejects NaN and the infinities.
    const kind = safeInteger ? `Number.isSafeInteger(${v})` : `Number.isFinite(${v})`;
    return `(${[`typeof ${v} === "number"`, kind, ...bounds].join(' && ')})`;
  }

  private array(def: Def): string {
    const element = def.element ?? unsupported('element');
    return this.fn(
      (v) =>
        `if (!Array.isArray(${v}) || Object.getPrototypeOf(${v}) !== Array.prototype || "toJSON" in ${v}) return false;\n` +
        `for (let i = 0; i < ${v}.length; i++) { const x = ${v}[i]; if (!(${this.expr(element, 'x').code})) return false; }\n` +
        'return true;',
    );
  }

  /**
   * z.object: zod's copy holds the shape's keys in shape order, then (with a catchall) the other
   * keys; without a catchall it drops them. So the value's own keys must already be in that order,
   * and a shape key it does not own must read as undefined (zod reads keys with `in` and `[]`).
   */
  private object(def: Def): string {
    const shape = def.shape ?? unsupported('shape');
    if (Object.getOwnPropertySymbols(shape).length > 0) unsupported('symbol key');
    const fields = Object.entries(shape);
    const names = fields.map(([name]) => name);
    if (names.length > 30) unsupported('more than 30 keys');
    for (const name of names) {
      if (name === '__proto__' || name === 'toJSON' || indexKey.test(name)) {
        unsupported(`object key ${name}`);
      }
    }
    const catchall =
      def.catchall === undefined || def.catchall._zod.def.type === 'never'
        ? undefined
        : def.catchall;
    return this.fn((v) => {
      // One pass over the own keys checks order and values; then the shape keys not seen.
      const cases = fields.map(([name, field], i) => {
        const check = this.expr(field, 'x').code;
        return (
          `case ${lit(name)}: { if (extra || next > ${i}) return false; next = ${i + 1}; seen |= ${1 << i};` +
          ` const x = ${v}[k]; if (!(${check})) return false; break; }`
        );
      });
      const other =
        catchall === undefined
          ? 'return false;'
          : `if (k === "__proto__" || k === "toJSON") return false;` +
            `{ const x = ${v}[k]; if (!(${this.expr(catchall, 'x').code})) return false; } extra = true;`;
      let required = 0;
      const absent: string[] = [];
      fields.forEach(([name, field], i) => {
        if (field._zod.optin === undefined) required |= 1 << i;
        else
          absent.push(`if (!(seen & ${1 << i}) && ${v}[${lit(name)}] !== undefined) return false;`);
      });
      return [
        this.plainObject(v),
        'let next = 0, seen = 0, extra = false;',
        `for (const k in ${v}) { switch (k) {\n${cases.join('\n')}\ndefault: ${other} } }`,
        `if ((seen & ${required}) !== ${required}) return false;`,
        ...absent,
        'return true;',
      ].join('\n');
    });
  }

  /** z.record with plain string keys: zod copies every own enumerable key in the value's order. */
  private record(def: Def): string {
    const key = (def.keyType ?? unsupported('keyType'))._zod.def;
    if (key.type !== 'string' || key.coerce || key.format || key.checks?.length) {
      unsupported('record key schema');
    }
    const element = def.valueType ?? unsupported('valueType');
    return this.fn(
      (v) =>
        `${this.plainObject(v)}\n` +
        // zod skips `__proto__` and judges a record by its `constructor` (an own one, enumerable
        // or not, is left to zod); a `toJSON` function would be called with a different `this`.
        `if (Object.hasOwn(${v}, "constructor")) return false;\n` +
        `for (const k in ${v}) { if (k === "__proto__" || k === "toJSON") return false;\n` +
        `const x = ${v}[k]; if (!(${this.expr(element, 'x').code})) return false; }\n` +
        // zod fails on symbol keys, which JSON would silently drop.
        `return Object.getOwnPropertySymbols(${v}).length === 0;`,
    );
  }
}
