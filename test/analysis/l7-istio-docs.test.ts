// Cases from Istio's authorization documentation (concepts/security, tasks/security/authorization and
// the AuthorizationPolicy/PeerAuthentication references), written as fixtures here, plus hard cases.
import { Reachability } from '../../lib';
import { authorizationPolicy, namespace, peerAuthentication, workload } from './support/objects';

const MESH = { 'istio-injection': 'enabled' };
const bookinfo = [
  namespace('default', MESH),
  namespace('foo', MESH),
  namespace('legacy'),
  workload('default', 'productpage', { serviceAccount: 'bookinfo-productpage', ports: [{ port: 9080 }] }),
  workload('default', 'details', { serviceAccount: 'bookinfo-details', ports: [{ port: 9080 }] }),
  workload('default', 'ratings', { serviceAccount: 'bookinfo-ratings', ports: [{ port: 9080 }] }),
  workload('foo', 'sleep', { serviceAccount: 'sleep' }),
  workload('legacy', 'sleep', { serviceAccount: 'sleep' }),
];
const analyze = (...objects: any[]) => Reachability.fromManifests([...bookinfo, ...objects], { platformWorkloads: false });
const l7 = (r: Reachability, source: string, destination: string, port: number, method?: string, path?: string) =>
  r.check({ source, destination, port, method, path }).l7;

