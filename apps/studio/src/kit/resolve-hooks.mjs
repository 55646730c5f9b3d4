// Module resolve hook for drizzle-kit's process (registered by preload.cjs): its
// `import("better-sqlite3")` gets configured-sqlite.cjs; that file's own import gets the real one.
// drizzle-kit prefers @libsql/client when it can import it (a dependency of @agentstate/db), which
// would open the file writable past the configured connection: it is made unimportable here.
let replacement = '';

export function initialize(data) {
  replacement = data.replacement;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === '@libsql/client') {
    const error = new Error(`${specifier} is not offered to drizzle-kit studio`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  if (specifier === 'better-sqlite3' && context.parentURL !== replacement) {
    return { url: replacement, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
