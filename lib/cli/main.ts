#!/usr/bin/env node
// The `cdk8s-zero-trust` command (package.json `bin`).
import { runCli } from './program';

// `cdk8s-zero-trust reach dist | head` closes the pipe early: stop quietly, as other commands do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

void runCli(process.argv.slice(2), {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
}).then(code => {
  process.exitCode = code;
});
