import type { z } from 'zod';

/**
 * Renders a zod schema as a TypeScript-like type for the schema docs. Recursive schemas (through
 * `z.lazy`) are drawn once; later occurrences point back at where they were drawn, e.g.
 * `definition.steps[number]`, so a self-nesting shape never loops.
 */
export function renderShape(schema: z.ZodType, rootName: string): string {
  return new ShapeRenderer().render(schema, rootName, '');
}

// zod 4 keeps a schema's definition in `_zod.def`; only the fields read here are typed.
interface Def {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  options?: readonly z.ZodType[];
  entries?: Record<string, string | number>;
  values?: readonly unknown[];
  getter?: () => z.ZodType;
  in?: z.ZodType;
  items?: readonly z.ZodType[];
  format?: string;
  checks?: ReadonlyArray<{ _zod: { def: CheckDef } }>;
}
interface CheckDef {
  check?: string;
  format?: string;
  error?: unknown;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** A schema zod always sets on a def of that type (`innerType` of an optional, …). */
function part(schema: z.ZodType | undefined, def: Def, field: keyof Def): z.ZodType {
  if (!schema) throw new Error(`a zod ${def.type} schema without its ${field}`);
  return schema;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

class ShapeRenderer {
  /** Lazy schemas being drawn, with the path where each was first drawn. */
  private readonly open = new Map<z.ZodType, string>();

  render(schema: z.ZodType, path: string, indent: string): string {
    const def = defOf(schema);
    if (def.type !== 'lazy' || !def.getter) return this.renderDef(def, path, indent);
    // A lazy getter may build a new schema on every call, so recursion is tracked on the lazy one.
    const seen = this.open.get(schema);
    if (seen !== undefined) return seen;
    this.open.set(schema, path);
    try {
      return this.render(def.getter(), path, indent);
    } finally {
      this.open.delete(schema);
    }
  }

  private renderDef(def: Def, path: string, indent: string): string {
    switch (def.type) {
      case 'string':
        return 'string';
      case 'number':
        return isInteger(def) ? 'int' : 'number';
      case 'int':
        return 'int';
      case 'boolean':
        return 'boolean';
      case 'date':
        return 'Date';
      case 'null':
        return 'null';
      case 'unknown':
        return 'unknown';
      case 'any':
        return 'any';
      case 'literal':
        return (def.values ?? []).map((v) => JSON.stringify(v)).join(' | ');
      case 'enum':
        return Object.values(def.entries ?? {})
          .map((v) => JSON.stringify(v))
          .join(' | ');
      case 'optional':
        return `${this.wrap(part(def.innerType, def, 'innerType'), path, indent)} | undefined`;
      case 'nullable':
        return `${this.wrap(part(def.innerType, def, 'innerType'), path, indent)} | null`;
      case 'default':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
        return this.render(part(def.innerType, def, 'innerType'), path, indent);
      case 'pipe':
        return this.render(part(def.in, def, 'in'), path, indent);
      case 'union':
        return (def.options ?? []).map((o) => this.wrap(o, path, indent)).join(' | ');
      case 'array': {
        const element = this.render(part(def.element, def, 'element'), `${path}[number]`, indent);
        return isSimple(element) ? `${element}[]` : `Array<${element}>`;
      }
      case 'tuple':
        return `[${(def.items ?? []).map((item, i) => this.render(item, `${path}[${i}]`, indent)).join(', ')}]`;
      case 'record': {
        const key = this.render(part(def.keyType, def, 'keyType'), path, indent);
        return `Record<${key}, ${this.render(part(def.valueType, def, 'valueType'), `${path}[string]`, indent)}>`;
      }
      case 'object':
        return this.renderObject(def, path, indent);
      default:
        return def.type;
    }
  }

  private renderObject(def: Def, path: string, indent: string): string {
    const inner = `${indent}  `;
    const lines: string[] = [];
    for (const [key, field] of Object.entries(def.shape ?? {})) {
      const fieldDef = defOf(field);
      const optional = fieldDef.type === 'optional';
      const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
      const type = this.render(
        optional ? part(fieldDef.innerType, fieldDef, 'innerType') : field,
        `${path}.${key}`,
        inner,
      );
      lines.push(`${inner}${name}${optional ? '?' : ''}: ${type};`);
    }
    if (def.catchall && defOf(def.catchall).type !== 'never') {
      lines.push(`${inner}[key: string]: ${this.render(def.catchall, `${path}[string]`, inner)};`);
    }
    for (const message of customCheckMessages(def)) lines.push(`${inner}// must hold: ${message}`);
    if (lines.length === 0) return '{}';
    return `{\n${lines.join('\n')}\n${indent}}`;
  }

  /** Parenthesises unions inside `| null` / `| undefined` so the result reads unambiguously. */
  private wrap(schema: z.ZodType, path: string, indent: string): string {
    const text = this.render(schema, path, indent);
    return text.includes(' | ') && !text.startsWith('{') ? `(${text})` : text;
  }
}

function isInteger(def: Def): boolean {
  if (def.format?.includes('int')) return true;
  return (def.checks ?? []).some((c) => c._zod.def.format?.includes('int') ?? false);
}

function isSimple(text: string): boolean {
  return /^[\w$"]+$/.test(text);
}

/** Messages of `.refine()` checks, so constraints the type cannot show are still written down. */
function customCheckMessages(def: Def): string[] {
  const messages: string[] = [];
  for (const check of def.checks ?? []) {
    const checkDef = check._zod.def;
    if (checkDef.check !== 'custom') continue;
    let message: unknown = checkDef.error;
    if (typeof message === 'function') {
      try {
        message = (message as () => unknown)();
      } catch {
        message = undefined;
      }
    }
    if (typeof message === 'string') messages.push(message);
    else if (message && typeof message === 'object' && 'message' in message)
      messages.push(String(message.message));
  }
  return messages;
}
