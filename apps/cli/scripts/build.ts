// Builds the installed `agentstate` (dist/bin.js): one ESM bundle of the commands that need only a
// database file, split so that each command's code loads only when it runs. The workspace
// packages and the pure-JavaScript dependencies are bundled (fewer files to resolve at start-up);
// better-sqlite3 (a native addon) and @flydotio/litestream (a binary) stay dependencies.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeMetafile, build } from 'esbuild';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// `--outdir <folder in this package>`: a build of its own, e.g. for the start-up bench, which may
// run while another build replaces dist/.
const outdirArg = process.argv.indexOf('--outdir');
const outdir = join(packageDir, outdirArg === -1 ? 'dist' : process.argv[outdirArg + 1]!);
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