describe('authorization policy evaluation order and defaults', () => {
  test('with no policy every request is allowed (L7 opens everything, which is reported as a gap)', () => {
    const r = analyze();
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', '/')).toBe('allow');
    expect(r.findings()).toContainEqual({ kind: 'gap', subject: 'default/details', message: 'no ALLOW AuthorizationPolicy applies: L7 admits every source the mTLS mode lets in' });
  });

  test('allow-nothing (`spec: {}`) denies every request in its namespace only', () => {
    const r = analyze(authorizationPolicy('default', 'allow-nothing', {}));
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', '/')).toBe('deny');
    expect(l7(r, 'foo/sleep', 'default/details', 9080)).toBe('deny');
    expect(l7(r, 'default/productpage', 'foo/sleep', 80)).toBe('allow');
  });

  test('a rule with no fields matches everything: allow-all beats allow-nothing (ALLOW policies add up)', () => {
    const r = analyze(authorizationPolicy('default', 'allow-nothing', {}), authorizationPolicy('default', 'allow-all', { rules: [{}] }));
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'DELETE', '/x')).toBe('allow');
  });

  test('deny-all (DENY with an empty rule) wins over allow-all', () => {
    const r = analyze(authorizationPolicy('default', 'allow-all', { rules: [{}] }), authorizationPolicy('default', 'deny-all', { action: 'DENY', rules: [{}] }));
    const check = r.check({ source: 'foo/sleep', destination: 'default/details', port: 9080 });
    expect(check.l7).toBe('deny');
    expect(check.reasons).toContain('L7: denied by DENY default/deny-all');
  });

  test('DENY with no rules matches nothing', () => {
    const r = analyze(authorizationPolicy('default', 'deny-none', { action: 'DENY' }));
    expect(l7(r, 'foo/sleep', 'default/details', 9080)).toBe('allow');
  });

  test('policies of the root namespace istio-system apply mesh-wide; v1beta1 is read like v1', () => {
    const r = analyze(authorizationPolicy('istio-system', 'global-deny', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['foo'] } }] }] }, { apiVersion: 'security.istio.io/v1beta1' }));
    expect(l7(r, 'foo/sleep', 'default/details', 9080)).toBe('deny');
    expect(l7(r, 'default/productpage', 'default/details', 9080)).toBe('allow');
  });

  test('a selector narrows a policy to matching workloads of its namespace', () => {
    const r = analyze(authorizationPolicy('default', 'details-only', { selector: { matchLabels: { app: 'details' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/bookinfo-productpage'] } }] }] }));
    expect(l7(r, 'foo/sleep', 'default/details', 9080)).toBe('deny');
    expect(l7(r, 'default/productpage', 'default/details', 9080)).toBe('allow');
    expect(l7(r, 'foo/sleep', 'default/ratings', 9080)).toBe('allow');
  });
});

describe('the bookinfo HTTP task: GET-only viewers bound to principals', () => {
  const r = analyze(
    authorizationPolicy('default', 'allow-nothing', {}),
    authorizationPolicy('default', 'productpage-viewer', { selector: { matchLabels: { app: 'productpage' } }, action: 'ALLOW', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }),
    authorizationPolicy('default', 'details-viewer', {
      selector: { matchLabels: { app: 'details' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/bookinfo-productpage'] } }], to: [{ operation: { methods: ['GET'] } }] }],
    }),
  );

  test('productpage may GET details, not POST; sleep may not GET details', () => {
    expect(l7(r, 'default/productpage', 'default/details', 9080, 'GET', '/details/0')).toBe('allow');
    expect(l7(r, 'default/productpage', 'default/details', 9080, 'POST', '/details/0')).toBe('deny');
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', '/details/0')).toBe('deny');
  });

  test('anyone in the mesh may GET productpage; the path summary says GET only', () => {
    expect(l7(r, 'foo/sleep', 'default/productpage', 9080, 'GET', '/productpage')).toBe('allow');
    // No NetworkPolicy here, so L4 admits every port; L7 narrows TCP to GET requests.
    expect(r.allowedPaths({ source: 'default/details' }).filter(l => l.includes('-> default/productpage tcp'))).toEqual(['default/details -> default/productpage tcp/any GET *']);
  });

  test('an ALLOW rule with HTTP-only fields matches no raw TCP connection', () => {
    expect(l7(r, 'default/productpage', 'default/details', 9080)).toBe('deny');
  });

  test('the HTTP-only rule is still an allowed path, with the HTTP constraint in it', () => {
    expect(r.allowedPaths({ source: 'default/productpage' })).toContain('default/productpage -> default/details tcp/any GET *');
  });
});

describe('matching: principals, namespaces, ports, methods, paths', () => {
  const policy = (rule: any) => analyze(authorizationPolicy('default', 'p', { selector: { matchLabels: { app: 'details' } }, rules: [rule] }));

  test.each([
    ['exact', '/v1/charges', '/v1/charges', true],
    ['exact, other path', '/v1/charges', '/v1/charges/x', false],
    ['prefix', '/orders/*', '/orders/42', true],
    ['prefix needs the prefix', '/orders/*', '/order', false],
    ['suffix', '*.png', '/img/a.png', true],
    ['suffix, other', '*.png', '/img/a.jpg', false],
    ['wildcard', '*', '/anything', true],
  ])('paths %s: %s vs %s', (_what, pattern, path, allowed) => {
    const r = policy({ to: [{ operation: { paths: [pattern] } }] });
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', path)).toBe(allowed ? 'allow' : 'deny');
  });

  test('principals with a prefix, notPrincipals, namespaces and notNamespaces', () => {
    expect(l7(policy({ from: [{ source: { principals: ['cluster.local/ns/foo/*'] } }] }), 'foo/sleep', 'default/details', 9080)).toBe('allow');
    expect(l7(policy({ from: [{ source: { principals: ['cluster.local/ns/foo/*'] } }] }), 'default/productpage', 'default/details', 9080)).toBe('deny');
    expect(l7(policy({ from: [{ source: { notPrincipals: ['cluster.local/ns/foo/sa/sleep'] } }] }), 'foo/sleep', 'default/details', 9080)).toBe('deny');
    expect(l7(policy({ from: [{ source: { namespaces: ['foo'] } }] }), 'foo/sleep', 'default/details', 9080)).toBe('allow');
    expect(l7(policy({ from: [{ source: { notNamespaces: ['foo'] } }] }), 'foo/sleep', 'default/details', 9080)).toBe('deny');
  });

  test('fields in one source are ANDed; sources in one rule are ORed', () => {
    const and = policy({ from: [{ source: { namespaces: ['foo'], principals: ['cluster.local/ns/default/sa/bookinfo-productpage'] } }] });
    expect(l7(and, 'foo/sleep', 'default/details', 9080)).toBe('deny');
    const or = policy({ from: [{ source: { namespaces: ['foo'] } }, { source: { principals: ['cluster.local/ns/default/sa/bookinfo-productpage'] } }] });
    expect(l7(or, 'foo/sleep', 'default/details', 9080)).toBe('allow');
    expect(l7(or, 'default/productpage', 'default/details', 9080)).toBe('allow');
    expect(l7(or, 'default/ratings', 'default/details', 9080)).toBe('deny');
  });

  test('operation ports are workload ports, compared as strings; notMethods excludes', () => {
    const r = policy({ to: [{ operation: { ports: ['9080'], notMethods: ['DELETE'] } }] });
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', '/')).toBe('allow');
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'DELETE', '/')).toBe('deny');
    expect(l7(r, 'foo/sleep', 'default/details', 9090, 'GET', '/')).toBe('deny');
  });

  test('when source.namespace and destination.port are resolved', () => {
    const r = policy({ when: [{ key: 'source.namespace', values: ['foo'] }, { key: 'destination.port', notValues: ['9999'] }] });
    expect(l7(r, 'foo/sleep', 'default/details', 9080)).toBe('allow');
    expect(l7(r, 'default/productpage', 'default/details', 9080)).toBe('deny');
  });
});

describe('what the analyzer will not guess', () => {
  test('the reference example with request.auth.claims: decided by the token, never matched for raw TCP', () => {
    const r = analyze(authorizationPolicy('default', 'httpbin', {
      selector: { matchLabels: { app: 'details' } },
      action: 'ALLOW',
      rules: [{
        from: [{ source: { principals: ['cluster.local/ns/foo/sa/sleep'] } }, { source: { namespaces: ['test'] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/info*'] } }, { operation: { methods: ['POST'], paths: ['/data'] } }],
        when: [{ key: 'request.auth.claims[iss]', values: ['https://accounts.google.com'] }],
      }],
    }), {
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'google', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'details' } }, jwtRules: [{ issuer: 'https://accounts.google.com' }] },
    });
    const get = { source: 'foo/sleep', destination: 'default/details', port: 9080, method: 'GET', path: '/info/x' };
    // Without a token the claim is absent, so the ALLOW rule cannot match.
    expect(r.check(get).l7).toBe('deny');
    expect(r.check({ ...get, jwt: { iss: 'https://accounts.google.com', sub: 'u1' } }).verdict).toBe('allow');
    expect(r.check({ ...get, method: 'PUT', jwt: { iss: 'https://accounts.google.com', sub: 'u1' } }).l7).toBe('deny');
    expect(l7(r, 'foo/sleep', 'default/details', 9080)).toBe('deny');
    // reach shows what the token must carry instead of `unknown`.
    expect(r.allowedPaths({ source: 'foo/sleep' }).filter(l => l.includes('default/details tcp'))).toEqual([
      'foo/sleep -> default/details tcp/any GET /info* (JWT any with iss=https://accounts.google.com)',
      'foo/sleep -> default/details tcp/any POST /data (JWT any with iss=https://accounts.google.com)',
    ]);
    expect(r.uncertainPaths()).toEqual([]);
  });

  test('path templates: {*} is one segment, {**} one or more, and only the last operator', () => {
    const r = analyze(authorizationPolicy('default', 'tpl', { selector: { matchLabels: { app: 'details' } }, rules: [{ to: [{ operation: { paths: ['/users/{*}/info', '/files/{**}'] } }] }] }));
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', '/users/alice/info')).toBe('allow');
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', '/users/a/b/info')).toBe('deny');
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', '/users//info')).toBe('deny');
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', '/files/a/b/c.txt')).toBe('allow');
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', '/files')).toBe('deny');
    const bad = analyze(authorizationPolicy('default', 'bad', { selector: { matchLabels: { app: 'details' } }, rules: [{ to: [{ operation: { paths: ['/a/{**}/b'] } }] }] }));
    expect(l7(bad, 'foo/sleep', 'default/details', 9080, 'GET', '/a/x/b')).toBe('unknown');
    expect(bad.findings()).toContainEqual({ kind: 'unsupported', subject: 'AuthorizationPolicy default/bad', message: "path '/a/{**}/b' is not a valid path template ({*} is one segment, {**} one or more and only last); matching requests are reported as unknown" });
  });

  test('a path template does not make a rule unknown when another field already decides', () => {
    const r = analyze(authorizationPolicy('default', 'tpl', { selector: { matchLabels: { app: 'details' } }, rules: [{ to: [{ operation: { paths: ['/a/{**}/b'], ports: ['1234'] } }] }] }));
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', '/a/x/b')).toBe('deny');
  });

  test('an unknown when key is reported as unsupported and never matched either way', () => {
    const r = analyze(authorizationPolicy('default', 'odd', { rules: [{ when: [{ key: 'source.favouriteColour', values: ['blue'] }] }] }));
    expect(l7(r, 'foo/sleep', 'default/details', 9080)).toBe('unknown');
    expect(r.findings()).toContainEqual({ kind: 'unsupported', subject: 'AuthorizationPolicy default/odd', message: "when key 'source.favouriteColour' is not modelled; matching requests are reported as unknown" });
  });

  test('CUSTOM is reported on the path and in the findings, and does not change the modelled verdict', () => {
    const r = analyze(authorizationPolicy('default', 'ext-authz', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }] }));
    const check = r.check({ source: 'foo/sleep', destination: 'default/details', port: 9080, method: 'GET', path: '/admin/x' });
    expect(check.l7).toBe('allow');
    expect(check.caveats).toContain('CUSTOM default/ext-authz delegates to an external authorizer, which is not modelled');
    expect(r.findings().filter(f => f.subject === 'AuthorizationPolicy default/ext-authz').map(f => f.kind)).toEqual(['unsupported']);
  });

  test('policies attached by targetRefs bind to gateways or waypoints, not sidecars', () => {
    const r = analyze(authorizationPolicy('default', 'waypoint-deny', { targetRefs: [{ kind: 'Service', group: '', name: 'details' }], action: 'DENY', rules: [{}] }));
    expect(l7(r, 'foo/sleep', 'default/details', 9080)).toBe('allow');
    expect(r.findings()).toContainEqual({ kind: 'unsupported', subject: 'AuthorizationPolicy default/waypoint-deny', message: 'targetRef(s) attach the policy to a gateway or waypoint, which is not modelled; sidecars ignore it' });
  });
});

