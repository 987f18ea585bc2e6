#!/usr/bin/env node
// `npm test`: lint, type checks, unit tests, then integration tests against real Kafka, Redis and
// PostgreSQL (see libs/testing: URLs from the environment, else testcontainers, else deploy/local).
//
// Every stage runs even when an earlier one failed, so one run reports everything that is wrong.
// The totals of all Jest tests go to test/.results/summary.json and are printed last as
// `N passed, N failed`; the exit code is non-zero when any stage failed.
//
//   node test/run-tests.mjs [--only lint|typecheck|unit|integration]...
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, 'test', '.results');
const args = process.argv.slice(2);
const only = args.flatMap((arg, index) => (arg === '--only' ? [args[index + 1]] : []));
const wanted = (stage) => only.length === 0 || only.includes(stage);

const env = {
  ...process.env,
  NX_NO_CLOUD: 'true',
  NX_DAEMON: 'false',
  FORCE_COLOR: process.env.CI ? '0' : '1',
};

// A stage that outlives this is stuck (a process that never exits, a hung connection): its whole
// process group is killed and the stage fails, so CI reports instead of waiting for its own limit.
const STAGE_TIMEOUT_MS = Number(process.env.BALLAST_STAGE_TIMEOUT_MS ?? 30 * 60_000);

function runStep(command, commandArgs, extraEnv = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, commandArgs, {
      cwd: root,
      env: { ...env, ...extraEnv },
      stdio: 'inherit',
      detached: true, // its own process group, so a timeout can end everything it started
    });
    const timer = setTimeout(() => {
      console.error(
        `\n${path.basename(command)} ${commandArgs.join(' ')} ran longer than ${STAGE_TIMEOUT_MS / 1000} s: killed`,
      );
      process.kill(-child.pid, 'SIGKILL');
    }, STAGE_TIMEOUT_MS);
    const forward = (signal) => process.kill(-child.pid, signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code: code ?? (signal ? 1 : 0), seconds: (Date.now() - started) / 1000 });
    });
  });
}

const nx = path.join(root, 'node_modules', '.bin', 'nx');
// CI checks everything from scratch: Nx's cache (which may live outside the clone) is not trusted there.
const nxCacheArgs = process.env.CI === 'true' ? ['--skip-nx-cache'] : [];
const jest = path.join(root, 'node_modules', '.bin', 'jest');
const stages = [];
const totals = { passed: 0, failed: 0, skipped: 0 };

async function jestStage(kind) {
  const output = path.join(resultsDir, `jest-${kind}.json`);
  await rm(output, { force: true });
  const jestArgs = ['-c', 'test/jest.all.cjs', '--json', `--outputFile=${output}`, '--ci'];
  if (kind === 'integration') jestArgs.push('--runInBand');
  else jestArgs.push('--maxWorkers=2');
  const result = await runStep(jest, jestArgs, { JEST_KIND: kind });
  try {
    const report = JSON.parse(await readFile(output, 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + report.numTodoTests;
    // A suite that fails to load (syntax error, failed beforeAll) has no failed test: count it as one.
    totals.failed += report.testResults.filter(
      (suite) => suite.status === 'failed' && suite.assertionResults.every((t) => t.status !== 'failed'),
    ).length;
    if (kind === 'integration' && report.numTotalTests === 0) {
      console.error('integration stage ran no test: that is a failure, not a pass');
      return { ...result, code: 1 };
    }
  } catch (error) {
    console.error(`no Jest report for the ${kind} stage (${error.message}); counting it as one failure`);
    totals.failed += 1;
    return { ...result, code: result.code || 1 };
  }
  return result;
}

await mkdir(resultsDir, { recursive: true });
if (wanted('lint'))
  stages.push([
    'lint',
    await runStep(nx, ['run-many', '-t', 'lint', '--output-style=static', ...nxCacheArgs]),
  ]);
if (wanted('lint'))
  stages.push([
    'format',
    await runStep(path.join(root, 'node_modules', '.bin', 'prettier'), ['--check', '.', '--log-level=warn']),
  ]);
if (wanted('typecheck'))
  stages.push([
    'typecheck',
    await runStep(nx, ['run-many', '-t', 'typecheck', '--output-style=static', ...nxCacheArgs]),
  ]);
if (wanted('unit')) stages.push(['unit', await jestStage('unit')]);
if (wanted('integration')) stages.push(['integration', await jestStage('integration')]);

await writeFile(
  path.join(resultsDir, 'summary.json'),
  `${JSON.stringify({ ...totals, stages: Object.fromEntries(stages.map(([name, r]) => [name, r])) }, null, 2)}\n`,
);
console.log('\nstage        result   seconds');
for (const [name, result] of stages) {
  console.log(
    `${name.padEnd(12)} ${(result.code === 0 ? 'ok' : 'FAILED').padEnd(8)} ${result.seconds.toFixed(1)}`,
  );
}
const failedStages = stages.filter(([, result]) => result.code !== 0).map(([name]) => name);
if (failedStages.length > 0) console.log(`failed stages: ${failedStages.join(', ')}`);
console.log(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
process.exit(failedStages.length > 0 ? 1 : 0);
