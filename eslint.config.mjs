// Lint rules for the app, the local runtime, the tests, the benchmarks and the web app.
// Formatting is Prettier's job (`.prettierrc.json`); architecture rules live in `.dependency-cruiser.cjs`.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/', 'dist/', 'web/dist/', '.local/', '.deploy/', 'test-results/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    // Services and adapters are factory closures (`createXxx(deps)`, docs/architecture.md); only errors are classes.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: ':matches(ClassDeclaration, ClassExpression):not([superClass.name=/Error$/])',
          message: 'Build services and adapters with a createXxx(deps) factory; only error classes are classes.',
        },
      ],
    },
  },
  {
    // Each file readable in one sitting: the app's source stays under 400 lines (split by concern, as a contract file
    // beside its service does).
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }] },
  },
  {
    // CommonJS entry points and the runtime's fixture apps (plain JavaScript, as a Functions app may be).
    files: ['**/*.cjs', 'test/fixtures/**/*.js', 'bench/bare-app/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests drive untyped protocol payloads (Durable histories, broker messages); \`any\` is allowed there only.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
