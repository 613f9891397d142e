// Hostile and real-world input through the CLI: exact exit codes and messages. Nothing may exit 3
// (internal error), hang, or pass a malformed field in silence; every exit-2 message names the file.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { networkPolicy, workload } from './support/objects';
import { EXIT_OK, EXIT_USAGE, runCli } from '../../lib/cli/program';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: t => { out += t; }, stderr: t => { err += t; } });
  return { code, out, err };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-hostile-'));
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
const yaml = (name: string, ...objects: any[]) => file(name, Yaml.stringify(...objects));

const layers = (n: number) => Array.from({ length: n }, (_, i) => `  l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(',')}]`).join('\n');
const ap = (spec: any) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'a' }, spec });
const pa = (spec: any) => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'p', namespace: 'a' }, spec });
const np = (spec: any) => networkPolicy('a', 'p', spec);

describe('hostile input: exit 2 with a message naming the file, the object and the field', () => {
  test.each([
    ['billion laughs', () => file('bomb.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  l0: &l0 [x]\n${layers(7)}\n`),
      (f: string) => `${f}: YAML document 1 is refused: Excessive alias count indicates a resource exhaustion attack (at most 1000 alias expansions)`],
    ['merge-key bomb', () => file('merge.yaml', `b0: &b0 {a: 1}\n${Array.from({ length: 8 }, (_, i) => `b${i + 1}: &b${i + 1}\n  <<: [${Array(9).fill(`*b${i}`).join(', ')}]`).join('\n')}\n`),
      (f: string) => `${f}: YAML document 1 is refused: Excessive alias count indicates a resource exhaustion attack (at most 1000 alias expansions)`],
    ['an alias cycle', () => file('cycle.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: x\n  self: *m\n'),
      (f: string) => `${f}: YAML document 1 is refused: an alias refers to a node that contains it (a cycle)`],
    ['invalid YAML', () => file('broken.yaml', 'kind: [\n'),
      (f: string) => `${f}: YAML document 1 is invalid: Flow sequence in block collection must be sufficiently indented and end with a ]`],
    ['policyTypes as a string', () => yaml('np1.yaml', np({ podSelector: {}, policyTypes: 'Ingress' })),
      (f: string) => `${f}: NetworkPolicy a/p: spec.policyTypes: expected a list, got string "Ingress"`],
    ['a list as podSelector', () => yaml('np2.yaml', np({ podSelector: [{ app: 'x' }] })),
      (f: string) => `${f}: NetworkPolicy a/p: spec.podSelector: expected an object, got a list [{"app":"x"}]`],
    ['NetworkPolicy from as an object', () => yaml('np3.yaml', np({ podSelector: {}, ingress: [{ from: {} }] })),
      (f: string) => `${f}: NetworkPolicy a/p: spec.ingress[0].from: expected a list, got an object {}`],
    ['a matchLabels value that is a number', () => yaml('np4.yaml', np({ podSelector: { matchLabels: { tier: 1 } } })),
      (f: string) => `${f}: NetworkPolicy a/p: spec.podSelector.matchLabels.tier: expected a string, got number 1`],
    ['a NetworkPolicy port that is a list', () => yaml('np5.yaml', np({ podSelector: {}, ingress: [{ ports: [{ port: [80] }] }] })),
      (f: string) => `${f}: NetworkPolicy a/p: spec.ingress[0].ports[0].port: expected a port number or name, got a list [80]`],
    ['AuthorizationPolicy from as an object', () => yaml('ap1.yaml', ap({ rules: [{ from: {} }] })),
      (f: string) => `${f}: AuthorizationPolicy a/p: spec.rules[0].from: expected a list, got an object {}`],
    ['AuthorizationPolicy ports naming a port', () => yaml('ap2.yaml', ap({ rules: [{ to: [{ operation: { ports: ['http'] } }] }] })),
      (f: string) => `${f}: AuthorizationPolicy a/p: spec.rules[0].to[0].operation.ports[0]: expected a port number in 1-65535, got "http"`],
    ['AuthorizationPolicy principals as a string', () => yaml('ap3.yaml', ap({ rules: [{ from: [{ source: { principals: 'cluster.local/ns/a/sa/b' } }] }] })),
      (f: string) => `${f}: AuthorizationPolicy a/p: spec.rules[0].from[0].source.principals: expected a list, got string "cluster.local/ns/a/sa/b"`],
    ['a condition without key', () => yaml('ap4.yaml', ap({ rules: [{ when: [{ values: ['x'] }] }] })),
      (f: string) => `${f}: AuthorizationPolicy a/p: spec.rules[0].when[0].key: is required`],
    ['PeerAuthentication mtls as a string', () => yaml('pa1.yaml', pa({ mtls: 'STRICT' })),
      (f: string) => `${f}: PeerAuthentication a/p: spec.mtls: expected an object, got string "STRICT"`],
    ['PeerAuthentication port that is not a number', () => yaml('pa2.yaml', pa({ selector: { matchLabels: { a: 'b' } }, portLevelMtls: { http: { mode: 'DISABLE' } } })),
      (f: string) => `${f}: PeerAuthentication a/p: spec.portLevelMtls.http: not a port number in 1-65535`],
    ['Service ports as a string', () => yaml('svc.yaml', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'a' }, spec: { ports: '80' } }),
      (f: string) => `${f}: Service a/s: spec.ports: expected a list, got string "80"`],
    ['Service port as a string', () => yaml('svc2.yaml', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'a' }, spec: { ports: [{ port: '80' }] } }),
      (f: string) => `${f}: Service a/s: spec.ports[0].port: expected a port number in 1-65535, got string "80"`],
    ['containers as an object', () => yaml('wl1.yaml', { ...workload('a', 'w'), spec: { template: { spec: { containers: {} } } } }),
      (f: string) => `${f}: Deployment a/w: spec.template.spec.containers: expected a list, got an object {}`],
    ['pod labels that are not strings', () => yaml('wl2.yaml', { ...workload('a', 'w'), spec: { template: { metadata: { labels: { app: true } }, spec: {} } } }),
      (f: string) => `${f}: Deployment a/w: spec.template.metadata.labels.app: expected a string, got boolean true`],
    ['a containerPort given as text', () => yaml('wl3.yaml', { ...workload('a', 'w'), spec: { template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: '80' }] }] } } } }),
      (f: string) => `${f}: Deployment a/w: spec.template.spec.containers[0].ports[0]: container 'c' has an invalid port {"containerPort":"80"} (containerPort must be a number in 1-65535, protocol TCP, UDP or SCTP)`],
    ['metadata.namespace that is a number', () => yaml('ns.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 7 } }),
      (f: string) => `${f}: object 1 (ConfigMap x): metadata.namespace: expected a string, got 7`],
    ['a list item without name', () => yaml('list.yaml', { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: {} }] }),
      (f: string) => `${f}: item 1 of PodList lacks apiVersion, kind or metadata.name: {"metadata":{},"kind":"Pod","apiVersion":"v1"}`],
  ])('%s', async (_what, make, message) => {
    const f = make();
    const started = Date.now();
    const r = await cli('reach', f);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err.startsWith(`error: ${message(f)}`)).toBe(true);
  });

  test('conflicting copies of one object name both files; identical copies are one object', async () => {
    const a = yaml('dup-a.yaml', workload('a', 'w'));
    const b = yaml('dup-b.yaml', workload('a', 'w', { labels: { other: 'x' } }));
    const same = yaml('dup-c.yaml', workload('a', 'w'));
    expect((await cli('reach', a, b)).err).toBe(`error: Deployment a/w: defined twice with different content (${a} and ${b}); every object must be unique by kind, namespace and name\n`);
    const ok = await cli('reach', a, same, '-o', 'json');
    expect(ok.code).toBe(EXIT_OK);
    expect(JSON.parse(ok.out).workloads.filter((w: any) => w.id === 'a/w')).toHaveLength(1);
  });
});