describe('DENY semantics', () => {
  test('DENY on HTTP fields denies matching requests only; the summary keeps the rest with a caveat', () => {
    const r = analyze(authorizationPolicy('default', 'deny-get', { selector: { matchLabels: { app: 'details' } }, action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }));
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'GET', '/')).toBe('deny');
    expect(l7(r, 'foo/sleep', 'default/details', 9080, 'POST', '/')).toBe('allow');
    const path = r.paths().find(p => p.source === 'foo/sleep' && p.destination === 'default/details' && p.protocol === 'tcp')!;
    // POST and others stay open, so the port is open with a caveat, not closed.
    expect([path.l7, path.requests]).toEqual(['allow', []]);
    expect(path.caveats).toContain('except requests DENY default/deny-get refuses');
  });

  test('DENY with HTTP-only fields ignores them for raw TCP, so it denies the whole connection (Istio TCP task)', () => {
    const r = analyze(authorizationPolicy('default', 'deny-get', { selector: { matchLabels: { app: 'details' } }, action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'], ports: ['9080'] } }] }] }));
    expect(l7(r, 'foo/sleep', 'default/details', 9080)).toBe('deny');
    expect(l7(r, 'foo/sleep', 'default/details', 9081)).toBe('allow');
  });

  test('dry-run policies never enforce; what they would do is reported apart', () => {
    const r = analyze(authorizationPolicy('default', 'deny-foo', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['foo'] } }] }] }, { dryRun: true }));
    const path = r.paths().find(p => p.source === 'foo/sleep' && p.destination === 'default/details' && p.protocol === 'tcp')!;
    expect(path.l7).toBe('allow');
    expect(path.dryRunL7).toBe('deny');
    expect(r.paths().find(p => p.source === 'default/productpage' && p.destination === 'default/details' && p.protocol === 'tcp')!.dryRunL7).toBeUndefined();
  });
});

