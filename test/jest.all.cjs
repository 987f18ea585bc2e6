// One Jest run over every Nx project: `JEST_KIND=unit` (default) runs the `*.spec.ts` files,
// `JEST_KIND=integration` the `*.int-spec.ts` files. Used by test/run-tests.mjs (`npm test`),
// which needs one run per kind to report the totals; `nx test <project>` uses the project's own config.
const fs = require('node:fs');
const path = require('node:path');
const preset = require('./jest.preset.cjs');

const kind = process.env.JEST_KIND === 'integration' ? 'integration' : 'unit';

function projectDirs(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (fs.existsSync(path.join(full, 'project.json'))) found.push(full);
    else found.push(...projectDirs(full));
  }
  return found;
}

const projects = ['libs', 'services']
  .flatMap((dir) => projectDirs(path.join(preset.workspaceRoot, dir)))
  .concat([path.join(preset.workspaceRoot, 'test', 'integration')])
  .sort()
  .map((dir) => preset[kind](dir));

module.exports = {
  rootDir: preset.workspaceRoot,
  projects,
  ...(kind === 'integration'
    ? {
        globalSetup: path.join(preset.workspaceRoot, 'libs/testing/src/global-setup.ts'),
        globalTeardown: path.join(preset.workspaceRoot, 'libs/testing/src/global-teardown.ts'),
        // Global options: Jest ignores them inside `projects` entries. A fresh broker creates its
        // internal topics on the first group join, which alone can take several seconds.
        testTimeout: 180_000,
        slowTestThreshold: 30,
      }
    : {
        // Unit specs have no I/O, but some load HiGHS's WebAssembly in a hook and property tests solve
        // hundreds of small programs: with every suite in parallel on 2 cores, Jest's 5 s default can
        // cut a hook short. Timings are measured by `npm run bench`, never asserted.
        testTimeout: 60_000,
      }),
};
