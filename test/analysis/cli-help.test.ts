import * as fs from 'fs';
import * as path from 'path';
import { EXIT_OK, runCli } from '../../lib/cli/program';

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli(args, { stdout: t => { out += t; }, stderr: t => { out += t; } });
  return { code, out };
}

test('--version prints the version of the package.json', async () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  expect(await cli('--version')).toEqual({ code: EXIT_OK, out: `${version}\n` });
});

test.each(['reach', 'blast-radius', 'diff', 'check', 'graph', 'schema'])('`%s --help` ends with an example of that command', async (command) => {
  const { code, out } = await cli(command, '--help');
  expect(code).toBe(EXIT_OK);
  const examples = out.slice(out.indexOf('\nExamples:\n'));
  expect(out).toContain('\nExamples:\n');
  expect(examples).toContain(`  $ cdk8s-zero-trust ${command} `);
});
