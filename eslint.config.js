// Lint: the recommended JavaScript and TypeScript rules, with the few the codebase relies on on purpose tuned below.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a value taken apart on purpose (a rest destructure dropping a field, an unused handler argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The admin console runs in the browser: DOM globals, no Node ones.
    files: ['console/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.mocha } },
    rules: {
      // chai's `expect(x).to.be.true` is an expression statement by design.
      '@typescript-eslint/no-unused-expressions': 'off',
      // A reply body in a test is whatever JSON the server sent; the assertions are its type check.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
