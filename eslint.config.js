import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint/layers.js';

export default tseslint.config(
  { ignores: ['.cache/', 'node_modules/', 'dist/', 'cdk.out/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        localStorage: 'readonly',
        sessionStorage: 'readonly',
        WebSocket: 'readonly',
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        crypto: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Fakes and handlers keep the async shape of the interface they stand in for, without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // String() over unknown input, ws RawData and fetch's RequestInfo is deliberate; the rule reads it as a mistake.
      '@typescript-eslint/no-base-to-string': 'off',
      // A literal union next to `string` names the values that matter to the reader; the rule calls that redundant.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
    },
  },
  // Plain JavaScript files (configs, edge functions, the worker bootstrap) sit outside the TypeScript project.
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // Layers: imports run handlers → domain → storage, clients import only the contracts (eslint/layers.js; `npm run layers` counts them).
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/no-upward-import': 'error' },
  },
);
