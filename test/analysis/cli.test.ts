import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { referenceApp, writeAppYaml } from './support/app-yaml';
import { OUTPUT_SCHEMA } from '../../lib/analysis/report/output-schema';
import { EXIT_OK, EXIT_POLICY_FAILURE, EXIT_USAGE, runCli } from '../../lib/cli/program';

const base = writeAppYaml(referenceApp().app, 'base');
const head = writeAppYaml(referenceApp(true).app, 'head');

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; } });
  return { code, out, err };
}

const validate = new Ajv({ strict: true, allErrors: true }).compile(OUTPUT_SCHEMA);

describe('reach', () => {
  test('text: the 13 links in a table, DNS and istiod grouped, exit 0', async () => {
    const { code, out } = await cli('reach', base);
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('Allowed paths between workloads (13)');
    expect(out).toMatch(/production\/checkout-api\s+production\/payment-service\s+tcp\/8080 \(http\) via payment-service:8080\s+POST \/v1\/charges/);
    expect(out).toMatch(/kube-system\/kube-dns\s+udp\/53\s+all 14 workloads of production, all 1 workload of risk/);
    expect(out).toMatch(/istio-system\/istiod\s+tcp\/15012\s+all 14 workloads of production, all 1 workload of risk/);
    expect(out).not.toContain('Defense-in-depth gaps');
  });

  test('json: valid against the published schema, with every allowed line', async () => {
    const { code, out } = await cli('reach', base, '--output', 'json');
    expect(code).toBe(EXIT_OK);
    const json = JSON.parse(out);
    expect(validate(json)).toBe(true);
    expect(json.allowed.filter((l: string) => !l.includes('kube-dns') && !l.includes('istiod') && !l.startsWith('monitoring/*'))).toHaveLength(13);
    // The monitoring option names namespace `monitoring`, which the manifests do not hold: its representative scrapes 15020/15090 of all 15.
    expect(json.allowed.filter((l: string) => l.startsWith('monitoring/* '))).toHaveLength(15 * 2);
    expect(json.allowed).toHaveLength(13 + 15 * 3 + 15 * 2);
  });

  test('markdown: tables for a PR comment, `*` kept literal in code spans', async () => {
    const { out } = await cli('reach', base, '-o', 'markdown');
    expect(out).toContain('### Allowed paths between workloads (13)');
    expect(out).toContain('| production/api-gateway | production/order-service | tcp/8080 (http) via order-service:8080 | `GET,POST /orders/*` | allow | allow |');
  });
});

describe('diff', () => {
  test('one added link: exit 1 with --fail-on-new-access, 0 once approved, 0 without the flag', async () => {
    const failing = await cli('diff', '--base', base, '--head', head, '--fail-on-new-access');
    expect(failing.code).toBe(EXIT_POLICY_FAILURE);
    expect(failing.out).toMatch(/production\/frontend -> production\/cache tcp\/6379\s+added\s+added\s+added\s+-\s+allow/);
    expect(failing.out).toContain('Access widened: failing until approved (--approve).');
    expect((await cli('diff', '--base', base, '--head', head, '--fail-on-new-access', '--approve')).code).toBe(EXIT_OK);
    expect((await cli('diff', '--base', base, '--head', head)).code).toBe(EXIT_OK);
  });

  test('json: exactly one change, schema-valid; narrowing never fails', async () => {
    const { out } = await cli('diff', '--base', base, '--head', head, '--fail-on-new-access', '-o', 'json');
    const json = JSON.parse(out);
    expect(validate(json)).toBe(true);
    expect(json.diff.changes.map((c: any) => c.path)).toEqual(['production/frontend -> production/cache tcp/6379']);
    expect(json.failed).toBe(true);
    const narrowing = await cli('diff', '--base', head, '--head', base, '--fail-on-new-access');
    expect(narrowing.code).toBe(EXIT_OK);
    expect(narrowing.out).toContain('Access did not widen.');
  });

  test('no change', async () => {
    const { code, out } = await cli('diff', '--base', base, '--head', base, '--fail-on-new-access');
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('No change in access.');
  });
});

