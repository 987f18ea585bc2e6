#!/usr/bin/env node
// Adds the platform-specific optional packages (native bindings of @swc/core, @unrs/resolver, ...)
// that `npm install` leaves out of package-lock.json when the registry it talks to does not serve
// them (the package mirror of Ballast's build machines serves linux-x64 builds only). Without the
// entries, `npm ci` refuses the lock file on every machine ("Missing: @swc/core-darwin-arm64 from
// lock file"). Each added entry carries the version the parent pins and the os/cpu/libc fields npm
// uses to skip it on other platforms; the integrity hash is added when the registry serves it.
//
//   node deploy/npm/complete-lockfile.mjs   (after any `npm install` that changed the lock file)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lockPath = path.join(root, 'package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const OS = [
  'darwin',
  'linux',
  'win32',
  'freebsd',
  'android',
  'openharmony',
  'sunos',
  'aix',
  'netbsd',
  'openbsd',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OS.includes(part));
  const cpu = parts.find((part) => CPU.includes(part));
  const libc = parts.includes('musl')
    ? 'musl'
    : parts.includes('gnu') || parts.includes('gnueabihf')
      ? 'glibc'
      : undefined;
  return { os, cpu, libc };
}

function integrityOf(name, version) {
  try {
    return (
      execFileSync('npm', ['view', `${name}@${version}`, 'dist.integrity'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location === '' ? '' : `${location}/`;
    if (packages[`${base}node_modules/${name}`] || packages[`node_modules/${name}`]) continue;
    const { os, cpu, libc } = platformOf(name);
    if (!os && !cpu) continue; // not a platform binding: leave it to npm
    const integrity = integrityOf(name, version);
    packages[`node_modules/${name}`] = {
      version,
      ...(integrity ? { integrity } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(entry.dev ? { dev: true } : {}),
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
      ...(os ? { os: [os] } : {}),
    };
    added += 1;
    console.log(`added ${name}@${version}${integrity ? '' : ' (no integrity: not served here)'}`);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`${added} platform package(s) added to package-lock.json`);
