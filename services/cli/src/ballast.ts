#!/usr/bin/env node
// The `ballast` command. Kept to wiring: everything else is in run-cli.ts, which specs call in-process.
import { runCli } from './run-cli';

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  stderrIsTty: process.stderr.isTTY,
}).then((code) => {
  // exitCode rather than exit(): stdout may still be draining into a pipe.
  process.exitCode = code;
});