describe('blast-radius, check, graph, schema', () => {
  test('blast-radius of order-service as JSON', async () => {
    const { code, out } = await cli('blast-radius', 'order-service', base, '-o', 'json');
    expect(code).toBe(EXIT_OK);
    const json = JSON.parse(out);
    expect(validate(json)).toBe(true);
    expect(json.blastRadius.transitive.map((n: any) => `${n.hops} ${n.node}`)).toEqual([
      '1 istio-system/istiod', '1 kube-system/kube-dns', '1 production/order-db', '1 production/payment-service', '2 production/payment-db', '2 risk/fraud-scorer',
    ]);
  });

  test('check: --expect turns a verdict into an exit code', async () => {
    const allowed = ['check', base, '--from', 'checkout-api', '--to', 'payment-service', '--port', '8080', '--method', 'POST', '--path', '/v1/charges'];
    expect((await cli(...allowed, '--expect', 'allow')).code).toBe(EXIT_OK);
    const wrongMethod = await cli('check', base, '--from', 'checkout-api', '--to', 'payment-service', '--port', '8080', '--method', 'GET', '--path', '/v1/charges', '--expect', 'allow');
    expect(wrongMethod.code).toBe(EXIT_POLICY_FAILURE);
    expect(wrongMethod.out).toContain('Verdict: deny');
    const json = JSON.parse((await cli(...allowed, '-o', 'json')).out);
    expect(validate(json)).toBe(true);
    expect(json).toMatchObject({ command: 'check', request: 'checkout-api -> payment-service tcp/8080 POST /v1/charges', l4: 'allow', l7: 'allow', verdict: 'allow' });
  });

  test('graph: Mermaid on stdout', async () => {
    const { code, out } = await cli('graph', base);
    expect(code).toBe(EXIT_OK);
    expect(out.startsWith('flowchart LR')).toBe(true);
    // 17 as before, plus monitoring/* to the production box and to risk/fraud-scorer.
    expect(out.split('\n').filter(l => l.includes('-->'))).toHaveLength(19);
    expect((await cli('graph', base, '--no-platform', '--format', 'dot')).out.split('\n').filter(l => l.includes(' -> '))).toHaveLength(15);
  });

  test('schema prints a JSON Schema that compiles', async () => {
    const { out } = await cli('schema');
    expect(() => new Ajv({ strict: true }).compile(JSON.parse(out))).not.toThrow();
  });
});

describe('usage and input errors exit 2', () => {
  test.each([
    ['a missing argument', ['reach'], "error: missing required argument 'paths'"],
    ['an unknown output format', ['reach', base, '--output', 'yaml'], "error: option '-o, --output <format>' argument 'yaml' is invalid. Allowed choices are text, markdown, json."],
    ['a missing required option', ['diff', '--head', head], "error: required option '--base <paths...>' not specified"],
    ['an unknown command', ['frobnicate'], "error: unknown command 'frobnicate'"],
    ['a port that is not a number', ['check', base, '--from', 'a', '--to', 'b', '--port', 'http'], "error: option '--port <port>' argument 'http' is invalid. expected a port number in 1-65535"],
    ['a missing manifest path', ['reach', '/no/such/dir'], "error: manifest path '/no/such/dir' does not exist"],
    ['an unknown workload', ['blast-radius', 'nobody', base], "error: unknown workload 'nobody'"],
  ])('%s', async (_what, args, message) => {
    const { code, err } = await cli(...args);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toContain(message);
  });

  test('--help exits 0', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('blast-radius [options] <workload> <paths...>');
  });
});

describe('the shipped bin (compiled out/cli/main.js, run by node)', () => {
  const bin = path.join(__dirname, '..', '..', 'out', 'cli', 'main.js');

  test('renders SVG through Graphviz in WebAssembly, no system binary', () => {
    expect(fs.existsSync(bin)).toBe(true); // `npm test` compiles first; run `npx projen compile` before jest alone
    const svg = execFileSync(process.execPath, [bin, 'graph', base, '--format', 'svg'], { encoding: 'utf8' });
    expect(svg).toContain('<svg');
    expect(svg).toContain('</svg>');
    expect(svg).toContain('payment&#45;service'); // Graphviz escapes '-' in text
    expect((svg.match(/class="edge"/g) ?? []).length).toBe(19); // 17, plus monitoring/* to production and to risk/fraud-scorer
  });

  test('exit codes reach the shell', () => {
    let status = 0;
    try {
      execFileSync(process.execPath, [bin, 'diff', '--base', base, '--head', head, '--fail-on-new-access'], { stdio: 'pipe' });
    } catch (e: any) {
      status = e.status;
    }
    expect(status).toBe(EXIT_POLICY_FAILURE);
  });

  test('a reader that closes the pipe early (| head) ends the command quietly, not with a stack trace', () => {
    // The reader closes its end before the command has written anything, so every write meets EPIPE.
    const run = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" reach "${base}" | (exec <&-; sleep 1)`], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
