// Builds the installed `agentstate` (dist/bin.js): one ESM bundle of the commands that need only a
// database file, split so that each command's code loads only when it runs. The workspace
// packages and the pure-JavaScript dependencies are bundled (fewer files to resolve at start-up);
// better-sqlite3 (a native addon) and @flydotio/litestream (a binary) stay dependencies.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeMetafile, build } from 'esbuild';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const outdir = fileURLToPath(new URL('../dist/', import.meta.url));
rmSync(outdir, { recursive: true, force: true });

const result = await build({
  absWorkingDir: packageDir,
  entryPoints: { bin: 'src/bin.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', '@flydotio/litestream'],
  // Bundled CommonJS (commander) calls require(): give each ES module chunk one.
  banner: {
    js: "import { createRequire as __agentstateRequire } from 'node:module'; const require = __agentstateRequire(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
});
// `--analyze`: what each chunk holds, largest first.
if (process.argv.includes('--analyze')) console.log(await analyzeMetafile(result.metafile));
