#!/usr/bin/env node
// `npm run bench`: runs every `*.bench.ts` under libs/ and services/ (or those whose path contains
// one of the arguments), each in its own Node process so that one benchmark's garbage and JIT state
// do not colour the next. Each benchmark prints its own table (see bench() and printTable() in @ballast/testing).
// Benchmarks measure; they never assert timings (targets are compared by a person reading the table).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const filters = process.argv.slice(2);

function find(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...find(full));
    else if (entry.endsWith('.bench.ts')) found.push(full);
  }
  return found;
}

const files = ['libs', 'services']
  .flatMap((dir) => find(path.join(root, dir)))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ') || '(any)'}`);
  process.exit(1);
}
console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);
let failed = 0;
for (const file of files) {
  console.log(`## ${path.relative(root, file)}\n`);
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', file], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SWC_NODE_PROJECT: path.join(root, 'tsconfig.base.json'), NODE_ENV: 'production' },
  });
  if (result.status !== 0) failed += 1;
  console.log('');
}
process.exit(failed === 0 ? 0 : 1);
