// Istio's exact request semantics, each case written from Istio's reference pages:
// "Authorization Policy" (Source fields, serviceAccounts), "Authorization Policy Normalization"
// (query stripping, BASE), "Authorization policy conditions", RequestAuthentication, and the
// DestinationRule ClientTLSSettings (mode DISABLE: the client sends plaintext).
import { Reachability } from '../../lib';
import { authorizationPolicy, namespace, peerAuthentication, service, workload } from './support/objects';

const MESH = { 'istio-injection': 'enabled' };
const estate = [
  namespace('foo', MESH),
  namespace('bar', MESH),
  workload('foo', 'httpbin', { serviceAccount: 'httpbin', ports: [{ port: 8000 }] }),
  workload('foo', 'sleep', { serviceAccount: 'sleep' }),
  workload('bar', 'sleep', { serviceAccount: 'sleep' }),
];
const analyze = (...objects: any[]) => Reachability.fromManifests([...estate, ...objects], { platformWorkloads: false });
const onHttpbin = (spec: any) => authorizationPolicy('foo', 'httpbin', { selector: { matchLabels: { app: 'httpbin' } }, ...spec });
const get = (r: Reachability, source: string, path: string, method = 'GET') => r.check({ source, destination: 'foo/httpbin', port: 8000, method, path });

describe('source trust domains', () => {
  test('trustDomains: only peers whose certificate carries that trust domain match', () => {
    const r = analyze(onHttpbin({ rules: [{ from: [{ source: { trustDomains: ['cluster.local'] } }] }] }));
    expect(get(r, 'foo/sleep', '/').l7).toBe('allow');
    const other = Reachability.fromManifests([...estate, onHttpbin({ rules: [{ from: [{ source: { trustDomains: ['partner.example'] } }] }] })], { platformWorkloads: false });
    // Before, the unknown field was ignored and this came out `allow`; Istio denies it.
    expect(get(other, 'foo/sleep', '/').l7).toBe('deny');
  });

  test('notTrustDomains excludes; a plaintext peer has no trust domain', () => {
    const r = analyze(onHttpbin({ rules: [{ from: [{ source: { notTrustDomains: ['cluster.local'] } }] }] }));
    expect(get(r, 'foo/sleep', '/').l7).toBe('deny');
    const td = Reachability.fromManifests([...estate, onHttpbin({ rules: [{ from: [{ source: { trustDomains: ['corp.example'] } }] }] })], { platformWorkloads: false, trustDomain: 'corp.example' });
    expect(get(td, 'foo/sleep', '/').l7).toBe('allow');
  });
});

