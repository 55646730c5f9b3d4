// Module resolve hook for drizzle-kit's process (registered by preload.cjs): its
// `import("better-sqlite3")` gets configured-sqlite.cjs; that file's own import gets the real one.
let replacement = '';

export function initialize(data) {
  replacement = data.replacement;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'better-sqlite3' && context.parentURL !== replacement) {
    return { url: replacement, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