describe('files that never end are never read', () => {
  const special = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-special-'));
  const fifo = path.join(special, 'pipe.yaml');
  execFileSync('mkfifo', [fifo]);
  fs.symlinkSync('/dev/zero', path.join(special, 'zero.yaml'));
  fs.writeFileSync(path.join(special, 'ok.yaml'), Yaml.stringify(workload('a', 'w')));

  test('named explicitly: exit 2', async () => {
    expect((await cli('reach', fifo)).err).toBe(`error: manifest path '${fifo}' is not a regular file (a FIFO); pass YAML or JSON files or directories\n`);
    expect((await cli('reach', '/dev/zero')).err).toBe("error: manifest path '/dev/zero' is not a regular file (a character device); pass YAML or JSON files or directories\n");
  });

  test('inside a directory: skipped with a finding, the rest is read', async () => {
    const r = await cli('reach', special, '-o', 'json');
    expect(r.code).toBe(EXIT_OK);
    const json = JSON.parse(r.out);
    expect(json.workloads.map((w: any) => w.id)).toContain('a/w');
    expect(json.findings.filter((f: any) => f.message.startsWith('not a regular file')).map((f: any) => f.subject)).toEqual([fifo, path.join(special, 'zero.yaml')]);
  });

  test('a directory symlinked into itself is read once', async () => {
    const loop = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-loop-'));
    fs.writeFileSync(path.join(loop, 'ok.yaml'), Yaml.stringify(workload('a', 'w')));
    fs.symlinkSync(loop, path.join(loop, 'again'));
    const r = await cli('reach', loop, '-o', 'json');
    expect(r.code).toBe(EXIT_OK);
    expect(JSON.parse(r.out).workloads.filter((w: any) => w.id === 'a/w')).toHaveLength(1);
  });
});