describe('a field the analyzer does not know is never ignored', () => {
  test.each([
    ['source', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/foo/sa/sleep'], workloadNames: ['x'] } }] }] }, 'source field(s) workloadNames not known to the analyzer', 'rules[0].from[0].source has field(s) the analyzer does not know (workloadNames)'],
    ['operation', { rules: [{ to: [{ operation: { methods: ['GET'], headers: ['x'] } }] }] }, 'operation field(s) headers not known to the analyzer', 'rules[0].to[0].operation has field(s) the analyzer does not know (headers)'],
    ['condition', { rules: [{ when: [{ key: 'source.namespace', values: ['foo'], regex: ['.*'] }] }] }, "condition 'source.namespace' field(s) regex not known to the analyzer", 'rules[0].when[0] has field(s) the analyzer does not know (regex)'],
    ['rule', { rules: [{ from: [{ source: { namespaces: ['foo'] } }], unless: [{}] }] }, 'rule field(s) unless not known to the analyzer', 'rules[0] has field(s) the analyzer does not know (unless)'],
  ])('an unknown %s field makes the answer unknown, with a finding', (_what, spec, caveat, finding) => {
    const r = analyze(onHttpbin(spec));
    const c = get(r, 'foo/sleep', '/');
    expect([c.l7, c.verdict]).toEqual(['unknown', 'unknown']);
    expect(c.caveats).toContain(`unresolved: ${caveat}`);
    expect(r.findings()).toContainEqual({
      kind: 'unsupported',
      subject: 'AuthorizationPolicy foo/httpbin',
      message: `${finding}; answers that depend on it are reported as unknown, never decided as if the field were absent`,
    });
  });

  test('but a known field that already decides keeps the answer definite', () => {
    const r = analyze(onHttpbin({ rules: [{ from: [{ source: { namespaces: ['bar'], workloadNames: ['x'] } }] }] }));
    expect(get(r, 'foo/sleep', '/').l7).toBe('deny');
  });
});

describe('serviceAccounts without a namespace mean the policy namespace', () => {
  test('source.serviceAccounts: ["sleep"] in namespace foo is foo/sleep, not bar/sleep', () => {
    const r = analyze(onHttpbin({ rules: [{ from: [{ source: { serviceAccounts: ['sleep'] } }] }] }));
    expect(get(r, 'foo/sleep', '/').l7).toBe('allow');
    expect(get(r, 'bar/sleep', '/').l7).toBe('deny');
  });

  test('notServiceAccounts and the when key source.serviceAccount read the same way', () => {
    const not = analyze(onHttpbin({ rules: [{ from: [{ source: { notServiceAccounts: ['sleep'] } }] }] }));
    expect(get(not, 'foo/sleep', '/').l7).toBe('deny');
    expect(get(not, 'bar/sleep', '/').l7).toBe('allow');
    const when = analyze(onHttpbin({ rules: [{ when: [{ key: 'source.serviceAccount', values: ['sleep'] }] }] }));
    expect(get(when, 'foo/sleep', '/').l7).toBe('allow');
    expect(get(when, 'bar/sleep', '/').l7).toBe('deny');
  });
});

describe('paths are compared without query and fragment, after BASE normalization', () => {
  const r = analyze(onHttpbin({ rules: [{ to: [{ operation: { paths: ['/allow', '/public/data/xyz'] } }] }] }));
  const deny = analyze(onHttpbin({ action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] }));

  test.each([
    ['/allow?x=1', 'allow', '/allow'],
    ['/allow#frag', 'allow', '/allow'],
    ['/public/./data/abc/../xyz', 'allow', '/public/data/xyz'],
    ['/%61llow', 'allow', '/allow'],
    ['/public%2Fdata/xyz', 'deny', '/public%2Fdata/xyz'],
    ['\\allow', 'allow', '/allow'],
    ['/allow/', 'deny', undefined],
  ])('%s → %s', (path, verdict, comparedAs) => {
    const c = get(r, 'foo/sleep', path);
    expect(c.l7).toBe(verdict);
    if (comparedAs && comparedAs !== path) expect(c.reasons).toContain(`L7: path '${path}' is compared as '${comparedAs}' (query and fragment dropped, BASE normalization)`);
  });

  test('a DENY on /admin* cannot be dodged with dot segments or encoded letters', () => {
    expect(get(deny, 'foo/sleep', '/public/../admin/users').l7).toBe('deny');
    expect(get(deny, 'foo/sleep', '/%61dmin').l7).toBe('deny');
    expect(get(deny, 'foo/sleep', '/public/x').l7).toBe('allow');
  });

  test.each([
    ['/a%00b', 'the path contains %00, which Istio always refuses with HTTP 400'],
    ['allow', "the path 'allow' does not start with '/'; Envoy refuses it with HTTP 400"],
  ])('%s is refused before any policy, as Istio does', (path, why) => {
    const c = get(r, 'foo/sleep', path);
    expect(c.l7).toBe('deny');
    expect(c.reasons).toContain(`L7: ${why}`);
  });

  test('a method not in upper case is refused with 400', () => {
    expect(get(r, 'foo/sleep', '/allow', 'get').reasons).toContain("L7: method 'get' is not upper case: Istio refuses the request with HTTP 400");
  });
});

