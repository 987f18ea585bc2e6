#!/usr/bin/env node
// Compiles one service and the libraries it may import into dist/<service>/, ready for
// `node dist/<service>/services/<service>/src/main.js` (what the Docker image runs).
//
// SWC rather than tsc: it keeps NestJS's decorator metadata, rewrites the `@ballast/*` path
// aliases to relative requires (so no alias resolver is needed at run time) and compiles the
// whole workspace in about a second. Type checking is the `typecheck` target's job.
import { transformFile } from '@swc/core';
import { mkdir, readFile, readdir, rm, writeFile, cp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const service = process.argv[2];
if (!service) {
  console.error('usage: node deploy/build-service.mjs <service>');
  process.exit(2);
}
const serviceDir = path.join(workspaceRoot, 'services', service);
const outDir = path.join(workspaceRoot, 'dist', service);

const tsconfig = JSON.parse(await readFile(path.join(workspaceRoot, 'tsconfig.base.json'), 'utf8'));
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
    baseUrl: workspaceRoot,
    paths: tsconfig.compilerOptions.paths,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
};

async function* sourceFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '__fixtures__') yield* sourceFiles(full);
    } else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|d)\.ts$/.test(entry.name)) {
      yield full;
    }
  }
}

await rm(outDir, { recursive: true, force: true });
const roots = [path.join(serviceDir, 'src'), path.join(workspaceRoot, 'libs')];
let count = 0;
for (const root of roots) {
  for await (const file of sourceFiles(root)) {
    // Test-only code (libs/testing, fixtures under src/**/testing) never ships.
    if (file.split(path.sep).includes('testing')) continue;
    const relative = path.relative(workspaceRoot, file);
    const target = path.join(outDir, relative.replace(/\.ts$/, '.js'));
    const { code, map } = await transformFile(file, {
      ...swcOptions,
      filename: file,
      sourceFileName: path.relative(path.dirname(target), file),
    });
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
    if (map) await writeFile(`${target}.map`, map);
    count += 1;
  }
}
// Non-code assets a service reads at run time (SQL, CSV fixtures shipped with the service).
await cp(path.join(serviceDir, 'assets'), path.join(outDir, 'services', service, 'assets'), {
  recursive: true,
}).catch((error) => {
  if (error.code !== 'ENOENT') throw error;
});
console.log(`built ${service}: ${count} files -> ${path.relative(workspaceRoot, outDir)}`);
