// Shared Jest configuration for every Nx project.
//
// Unit specs (`*.spec.ts`) have no I/O and run in parallel; integration specs (`*.int-spec.ts`)
// talk to real Kafka, Redis and PostgreSQL (see libs/testing) and run one file at a time so that
// two suites never race for the same broker-side consumer group rebalance on a 2-core machine.
//
// TypeScript is compiled by SWC with legacy decorators and decorator metadata, which NestJS's
// dependency injection reads at run time; type checking is the `typecheck` target's job.
const path = require('node:path');
const fs = require('node:fs');

const workspaceRoot = path.resolve(__dirname, '..');

function aliasMapper() {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'tsconfig.base.json'), 'utf8'));
  const paths = tsconfig.compilerOptions.paths ?? {};
  const mapper = {};
  for (const [alias, targets] of Object.entries(paths)) {
    const escaped = alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    mapper[`^${escaped}$`] = path.join(workspaceRoot, targets[0]);
  }
  return mapper;
}

const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

function baseConfig(projectDir, kind) {
  const name = path.relative(workspaceRoot, projectDir).split(path.sep).join('/');
  return {
    displayName: `${name}:${kind}`,
    rootDir: projectDir,
    testEnvironment: 'node',
    // trading-signals 8 ships as ESM only, which Jest's CommonJS runtime cannot require ("Must use
    // import to load ES Module"): SWC compiles that package to CommonJS as well.
    transform: { '^.+\\.ts$': swcTransform, '^.+\\.js$': swcTransform },
    transformIgnorePatterns: ['/node_modules/(?!trading-signals/)'],
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: aliasMapper(),
    testMatch: kind === 'unit' ? ['<rootDir>/**/*.spec.ts'] : ['<rootDir>/**/*.int-spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    clearMocks: true,
  };
}

module.exports = {
  workspaceRoot,
  // `testTimeout` matters only where a project's config is Jest's root config (`nx test <project>`);
  // test/jest.all.cjs sets its own (Jest ignores it inside `projects`).
  unit: (projectDir) => ({ ...baseConfig(projectDir, 'unit'), testTimeout: 60_000 }),
  integration: (projectDir) => ({
    ...baseConfig(projectDir, 'integration'),
    globalSetup: path.join(workspaceRoot, 'libs/testing/src/global-setup.ts'),
    globalTeardown: path.join(workspaceRoot, 'libs/testing/src/global-teardown.ts'),
    testTimeout: 180_000,
    slowTestThreshold: 30,
  }),
};