describe('request authentication (RequestAuthentication + requestPrincipals + request.auth.*)', () => {
  const jwt = (spec: any = {}) => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'RequestAuthentication',
    metadata: { name: 'jwt', namespace: 'foo' },
    spec: { selector: { matchLabels: { app: 'httpbin' } }, jwtRules: [{ issuer: 'issuer-foo', audiences: ['httpbin'] }], ...spec },
  });
  const token = { iss: 'issuer-foo', sub: 'alice', aud: ['httpbin', 'other'], azp: 'web-ui', groups: ['eng', 'ops'], org: { unit: 'platform' } };
  const withToken = (r: Reachability, t?: object) => r.check({ source: 'foo/sleep', destination: 'foo/httpbin', port: 8000, method: 'GET', path: '/', jwt: t });

  test('requestPrincipals ["*"]: a valid token is required; no token means no request principal', () => {
    const r = analyze(jwt(), onHttpbin({ rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }));
    expect(withToken(r, token).l7).toBe('allow');
    expect(withToken(r).l7).toBe('deny');
  });

  test('requestPrincipals are <iss>/<sub>, with prefix and suffix matches', () => {
    const exact = analyze(jwt(), onHttpbin({ rules: [{ from: [{ source: { requestPrincipals: ['issuer-foo/alice'] } }] }] }));
    expect(withToken(exact, token).l7).toBe('allow');
    expect(withToken(exact, { ...token, sub: 'bob' }).l7).toBe('deny');
    const suffix = analyze(jwt(), onHttpbin({ rules: [{ from: [{ source: { requestPrincipals: ['*/alice'] } }] }] }));
    expect(withToken(suffix, token).l7).toBe('allow');
    const not = analyze(jwt(), onHttpbin({ rules: [{ from: [{ source: { notRequestPrincipals: ['issuer-foo/*'] } }] }] }));
    expect(withToken(not, token).l7).toBe('deny');
    expect(withToken(not).l7).toBe('allow');
  });

  test('request.auth.principal, audiences, presenter and claims (nested, list)', () => {
    const when = (key: string, values: string[]) => analyze(jwt(), onHttpbin({ rules: [{ when: [{ key, values }] }] }));
    expect(withToken(when('request.auth.principal', ['issuer-foo/alice']), token).l7).toBe('allow');
    expect(withToken(when('request.auth.audiences', ['other']), token).l7).toBe('allow');
    expect(withToken(when('request.auth.presenter', ['web-ui']), token).l7).toBe('allow');
    expect(withToken(when('request.auth.presenter', ['cli']), token).l7).toBe('deny');
    expect(withToken(when('request.auth.claims[groups]', ['ops']), token).l7).toBe('allow');
    expect(withToken(when('request.auth.claims[groups]', ['sales']), token).l7).toBe('deny');
    expect(withToken(when('request.auth.claims[org][unit]', ['plat*']), token).l7).toBe('allow');
    expect(withToken(when('request.auth.claims[org][unit]', ['platform']), { ...token, org: 'platform' }).l7).toBe('deny');
  });

  test('a token no jwtRule accepts is refused (401); without a RequestAuthentication a token is never validated', () => {
    const r = analyze(jwt(), onHttpbin({ rules: [{}] }));
    expect(withToken(r, { ...token, aud: 'billing' }).reasons).toContain('L7: token audience ["billing"] is not one RequestAuthentication foo/jwt accepts (httpbin): refused with 401');
    expect(withToken(r, { ...token, iss: 'issuer-bar' }).l7).toBe('deny');
    const none = analyze(onHttpbin({ rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }));
    expect(withToken(none, token).l7).toBe('deny');
    expect(withToken(none, token).reasons).toContain('L7: no RequestAuthentication applies: the token is not validated, so the request has no request principal');
    // ...and reach says the rule can never match, instead of unknown.
    expect(none.allowedPaths({ source: 'foo/sleep' }).filter(l => l.includes('httpbin tcp'))).toEqual([]);
    expect(none.uncertainPaths()).toEqual([]);
  });

  test('a mesh-wide RequestAuthentication in the root namespace applies everywhere', () => {
    const r = analyze({ ...jwt(), metadata: { name: 'mesh', namespace: 'istio-system' }, spec: { jwtRules: [{ issuer: 'issuer-foo' }] } },
      onHttpbin({ rules: [{ from: [{ source: { requestPrincipals: ['issuer-foo/*'] } }] }] }));
    expect(withToken(r, token).l7).toBe('allow');
  });
});

