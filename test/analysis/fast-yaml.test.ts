// The CLI's fast YAML path must read every text it accepts exactly as the reference reader
// (`yaml`, YAML 1.2 core schema) does, and hand every text it might read differently, or that
// needs the reference reader's bounds, to that reader.
import { parseAllDocuments } from 'yaml';
import { readPlainYaml } from '../../lib/analysis/estate/fast-yaml';

function reference(text: string): unknown[] {
  return parseAllDocuments(text, { merge: true, uniqueKeys: false })
    .map(d => d.toJS({ maxAliasCount: 1000 }))
    .filter(v => v !== null && v !== undefined);
}

function fast(text: string): unknown[] | undefined {
  return readPlainYaml(text)?.filter(v => v !== null && v !== undefined);
}

// Plain scalars in every spelling the core schema resolves, and near misses that stay strings.
const SCALARS = [
  '~', 'null', 'Null', 'NULL', 'nULL', '', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n',
  '0', '-0', '+12', '012', '0o17', '0o18', '0x1F', '0X1F', '0b101', '1_000', '9007199254740993', '1:20', '1.5', '1.', '.5', '-.5', '+1.50',
  '1e3', '1E-3', '1.2e+3', '.inf', '-.inf', '+.Inf', '.INF', '.nan', '.NaN', '.NAN', 'nan', 'inf', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '8080', '"8080"', "'true'", '"null"', 'v1', 'apps/v1', '/api/*', 'a b', '"a\\tb"', '"\\u00e9"', "'it''s'",
];

describe('the fast path reads what it accepts exactly as the reference reader', () => {
  test.each(SCALARS)('scalar %j, as a value, in a list and as a key', s => {
    // As a value every spelling takes the fast path, so the comparison below is never vacuous there.
    expect(fast(`v: ${s}\n`)).toEqual(reference(`v: ${s}\n`));
    for (const text of [`v: ${s}\n`, `- ${s}\n- x\n`, `k:\n  ${s === '' ? '""' : s}: 1\n`, `{a: ${s}, b: [${s}]}\n`]) {
      const got = fast(text);
      if (got !== undefined) expect({ text, got }).toEqual({ text, got: reference(text) });
    }
  });

  test('a synthesized multi-document manifest is read by the fast path, identically', () => {
    const text = [
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web-ingress\n  namespace: shop\nspec:\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: web\n      ports:\n        - port: 8080\n          protocol: TCP\n  podSelector: {}\n  policyTypes:\n    - Ingress\n',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  annotations:\n    istio.io/dry-run: "true"\n  name: api\nspec:\n  rules:\n    - to:\n        - operation:\n            paths: ["/api/*"]\n            ports: ["8080"]\n',
      '',
      'kind: ConfigMap\ndata:\n  script: |\n    line one\n    line two\n  folded: >-\n    a\n    b\n',
    ].join('---\n');
    const got = fast(text);
    expect(got).toBeDefined();
    expect(got).toEqual(reference(text));
    expect(got).toHaveLength(3);
  });
});

describe('texts the fast path hands to the reference reader', () => {
  test.each([
    ['an anchor and alias', 'a: &x [1]\nb: *x\n'],
    ['an alias in flow style', '{a: &x 1, b: [*x]}\n'],
    ['a merge key', 'base: {a: 1}\nm:\n  <<: {a: 2}\n'],
    ['a %YAML 1.1 directive (yes/no are booleans there)', '%YAML 1.1\n---\nv: yes\n'],
    ['a tab', 'a:\t1\n'],
    ['a null key', 'null: 1\n'],
    ['a tilde key', '~: 1\n'],
    ['an empty key', ': 1\n'],
    ['an explicit complex key', '? [a, b]\n: 1\n'],
    ['a flow collection key', '[a, b]: 1\n'],
    ['a duplicate key (js-yaml refuses it)', 'a: 1\na: 2\n'],
    ['an unknown tag (js-yaml refuses it)', 'a: !!binary aGk=\n'],
    ['invalid YAML (the reference reader words the error)', 'a: [1, 2\n'],
  ])('%s', (_name, text) => {
    expect(readPlainYaml(text)).toBeUndefined();
  });
});
