// Architecture rules, checked by `npm run check:architecture` (part of `npm test`). docs/architecture.md explains them.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Modules of the app and the local runtime form no import cycle.',
      from: { path: '^(shared|functions|local)/' },
      to: { circular: true },
    },
    {
      name: 'app-code-stays-out-of-hosts-and-registrations',
      severity: 'error',
      comment: 'shared/ is the app’s domain code: it never imports the function registrations or the local runtime.',
      from: { path: '^shared/' },
      to: { path: '^(functions|local|test|bench|scripts|web)/' },
    },
    {
      name: 'platform-imports-no-context',
      severity: 'error',
      comment: 'shared/platform/ holds cross-cutting parts; contexts build on it, never the other way round.',
      from: { path: '^shared/platform/' },
      to: { path: '^shared/', pathNot: '^shared/platform/' },
    },
    {
      name: 'registrations-do-not-import-each-other',
      severity: 'error',
      comment: 'Each functions/ file registers one context; only functions/index.ts imports them all.',
      from: { path: '^functions/', pathNot: '^functions/index\\.ts$' },
      to: { path: '^functions/' },
    },
    {
      name: 'local-runtime-hosts-any-app',
      severity: 'error',
      comment: 'The local runtime hosts any Functions app: it does not import this one.',
      from: { path: '^local/' },
      to: { path: '^(shared|functions|web)/' },
    },
    {
      name: 'web-app-uses-api-types-only',
      severity: 'error',
      comment: 'The web app imports the API’s types from shared/, never its code (nothing server-side is bundled).',
      from: { path: '^web/' },
      to: { path: '^(shared|functions|local)/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.local)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};
