import base from '@agentstate/eslint-config';

const readonly = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));

export default [
  ...base,
  {
    // The offline browser's page scripts run in the browser, not in Node.
    files: ['src/ui/**/*.js'],
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
    // drizzle-kit's preload and hooks: plain Node CommonJS / ESM.
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
];
