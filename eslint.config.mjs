// ESLint flat config for the whole workspace.
//
// Module boundaries (see ../shared/DESIGN.md and STYLE.md) are enforced through Nx tags:
//   domain -> domain only; contracts -> zod only; platform -> platform, contracts;
//   service -> domain, contracts, platform (and testing, from test files only); no service imports another.
import nx from '@nx/eslint-plugin';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const frameworkAndIo = ['@nestjs/*', 'typeorm', 'ioredis', 'kafkajs', 'pg', 'express', 'nestjs-pino', 'pino'];

export default [
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '.nx/**',
      'deploy/local/.data/**',
      'test/.results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            {
              sourceTag: 'type:domain',
              // type:testing only from specs and benchmarks (the product-code rule below).
              onlyDependOnLibsWithTags: ['type:domain', 'type:testing'],
              bannedExternalImports: frameworkAndIo,
            },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts'],
              // fast-check for property-based specs; the product-code rule below keeps it out of the lib itself.
              allowedExternalImports: ['zod', 'fast-check'],
            },
            // type:testing only from specs: the product-code rule below bans @ballast/testing elsewhere.
            {
              sourceTag: 'type:platform',
              onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:testing'],
            },
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:platform', 'type:testing'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:testing', 'type:platform', 'type:contracts', 'type:domain'],
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:shared', 'scope:api'] },
            {
              sourceTag: 'scope:market-data',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:market-data'],
            },
            { sourceTag: 'scope:monitor', onlyDependOnLibsWithTags: ['scope:shared', 'scope:monitor'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared', 'scope:cli'] },
            {
              sourceTag: 'scope:execution',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:execution'],
            },
            {
              sourceTag: 'scope:notification',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:notification'],
            },
            {
              sourceTag: 'scope:optimizer',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:optimizer'],
            },
            { sourceTag: 'scope:tax', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tax'] },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // NestJS resolves constructor parameters from emitted decorator metadata, which
    // `import type` would erase: services and platform code keep value imports.
    files: ['services/**/*.ts', 'libs/platform/**/*.ts', 'libs/testing/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // Test-only packages stay out of product code.
    files: ['libs/**/*.ts', 'services/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.bench.ts', 'libs/testing/**', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@ballast/testing', message: 'test-only library' },
            { name: 'fast-check', message: 'test-only package' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: { 'no-console': 'off' },
  },
  prettier,
];
