import agentstateConfig, { disableTypeChecked } from '@agentstate/eslint-config';

const readonly = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));

export default agentstateConfig(
  import.meta.dirname,
  {
    // The offline browser's page scripts run in the browser, not in Node. They are JavaScript, so
    // their types are checked by `tsc -p src/ui` (checkJs with the DOM library, in `typecheck`);
    // the API's JSON they read is untyped there, so of the type-aware rules only the promise ones
    // apply (through the same tsconfig).
    files: ['src/ui/**/*.js'],
    rules: {
      ...disableTypeChecked.rules,
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
    languageOptions: {
      globals: readonly([
        'window',
        'document',
        'location',
        'fetch',
        'URLSearchParams',
        'DOMParser',
        'Node',
        'HTMLElement',
        'HTMLInputElement',
        'HTMLSelectElement',
        'HTMLTextAreaElement',
        'AbortController',
        'AbortSignal',
        'Element',
        'Event',
        'EventListener',
        'MouseEvent',
      ]),
    },
  },
  {
    // drizzle-kit's preload and hooks and the SQL box's runner: plain Node scripts that are in no
    // tsconfig (they run without a TypeScript loader).
    files: ['src/kit/**/*.cjs', 'src/kit/**/*.mjs', 'src/browser/**/*.mjs'],
    ...disableTypeChecked,
  },
  {
    files: ['src/kit/**/*.cjs', 'src/kit/**/*.mjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: readonly(['require', 'module', 'process', '__dirname', 'setInterval']),
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['src/kit/**/*.mjs'], languageOptions: { sourceType: 'module' } },
  {
    // The SQL box's runner: a plain Node ES module, forked without a TypeScript loader.
    files: ['src/browser/**/*.mjs'],
    languageOptions: {
      sourceType: 'module',
      globals: readonly(['process', 'Buffer', 'setTimeout', 'URL']),
    },
  },
);
