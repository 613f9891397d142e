// The fast manifest writer must give cdk8s's bytes for any document, and must really take the
// fast path for plain manifests (a writer that always fell back would pass the first check alone).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { LinkPort, ServiceLink, ZeroTrustNamespace } from '../../lib';
import { ManifestYamlWriter } from '../../lib/namespace/yaml-writer';

// Strings YAML 1.1 reads as something else, or that need quoting, escaping or block style.
const AWKWARD = ['', 'yes', 'No', 'on', 'y', 'n', '~', 'null', 'true', '0x1F', '0o17', '017', '1:20', '1_000', '.5', '1e3', '.inf', '-.NaN',
  '2026-11-28', '-', '- a', '?', '? a', ':', 'a: b', 'a #b', '#c', '&a', '*a', '!t', '|', '>', '%x', '@x', '`x', '"q"', "'q'", 'it\'s "x"',
  ' lead', 'trail ', 'a\tb', '---', '...', '--- x', '[a]', '{a}', 'a,b', 'é', '💡', '\u0007', '\\', 'x'.repeat(1100),
  'cluster.local/ns/prod/sa/web', '/api/*', '*.example.com', 'GET', '8080', '10.0.0.0/8', 'app.kubernetes.io/name'];
// Spellings YAML 1.1 reads as a boolean, null, number or date, and look-alikes that stay strings.
const KEYWORDS = ['y', 'Y', 'yes', 'Yes', 'YES', 'yEs', 'n', 'N', 'no', 'No', 'NO', 'nO', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'oN', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL', 'nULL', 'yess', 'Nope', 'onn', 'x.y', 'a-b', 'a/b/c', 'a_', 'e0', 'E5', '1e3', '0x1F', '0b101', '017', '0o17', '08', '1_000', '1.5', '1.', '10.0.0.0/8',
  '2026-11-28', '2026-1-2', '190:20:30', '1:20.5', '/api/*', '/*', '*/x', '8080', '-1', '+1', '.5', '5.'];
// Names of the kind manifests are made of: the writer's no-question path.
const word = fc.oneof(fc.constantFrom(...KEYWORDS), fc.stringMatching(/^[A-Za-z0-9/][A-Za-z0-9._/*-]{0,12}$/), fc.stringMatching(/^[0-9eE._:+-]{1,8}$/));
const MULTILINE = ['a\nb', 'a\n', '\n', 'a\n\nb\n', ' a\n b'];

const scalar = (strings: string[]) => fc.oneof(
  fc.constantFrom(...strings), word, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const key = fc.oneof(fc.constantFrom(...AWKWARD), word, fc.string(), fc.constantFrom('metadata', 'spec', 'name', '8080', '__proto__x'));

function tree(leaf: fc.Arbitrary<unknown>): fc.Arbitrary<{ [key: string]: unknown }> {
  const { doc } = fc.letrec(tie => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('doc'), fc.array(tie('value'), { maxLength: 4 })),
    doc: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  }));
  return doc as fc.Arbitrary<{ [key: string]: unknown }>;
}

const original = (docs: unknown[]) => Yaml.stringify(...docs);
const fallback = (doc: unknown) => Yaml.stringify(doc);

describe('ManifestYamlWriter', () => {
  test('writes plain manifests itself, byte for byte as cdk8s does', () => {
    fc.assert(fc.property(fc.array(tree(scalar(AWKWARD)), { minLength: 1, maxLength: 3 }), docs => {
      const writer = new ManifestYamlWriter();
      const plain = docs.filter(d => Object.keys(d).length > 0 && writtenFast(d));
      for (const doc of plain) expect(writer.document(doc)).toBe(Yaml.stringify(doc));
      expect(writer.stringify(docs, fallback)).toBe(original(docs));
    }), { numRuns: 400 });
  });

  test('leaves multi-line strings, shared objects, undefined and -0 to cdk8s, with the same bytes', () => {
    const shared = { port: 8080 };
    const odd: { [key: string]: unknown }[] = [
      ...MULTILINE.map(s => ({ metadata: { annotations: { note: s } } })),
      { a: shared, b: shared },
      { items: [shared, shared] },
      { value: undefined },
      { items: [1, undefined] },
      { zero: -0 },
      { a: 0, b: -0 },
    ];
    const writer = new ManifestYamlWriter();
    for (const doc of odd) {
      expect(writer.document(doc)).toBeUndefined();
      expect(writer.stringify([doc], fallback)).toBe(original([doc]));
    }
    fc.assert(fc.property(fc.array(tree(scalar([...AWKWARD, ...MULTILINE])), { maxLength: 3 }), docs => {
      expect(new ManifestYamlWriter().stringify(docs, fallback)).toBe(original(docs));
    }), { numRuns: 200 });
  });

  test('writes YAML 1.1 boolean, null, number and date spellings, as key and as value, as cdk8s does', () => {
    const writer = new ManifestYamlWriter();
    for (const w of KEYWORDS) {
      const doc = { [w]: w, list: [w] };
      expect(writer.document(doc)).toBe(Yaml.stringify(doc));
    }
  });

  test('an undefined document is an empty line, as cdk8s writes it', () => {
    const docs = [{ a: 1 }, undefined, { b: [] }];
    expect(new ManifestYamlWriter().stringify(docs, fallback)).toBe(original(docs));
  });

  test('app.synth() writes through it and puts cdk8s\'s writer back', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-yaml-writer-'));
    const app = new App({ outdir });
    const ns = new ZeroTrustNamespace(app, 'shop');
    const web = ns.addWorkload('web', { ports: [{ number: 8080, name: 'http' }] });
    const api = ns.addWorkload('api', { ports: [{ number: 9090, name: 'grpc' }] });
    new ServiceLink(web, 'to-api', { from: web, to: api, ports: [LinkPort.tcp(9090)], http: { methods: ['GET'], paths: ['/v1/*'] } });
    new Chart(app, 'other'); // a chart of another kind goes through the same writer
    const before = Yaml.stringify;
    app.synth();
    expect(Yaml.stringify).toBe(before);
    const written = fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8');
    expect(written).toBe(Yaml.stringify(...ns.toJson()));
    expect(app.synthYaml()).toBe(Yaml.stringify(...app.charts.flatMap(c => c.toJson())));
  });
});

/**
 * What the writer promises to write itself: no -0, no key or string that starts like a document
 * marker, and no key over 1,024 characters (YAML writes those as explicit `? ` keys).
 */
function writtenFast(value: unknown): boolean {
  const marker = (s: string) => /^(%|---|\.\.\.)/.test(s);
  if (Object.is(value, -0) || (typeof value === 'string' && marker(value))) return false;
  if (Array.isArray(value)) return value.every(writtenFast);
  if (value && typeof value === 'object') return Object.entries(value).every(([k, v]) => !marker(k) && k.length <= 1024 && writtenFast(v));
  return true;
}
