// Lint keeps the layers apart (the folder says where a file may run):
//   src-shared   pure TypeScript: imports nothing of ours, no node:*, electron, vue or tfjs
//   src-renderer Vue app: never imports src-main, node:* or electron
//   src-main     Node: only the Electron entry (index.ts) and the preload import electron;
//                src-main/ml is the headless ML core: no electron, sqlite, file system or services,
//                and none of datasets, compute or export (they build on it);
//                src-main/services never import a host; src-main/storage never imports ml
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const electron = {
  group: ['electron'],
  message: 'Only src-main/index.ts and the preload may import electron.',
};
const nodeBuiltins = {
  group: ['node:*', 'fs', 'path', 'os', 'child_process'],
  message: 'Node built-ins do not run here.',
};
const rendererFromMain = {
  group: ['**/src-renderer/**'],
  message: 'The main process does not import the renderer.',
};
const mainFromOutside = {
  group: ['**/src-main/**', '**/src-main'],
  message: 'Go through the API contract in src-shared.',
};

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'resources/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['src-shared/**'],
    languageOptions: { globals: {} },
    rules: restrict([
      electron,
      nodeBuiltins,
      mainFromOutside,
      {
        group: ['**/src-renderer/**', '@shared/*'],
        message: 'src-shared imports nothing of ours outside itself (use relative paths).',
      },
      {
        group: ['vue', 'pinia', 'echarts', '@tensorflow/*', 'better-sqlite3'],
        message: 'src-shared is pure TypeScript.',
      },
    ]),
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict([
      electron,
      nodeBuiltins,
      mainFromOutside,
      { group: ['@tensorflow/*', 'better-sqlite3'], message: 'Not in the renderer.' },
    ]),
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/index.ts', 'src-main/preload/index.ts'],
    rules: restrict([electron, rendererFromMain]),
  },
  {
    // A later block replaces the rule's options for its files, so each repeats the main-wide ones.
    files: ['src-main/services/**'],
    rules: restrict([
      electron,
      rendererFromMain,
      {
        group: ['**/host/**', '**/host'],
        message: 'Services run under either host (IPC or HTTP); hosts call services, never the reverse.',
      },
    ]),
  },
  {
    files: ['src-main/storage/**'],
    rules: restrict([
      electron,
      rendererFromMain,
      {
        group: ['**/ml/**', '**/ml', '@tensorflow/*'],
        message: 'Storage keeps bytes and rows; decoding checkpoints into tensors belongs to ml or services.',
      },
    ]),
  },
  {
    files: ['src-main/ml/**'],
    rules: restrict([
      electron,
      {
        group: ['better-sqlite3', 'node:fs', 'fs', 'node:child_process'],
        message: 'The ML core does no storage or I/O.',
      },
      {
        group: ['**/storage/**', '**/services/**', '**/host/**', '**/workers/**', '**/cli/**'],
        message: 'The ML core depends on nothing above it.',
      },
      {
        group: ['**/datasets/**', '**/datasets', '**/compute/**', '**/compute', '**/export/**', '**/export'],
        message:
          'The ML core gets data, a backend and its callers from outside: datasets, compute and export build on ml.',
      },
    ]),
  },
  {
    files: ['tests/**'],
    rules: restrict([electron]),
  },
);