describe('a client whose DestinationRule sets tls.mode DISABLE sends plaintext, which STRICT refuses', () => {
  const strict = peerAuthentication('foo', 'default', { mtls: { mode: 'STRICT' } });
  const svc = service('foo', 'httpbin', { app: 'httpbin' }, [{ port: 80, targetPort: 8000 }]);
  const dr = (ns: string, host: string, trafficPolicy: any, extra: any = {}) => ({
    apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: `dr-${ns}`, namespace: ns }, spec: { host, trafficPolicy, ...extra },
  });
  const tcp = (r: Reachability, source = 'foo/sleep') => r.check({ source, destination: 'foo/httpbin', port: 8000 });

  test('for the whole host', () => {
    const r = analyze(strict, svc, dr('foo', 'httpbin', { tls: { mode: 'DISABLE' } }));
    expect(tcp(r).l7).toBe('deny');
    expect(tcp(r).reasons).toContain('L7: STRICT mTLS refuses plaintext: the client sends plaintext via httpbin:80 (DestinationRule foo/dr-foo sets tls.mode DISABLE) (PeerAuthentication foo/default)');
    expect(tcp(analyze(strict, svc)).l7).toBe('allow');
  });

  test('for one port only (portLevelSettings), and ISTIO_MUTUAL leaves mTLS on', () => {
    const perPort = analyze(strict, svc, dr('foo', 'httpbin.foo.svc.cluster.local', { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'DISABLE' } }] }));
    expect(tcp(perPort).l7).toBe('deny');
    const other = analyze(strict, svc, dr('foo', 'httpbin', { portLevelSettings: [{ port: { number: 8080 }, tls: { mode: 'DISABLE' } }] }));
    expect(tcp(other).l7).toBe('allow');
    expect(tcp(analyze(strict, svc, dr('foo', 'httpbin', { tls: { mode: 'ISTIO_MUTUAL' } }))).l7).toBe('allow');
  });

  test('for a whole namespace (*.foo.svc.cluster.local in the client namespace), client namespace first', () => {
    const r = analyze(strict, svc, dr('bar', '*.foo.svc.cluster.local', { tls: { mode: 'DISABLE' } }));
    expect(tcp(r, 'bar/sleep').l7).toBe('deny');
    expect(tcp(r, 'foo/sleep').l7).toBe('allow');
  });

  test('PERMISSIVE accepts the plaintext, but then the peer has no principal', () => {
    const r = analyze(svc, dr('foo', 'httpbin', { tls: { mode: 'DISABLE' } }), onHttpbin({ rules: [{ from: [{ source: { principals: ['cluster.local/ns/foo/sa/sleep'] } }] }] }));
    expect(tcp(r).l7).toBe('deny');
    expect(tcp(analyze(svc, onHttpbin({ rules: [{ from: [{ source: { principals: ['cluster.local/ns/foo/sa/sleep'] } }] }] }))).l7).toBe('allow');
  });
});

describe('representative endpoints: what is known of their identity', () => {
  const np = (from: any) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'in', namespace: 'foo' },
    spec: { podSelector: { matchLabels: { app: 'httpbin' } }, ingress: [{ from: [from] }] },
  });
  const team = np({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { app: 'client' } } });
  const tcp = (r: Reachability) => r.check({ source: 'team-a/[app=client]', destination: 'foo/httpbin', port: 8000 });

  test('its namespace is known, its ServiceAccount is not', () => {
    expect(tcp(analyze(team, onHttpbin({ rules: [{ from: [{ source: { namespaces: ['team-a'] } }] }] }))).l7).toBe('allow');
    expect(tcp(analyze(team, onHttpbin({ rules: [{ from: [{ source: { principals: ['cluster.local/ns/team-a/sa/*'] } }] }] }))).l7).toBe('allow');
    expect(tcp(analyze(team, onHttpbin({ rules: [{ from: [{ source: { namespaces: ['bar'] } }] }] }))).l7).toBe('deny');
    expect(tcp(analyze(team, onHttpbin({ rules: [{ from: [{ source: { principals: ['cluster.local/ns/team-a/sa/client'] } }] }] }))).l7).toBe('unknown');
  });
});

describe('a DENY on requests without a token (notRequestPrincipals ["*"]): reach says a valid token opens it', () => {
  test('Istio\'s "require a token" pattern', () => {
    const r = analyze({
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'jwt', namespace: 'foo' },
      spec: { selector: { matchLabels: { app: 'httpbin' } }, jwtRules: [{ issuer: 'issuer-foo' }] },
    }, onHttpbin({ action: 'DENY', rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] }));
    expect(r.allowedPaths({ source: 'foo/sleep' }).filter(l => l.includes('httpbin tcp'))).toEqual(['foo/sleep -> foo/httpbin tcp/any * * (JWT of issuer-foo)']);
    expect(get(r, 'foo/sleep', '/').l7).toBe('deny');
    expect(r.check({ source: 'foo/sleep', destination: 'foo/httpbin', port: 8000, method: 'GET', path: '/', jwt: { iss: 'issuer-foo', sub: 'a' } }).l7).toBe('allow');
  });
});
