// ESLint (`npm run lint`, and `make check-js` in `make test`): recommended rules, plus a few
// that catch real defects. No style rules: formatting is not checked here.
import js from '@eslint/js';
import globals from 'globals';

export default [
  // Generated or installed, never linted.
  { ignores: ['web/dist/**', 'relay/dist/**', 'node_modules/**', 'build/**', 'tests/output/**', 'bench/output/**'] },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      'no-unused-vars': ['error', {
        args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_',
        caughtErrors: 'all', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true,
      }],
      eqeqeq: ['error', 'smart'],
      'no-self-compare': 'error',
      'no-unreachable-loop': 'error',
    },
  },
  // The page runs in the browser only.
  { files: ['web/**/*.js'], languageOptions: { globals: { ...globals.browser } } },
  // The browser tests and the page benchmark hand functions to page.evaluate(), which run there.
  {
    files: ['tests/browser/**/*.mjs', 'bench/page-bench.mjs'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
];
