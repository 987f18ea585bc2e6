#!/usr/bin/env node
// `npx ballast`: the root package.json names this file as the `ballast` binary.
//
// It runs the compiled CLI (`npm run build` -> dist/cli) when that build is at least as new as every
// source file it was built from, and otherwise the TypeScript sources through @swc-node/register,
// so that a fresh `npm ci` works before any build and an edit is never hidden by a stale build.
// BALLAST_CLI_FROM=dist or =source forces one of the two.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../../..');
const built = path.join(root, 'dist/cli/services/cli/src/ballast.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function buildIsCurrent() {
  if (!fs.existsSync(built)) return false;
  const builtAt = fs.statSync(built).mtimeMs;
  return [path.join(root, 'services/cli/src'), path.join(root, 'libs')].every(
    (dir) => newestSource(dir) <= builtAt,
  );
}

// A command solves one problem and exits: V8's optimising WebAssembly tier would compile HiGHS's hot
// functions in the background and make the process wait for those jobs at exit (about 2 s here),
// longer than the baseline compiler's code needs for the whole solve.
require('node:v8').setFlagsFromString('--liftoff-only');

const from = process.env.BALLAST_CLI_FROM ?? (buildIsCurrent() ? 'dist' : 'source');
if (from === 'dist') {
  require(built);
} else {
  process.env.SWC_NODE_PROJECT ??= path.join(root, 'tsconfig.base.json');
  require('@swc-node/register');
  require(path.join(root, 'services/cli/src/ballast.ts'));
}
