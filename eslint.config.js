// ESLint: the layer arrows of docs/architecture.md, no import cycles, size caps,
// and typescript-eslint's recommended rules (not the type-checked set, so lint
// stays a few seconds). Prettier owns layout: eslint-config-prettier comes last.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;
const SEE = 'see docs/architecture.md';
const ours = ['core', 'proto', 'edge', 'coordinator', 'client', 'cli', 'simulations', 'bench', 'test'];
const others = (...keep) => ours.filter((d) => !keep.includes(d)).map((d) => `./${d}`);

// Each zone is one forbidden arrow: files in `target` may not import from `from`.
const zones = [
  { target: './core', from: others('core'), message: `core is pure and imports only libraries (${SEE})` },
  { target: './proto', from: others('proto'), message: `proto imports nothing of ours (${SEE})` },
  { target: './edge', from: others('edge', 'core', 'proto'), message: `edge imports only core and proto (${SEE})` },
  {
    target: './coordinator',
    from: ['./client', './cli'],
    message: `coordinator never imports client/ or cli/: shared code goes to edge/ (${SEE})`,
  },
  {
    target: './client',
    from: ['./coordinator', './cli'],
    message: `client never imports coordinator/ or cli/: shared code goes to edge/ (${SEE})`,
  },
  { target: './simulations', from: ['./cli'], message: `simulations never import cli/ (${SEE})` },
  {
    target: others('test', 'bench'),
    from: ['./test', './bench'],
    message: `only test/ and bench/ import test/ or bench/ (${SEE})`,
  },
];

// core is pure: no I/O modules. Pure helpers of node: modules (node:crypto,
// node:zlib's deflate, node:os's endianness, node:net's isIPv4) are allowed.
const PURE = `core is pure: no I/O (${SEE})`;
const ioModules = ['fs', 'fs/promises', 'http', 'https', 'http2', 'child_process', 'dgram', 'tls', 'cluster'];
const coreRestrictedImports = {
  paths: [
    ...ioModules.flatMap((m) => [`node:${m}`, m]).map((name) => ({ name, message: PURE })),
    ...['node:net', 'net'].map((name) => ({ name, allowImportNames: ['isIP', 'isIPv4', 'isIPv6'], message: PURE })),
    ...['ws', 'pino', 'pino-pretty', 'commander', 'better-sqlite3'].map((name) => ({ name, message: PURE })),
  ],
};

const caps = { skipBlankLines: true, skipComments: true };

export default defineConfig(
  {
    ignores: [
      '**/node_modules/',
      'proto/generated/',
      'coordinator/dashboard/public/',
      'bench/.baseline-*/',
      'test-artifacts/',
      'dist/',
      // Files test/lint/boundaries.test.ts plants to lint on purpose; a leftover must not fail the real lint.
      '**/.lint-planted-*/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      // Without a parser for .ts the plugin parses only .js files, and no-cycle sees no edges between .ts files.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // A leading underscore marks a binding left unused on purpose (most often `const { secret: _, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Plain JavaScript (cohort.mjs, build scripts) runs on Node; tsc checks the TypeScript's globals instead.
    files: ['**/*.{js,mjs}'],
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'URL', 'performance', 'Buffer', 'setTimeout', 'clearTimeout'].map((g) => [
          g,
          'readonly',
        ]),
      ),
    },
  },
  {
    files: ['test/**'],
    // Reference values are pasted as the reference printed them (17 significant digits); the double they parse to is what is compared.
    rules: { 'no-loss-of-precision': 'off' },
  },
  {
    files: ['core/**'],
    rules: { 'no-restricted-imports': ['error', coreRestrictedImports] },
  },
  {
    // Source only: tests and generated code are exempt from the size caps.
    files: ['{core,proto,edge,coordinator,client,cli,simulations,bench}/**/*.{ts,js,mjs}'],
    rules: {
      'max-lines': ['error', { max: 400, ...caps }],
      'max-lines-per-function': ['error', { max: 60, ...caps }],
    },
  },
  {
    // Word lists and generated tables, one entry a line as Prettier prints them: data, not code to read through.
    files: ['simulations/synthetic-ehr/names.ts', 'core/data/dicom-annex-e.ts'],
    rules: { 'max-lines': 'off' },
  },
  prettier,
);
