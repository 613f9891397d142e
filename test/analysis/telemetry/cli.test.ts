import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TELEMETRY } from './support';
import { EXIT_OK, EXIT_POLICY_FAILURE, EXIT_USAGE, runCli } from '../../../lib/cli/program';
import { referenceApp, writeAppYaml } from '../support/app-yaml';

const full = writeAppYaml(referenceApp().app, 'review');
const fixtures = path.join(__dirname, '..', 'fixtures', 'reference');
const t = (f: string) => path.join(TELEMETRY, f);

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: x => { out += x; }, stderr: x => { err += x; } });
  return { code, out, err };
}

test('suggest prints TypeScript with nothing to add for the full app', async () => {
  const { code, out } = await cli('suggest', '--telemetry', t('reference-access-log.jsonl'), '--manifests', full);
  expect(code).toBe(EXIT_OK);
  expect(out).toContain('// 0 links suggested; 15 distinct observed calls are already allowed.');
  expect(out).toContain("import { IZeroTrustWorkload, ServiceLink } from 'cdk8s-zero-trust';");
});

test('suggest -o json lists the links with evidence; --path-threshold is validated', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-no-links-'));
  // The reference fixture without its link policies: only the namespace-wide and workload objects.
  for (const f of fs.readdirSync(fixtures)) {
    const docs = fs.readFileSync(path.join(fixtures, f), 'utf8').split(/^---$/m)
      .filter(d => !/name: \S+-(ingress|egress)$/m.test(d) || !/kind: (NetworkPolicy|AuthorizationPolicy)/.test(d));
    fs.writeFileSync(path.join(dir, f), docs.join('---'));
  }
  const { code, out } = await cli('suggest', '--telemetry', t('reference-hubble.jsonl'), '--manifests', dir, '-o', 'json');
  expect(code).toBe(EXIT_OK);
  const json = JSON.parse(out);
  expect(json.command).toBe('suggest');
  expect(json.links).toHaveLength(13);
  expect(json.links[0]).toMatchObject({ id: 'api-gateway-to-order-service', methods: ['GET', 'POST'], paths: ['/orders/*'] });
  expect((await cli('suggest', '--telemetry', t('reference-hubble.jsonl'), '--manifests', dir, '--path-threshold', '1')).code).toBe(EXIT_USAGE);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('review: text lists the three unused links; --fail-on-unused exits 1', async () => {
  const args = ['review', '--telemetry', t('reference-metrics-three-missing.json'), '--manifests', full];
  const text = await cli(...args);
  expect(text.code).toBe(EXIT_OK);
  expect(text.out).toContain('Allowed but unused: candidates for removal (3)');
  expect(text.out).toMatch(/production\/frontend -> production\/api-server tcp\/8080\s+a ServiceLink \(or allowFrom\) from production\/frontend to production\/api-server/);
  expect((await cli(...args, '--fail-on-unused')).code).toBe(EXIT_POLICY_FAILURE);
  expect((await cli('review', '--telemetry', t('reference-metrics.json'), '--manifests', full, '--fail-on-unused')).code).toBe(EXIT_OK);
});

test('review: markdown and json', async () => {
  const md = await cli('review', '--telemetry', t('reference-metrics-three-missing.json'), '--manifests', full, '-o', 'markdown');
  expect(md.out).toContain('### Allowed but unused: candidates for removal (3)');
  const json = JSON.parse((await cli('review', '--telemetry', t('reference-metrics-three-missing.json'), '--manifests', full, '-o', 'json', '--fail-on-unused')).out);
  expect(json).toMatchObject({ command: 'review', failed: true });
  expect(json.unused.map((u: any) => u.path)).toHaveLength(3);
});

test('bad telemetry exits 2 naming the file and line', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-bad-'));
  const file = path.join(dir, 'flows.jsonl');
  fs.writeFileSync(file, `${fs.readFileSync(t('reference-hubble.jsonl'), 'utf8').split('\n')[0]}\n{"flow": oops}\n`);
  const { code, err } = await cli('review', '--telemetry', file, '--manifests', full);
  expect(code).toBe(EXIT_USAGE);
  expect(err).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not valid JSON`));
  expect((await cli('suggest', '--manifests', full)).code).toBe(EXIT_USAGE);
  fs.rmSync(dir, { recursive: true, force: true });
});
