import * as fs from 'fs';
import Ajv from 'ajv';
import { referenceApp, writeAppYaml } from './support/app-yaml';
import { OUTPUT_SCHEMA } from '../../lib/analysis/report/output-schema';
import { runCli } from '../../lib/cli/program';
import { outputSchemaSource, SCHEMA_FILE } from '../../scripts/output-schema';

async function json(...args: string[]): Promise<any> {
  let out = '';
  await runCli(args, { stdout: t => { out += t; }, stderr: () => undefined });
  return JSON.parse(out);
}

describe('the JSON Schema of --output json', () => {
  test('is generated from the TypeScript types: the committed file equals a fresh generation', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(outputSchemaSource());
  });

  test('every command\'s JSON validates, and a wrong verdict, a missing field or an extra field does not', async () => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(OUTPUT_SCHEMA);
    const base = writeAppYaml(referenceApp().app, 'schema-base');
    const head = writeAppYaml(referenceApp(true).app, 'schema-head');
    const outputs = [
      await json('reach', base, '-o', 'json'),
      await json('blast-radius', 'order-service', base, '-o', 'json'),
      await json('diff', '--base', base, '--head', head, '-o', 'json'),
      await json('check', base, '--from', 'checkout-api', '--to', 'payment-service', '--port', '8080', '-o', 'json'),
    ];
    for (const output of outputs) expect([output.command, validate(output), validate.errors]).toEqual([output.command, true, null]);

    const reach = outputs[0];
    const wrongVerdict = { ...reach, paths: [{ ...reach.paths[0], l4: 'maybe' }] };
    const { verdict: _dropped, ...noVerdict } = reach.paths[0];
    const missing = { ...reach, paths: [noVerdict] };
    const extra = { ...reach, surprise: true };
    const wrongVersion = { ...reach, schemaVersion: 2 };
    const wrongKind = { ...outputs[2], diff: { ...outputs[2].diff, changes: [{ ...outputs[2].diff.changes[0], kind: 'grew' }] } };
    for (const bad of [wrongVerdict, missing, extra, wrongVersion, wrongKind]) expect(validate(bad)).toBe(false);
    expect(outputs[2].diff.changes.map((c: any) => c.kind)).toEqual(['added']);
  });
});
