#!/usr/bin/env node
// The `cdk8s-zero-trust` command (package.json `bin`).
import { runCli } from './program';

void runCli(process.argv.slice(2), {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
}).then(code => {
  process.exitCode = code;
});
