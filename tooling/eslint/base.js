import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** For files in no tsconfig (plain scripts run without a TypeScript loader): syntax rules only. */
export const disableTypeChecked = tseslint.configs.disableTypeChecked;

/**
 * Shared lint rules: the type-checked recommended sets, plus the ones that catch real bugs in DB
 * code. Each package calls it with its own directory (`import.meta.dirname`), so the type
 * information comes from that package's tsconfig.json (or the nearest one, e.g. the studio's
 * page scripts have their own).
 *
 * @param {string} tsconfigRootDir the package's directory
 * @param {...import('eslint/config').Config} extra the package's own additions
 */
export default function agentstateConfig(tsconfigRootDir, ...extra) {
  return defineConfig(
    { ignores: ['**/dist/**', '**/node_modules/**', '**/test-output/**', '**/migrations/**'] },
    js.configs.recommended,
    tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: { parserOptions: { projectService: true, tsconfigRootDir } },
      rules: {
        '@typescript-eslint/no-unused-vars': [
          'error',
          { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
        ],
        '@typescript-eslint/consistent-type-imports': 'error',
        // A promise nobody awaits loses its error; one passed where a callback is expected runs
        // unawaited (an async handler on an event).
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/no-misused-promises': 'error',
        'no-console': 'off',
        eqeqeq: ['error', 'always'],
      },
    },
    {
      // Shipped code handles the missing case; tests may assert presence with `!`.
      files: ['src/**'],
      rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
    },
    {
      // Plain Node scripts (child-process entries, configs) belong to no tsconfig.
      files: ['eslint.config.js', '**/*.mjs', '**/*.cjs'],
      ...disableTypeChecked,
    },
    ...extra,
  );
}