describe('command-line mistakes', () => {
  const f = yaml('cli.yaml', workload('a', 'web', { ports: [{ port: 8080, name: 'http' }] }), workload('a', 'client'),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'a' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } });

  test('graph --out into a missing directory or onto a directory: exit 2', async () => {
    const missing = path.join(dir, 'nope', 'g.mmd');
    expect(await cli('graph', f, '--out', missing)).toEqual({ code: EXIT_USAGE, out: '', err: `error: --out ${missing}: directory '${path.dirname(missing)}' does not exist\n` });
    expect(await cli('graph', f, '--out', dir)).toEqual({ code: EXIT_USAGE, out: '', err: `error: --out ${dir}: is a directory; give a file name\n` });
  });

  test('check --port given a Service port says so and names the pod port', async () => {
    const r = await cli('check', f, '--from', 'a/client', '--to', 'a/web', '--port', '80');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('caveat: port 80 is the port of Service a/web, not a pod port; policies see the pod port it maps to: check --port 8080');
  });
});

describe('real-world input: what kubectl and the API server accept', () => {
  test('a kind-specific List whose items carry no kind or apiVersion (a raw API response)', async () => {
    const f = file('podlist.json', JSON.stringify({
      apiVersion: 'v1',
      kind: 'PodList',
      items: [{ metadata: { name: 'web-1', namespace: 'a', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } }],
    }));
    const ns = file('nslist.json', JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', items: [{ metadata: { name: 'a', labels: { team: 'x' } } }] }));
    const r = await cli('reach', f, ns, '-o', 'json');
    expect(r.code).toBe(EXIT_OK);
    expect(JSON.parse(r.out).workloads.find((w: any) => w.id === 'a/web-1')).toMatchObject({ kind: 'Pod', ports: ['tcp/80'] });
  });

  test('kubectl get ... -o yaml: a List of mixed kinds', async () => {
    const f = yaml('kubectl.yaml', { apiVersion: 'v1', kind: 'List', items: [workload('a', 'w'), np({ podSelector: {} })] });
    const json = JSON.parse((await cli('reach', f, '-o', 'json')).out);
    expect(json.workloads.find((w: any) => w.id === 'a/w').ingressIsolated).toBe(true);
  });

  test('a tab that starts a flow-sequence continuation line, as go-yaml accepts it', async () => {
    const f = file('tab.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress,\n\tEgress]\n');
    const r = await cli('reach', f, '-o', 'json');
    expect(r.code).toBe(EXIT_OK);
    expect(JSON.parse(r.out).findings).toContainEqual({ kind: 'warning', subject: f, message: 'a tab indents a flow collection item; read as kubectl reads it' });
    // A tab as block indentation stays an error, as in go-yaml.
    expect((await cli('reach', file('tab2.yaml', 'a:\n\t- b\n'))).code).toBe(EXIT_USAGE);
  });

  test('a container port entry without containerPort is skipped with a finding', async () => {
    const f = yaml('noport.yaml', { ...workload('a', 'w'), spec: { template: { spec: { containers: [{ name: 'c', ports: [{ name: 'metrics' }, { containerPort: 9090 }] }] } } } });
    const json = JSON.parse((await cli('reach', f, '-o', 'json')).out);
    expect(json.workloads.find((w: any) => w.id === 'a/w').ports).toEqual(['tcp/9090']);
    expect(json.findings).toContainEqual({ kind: 'warning', subject: 'Deployment a/w', message: 'spec.template.spec.containers[0].ports[0] has no containerPort; the entry is skipped' });
  });
});