describe('mTLS', () => {
  const withPolicy = (...pas: any[]) => analyze(...pas, authorizationPolicy('default', 'ns-foo', { rules: [{ from: [{ source: { namespaces: ['foo', 'legacy'] } }] }] }));

  test('PERMISSIVE (the default) admits plaintext, which carries no identity, so identity rules refuse it', () => {
    const r = withPolicy();
    expect(l7(r, 'foo/sleep', 'default/details', 9080)).toBe('allow');
    const check = r.check({ source: 'legacy/sleep', destination: 'default/details', port: 9080 });
    expect(check.l7).toBe('deny');
    expect(check.reasons).toContain('L7: no rule of default/ns-foo matches');
  });

  test('STRICT refuses plaintext from a workload without sidecar before any AuthorizationPolicy', () => {
    const r = analyze(peerAuthentication('default', 'default', { mtls: { mode: 'STRICT' } }));
    const check = r.check({ source: 'legacy/sleep', destination: 'default/details', port: 9080 });
    expect(check.l7).toBe('deny');
    expect(check.reasons).toContain('L7: STRICT mTLS refuses plaintext from a source without sidecar (PeerAuthentication default/default)');
    expect(l7(r, 'foo/sleep', 'default/details', 9080)).toBe('allow');
  });

  test('precedence: workload port level > workload > namespace > root namespace; UNSET inherits', () => {
    const mesh = peerAuthentication('istio-system', 'mesh', { mtls: { mode: 'STRICT' } });
    const ns = peerAuthentication('default', 'ns', { mtls: { mode: 'PERMISSIVE' } });
    const wl = peerAuthentication('default', 'details', { selector: { matchLabels: { app: 'details' } }, mtls: { mode: 'UNSET' }, portLevelMtls: { 9080: { mode: 'STRICT' } } });
    const mtls = (r: Reachability, dst: string, port: number) => r.paths().find(p => p.destination === dst && p.port === String(port) && p.source === 'legacy/sleep')?.l7;
    expect(l7(analyze(mesh), 'legacy/sleep', 'default/details', 9080)).toBe('deny');
    expect(l7(analyze(mesh, ns), 'legacy/sleep', 'default/details', 9080)).toBe('allow');
    const r = analyze(mesh, ns, wl);
    expect(l7(r, 'legacy/sleep', 'default/details', 9080)).toBe('deny');
    expect(l7(r, 'legacy/sleep', 'default/details', 9081)).toBe('allow');
    expect(l7(r, 'legacy/sleep', 'default/ratings', 9080)).toBe('allow');
    expect(mtls(r, 'default/details', 9080)).toBe('deny');
  });

  test('a destination without sidecar has no L7 at all', () => {
    const r = analyze(authorizationPolicy('legacy', 'allow-nothing', {}));
    const check = r.check({ source: 'foo/sleep', destination: 'legacy/sleep', port: 80 });
    expect(check.l7).toBe('n/a');
    expect(check.verdict).toBe('allow');
  });
});
