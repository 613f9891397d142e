import { App } from 'cdk8s';
import { adminPanel, EXAMPLE_ISSUER } from '../../examples/edges/edges';
import { IdentityAwareEntryPoint, LinkPort, ZeroTrustNamespace } from '../../lib';
import { l4PodToPod, meshVerdict, MeshRequest, Token } from './support/edge-eval';
import { INGRESS_GATEWAY_POD as gatewayPod, INGRESS_GATEWAY_PRINCIPAL as GATEWAY_PRINCIPAL } from '../support/ingress-gateway';
import { Pod, podsOf } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { chartYaml, find, synthApp } from '../support/synth';

const egressGatewayPod: Pod = { ...gatewayPod, name: 'istio-egressgateway', labels: { istio: 'egressgateway' }, serviceAccount: 'istio-egressgateway-service-account' };

/** A token from the company issuer for the admin panel, with the given claims. */
const token = (claims: { [k: string]: any }, overrides: Partial<Token> = {}): Token =>
  ({ iss: EXAMPLE_ISSUER, sub: 'alice', aud: ['admin-panel'], claims, ...overrides });
const ENGINEER_WITH_MFA = { groups: ['engineering', 'staff'], amr: ['pwd', 'mfa'] };

describe('identity-aware entry point: internal-tools/admin-panel (examples/edges)', () => {
  const app = new App();
  adminPanel(app);
  const manifests = synthApp(app);
  const panel = podsOf(manifests).find(p => p.name === 'admin-panel')!;
  const viaGateway = (req: Partial<MeshRequest>) => meshVerdict(manifests, panel, { principal: GATEWAY_PRINCIPAL, port: 8080, method: 'GET', path: '/', ...req });

  test('every object validates against the real schemas', () => {
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('L4: only the ingress gateway pods reach the panel, and only on its http port', () => {
    expect(l4PodToPod(manifests, gatewayPod, panel, 8080)).toBe(true);
    expect(l4PodToPod(manifests, gatewayPod, panel, 9090)).toBe(false);
    expect(l4PodToPod(manifests, egressGatewayPod, panel, 8080)).toBe(false);
    const neighbour: Pod = { ...panel, name: 'neighbour', labels: { 'app.kubernetes.io/name': 'neighbour' }, serviceAccount: 'neighbour' };
    expect(l4PodToPod(manifests, neighbour, panel, 8080)).toBe(false);
    const lookalike: Pod = { ...gatewayPod, namespace: 'team-a' };
    expect(l4PodToPod(manifests, lookalike, panel, 8080)).toBe(false);
  });

  test('L7: an engineering token with MFA through the gateway is admitted', () => {
    expect(viaGateway({ token: token(ENGINEER_WITH_MFA) })).toBe(200);
    expect(viaGateway({ token: token({ groups: 'engineering', amr: 'mfa' }) })).toBe(200);
  });

  test.each([
    ['no token at all', 403, {}],
    ['engineering without MFA', 403, { token: token({ groups: ['engineering'], amr: ['pwd'] }) }],
    ['MFA but another group', 403, { token: token({ groups: ['sales'], amr: ['mfa'] }) }],
    ['no claims', 403, { token: token({}) }],
    ['group name differing in case', 403, { token: token({ groups: ['Engineering'], amr: ['mfa'] }) }],
    ['another issuer', 401, { token: token(ENGINEER_WITH_MFA, { iss: 'https://evil.example.net' }) }],
    ['another audience', 401, { token: token(ENGINEER_WITH_MFA, { aud: ['grafana'] }) }],
    ['a forged signature', 401, { token: token(ENGINEER_WITH_MFA, { signedByIssuer: false }) }],
    ['a valid token on another port', 403, { token: token(ENGINEER_WITH_MFA), port: 15000 }],
    ['a valid token, but not through the gateway', 403, { token: token(ENGINEER_WITH_MFA), principal: 'cluster.local/ns/internal-tools/sa/admin-panel' }],
    ['a valid token from a plaintext client', 403, { token: token(ENGINEER_WITH_MFA), principal: undefined }],
  ] as [string, number, Partial<MeshRequest>][])('L7: %s is refused with %d', (_name, status, req) => {
    expect(viaGateway(req)).toBe(status);
  });

  test('the rule requires gateway principal AND issuer-scoped request principal AND both claims, never a bare "*"', () => {
    const policy = find(manifests, 'AuthorizationPolicy', 'admin-panel-ingress', 'internal-tools');
    expect(policy.spec.rules).toEqual([{
      from: [{ source: { principals: [GATEWAY_PRINCIPAL], requestPrincipals: [`${EXAMPLE_ISSUER}/*`] } }],
      to: [{ operation: { ports: ['8080'] } }],
      when: [
        { key: 'request.auth.claims[amr]', values: ['mfa'] },
        { key: 'request.auth.claims[groups]', values: ['engineering'] },
      ],
    }]);
    const everyList = JSON.stringify(manifests.filter(m => m.kind === 'AuthorizationPolicy'));
    expect(everyList).not.toMatch(/"\*"/);
  });

  test('RequestAuthentication checks the issuer, its JWKS and the audience, on the panel only', () => {
    const ra = find(manifests, 'RequestAuthentication', 'admin-panel-jwt', 'internal-tools');
    expect(ra.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'admin-panel' } },
      jwtRules: [{ issuer: EXAMPLE_ISSUER, jwks_uri: `${EXAMPLE_ISSUER}/.well-known/jwks.json`, audiences: ['admin-panel'] }],
    });
  });

  test('the Gateway serves admin.example.com over HTTPS on the ingress gateway and routes to the panel Service', () => {
    const gw = find(manifests, 'Gateway', 'admin-panel-gateway', 'internal-tools');
    expect(gw.spec.selector).toEqual({ istio: 'ingressgateway' });
    expect(gw.spec.servers).toEqual([{ hosts: ['admin.example.com'], port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'admin-example-com-tls' } }]);
    const vs = find(manifests, 'VirtualService', 'admin-panel', 'internal-tools');
    expect(vs.spec.http[0].route[0].destination).toEqual({ host: 'admin-panel.internal-tools.svc.cluster.local', port: { number: 80 } });
    const svc = find(manifests, 'Service', 'admin-panel', 'internal-tools');
    expect(svc.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 8080 })]);
  });
});

describe('identity-aware entry point options', () => {
  function build(extra: Partial<ConstructorParameters<typeof IdentityAwareEntryPoint>[2]> = {}, withLink = false) {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'tools');
    const app1 = ns.addWorkload('wiki', { ports: [{ number: 3000, name: 'http' }] });
    const bot = ns.addWorkload('bot');
    if (withLink) app1.allowFrom(bot, { ports: [LinkPort.tcp(3000)], http: { methods: ['GET'], paths: ['/api/*'] } });
    new IdentityAwareEntryPoint(ns, 'entry', {
      workload: app1,
      ports: [LinkPort.named('http')],
      oidc: { issuer: 'https://idp.example.com/realms/corp', jwks: '{"keys":[{"kty":"RSA","kid":"k1","n":"AQAB","e":"AQAB"}]}' },
      requiredClaims: [{ claim: 'device', nested: ['compliant'], values: ['true'] }, { claim: 'groups', values: ['wiki-editors', 'wiki-admins'] }],
      ...extra,
    });
    const manifests = synthApp(app);
    return { manifests, wiki: { namespace: 'tools', name: 'wiki', labels: { 'app.kubernetes.io/name': 'wiki' }, serviceAccount: 'wiki', ports: [{ port: 3000, protocol: 'TCP' }], sidecar: true } as Pod };
  }
  const tok = (claims: any): Token => ({ iss: 'https://idp.example.com/realms/corp', sub: 'bob', claims });

  test('nested device-posture claims and alternative group values', () => {
    const { manifests, wiki } = build();
    const req = (claims: any) => meshVerdict(manifests, wiki, { principal: GATEWAY_PRINCIPAL, port: 3000, method: 'GET', path: '/', token: tok(claims) });
    expect(req({ device: { compliant: 'true' }, groups: ['wiki-admins'] })).toBe(200);
    expect(req({ device: { compliant: 'true' }, groups: ['wiki-editors'] })).toBe(200);
    expect(req({ device: { compliant: 'false' }, groups: ['wiki-admins'] })).toBe(403);
    expect(req({ compliant: 'true', groups: ['wiki-admins'] })).toBe(403);
    expect(find(manifests, 'AuthorizationPolicy', 'wiki-ingress').spec.rules[0].when).toEqual([
      { key: 'request.auth.claims[device][compliant]', values: ['true'] },
      { key: 'request.auth.claims[groups]', values: ['wiki-admins', 'wiki-editors'] },
    ]);
    expect(find(manifests, 'RequestAuthentication', 'wiki-jwt').spec.jwtRules[0].jwks).toContain('"kid":"k1"');
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('methods and paths narrow what people may do', () => {
    const { manifests, wiki } = build({ http: { methods: ['GET'], paths: ['/pages/*'] } });
    const claims = { device: { compliant: 'true' }, groups: ['wiki-admins'] };
    const req = (method: string, path: string) =>
      meshVerdict(manifests, wiki, { principal: GATEWAY_PRINCIPAL, port: 3000, method, path, token: tok(claims) });
    expect(req('GET', '/pages/home')).toBe(200);
    expect(req('POST', '/pages/home')).toBe(403);
    expect(req('GET', '/admin')).toBe(403);
  });

  test('a custom gateway changes both layers, and service links merge into the same two policies', () => {
    const { manifests, wiki } = build({ gateway: { namespace: 'edge', podLabels: { app: 'corp-gw' }, serviceAccountName: 'corp-gw' } }, true);
    expect(manifests.filter(m => m.kind === 'AuthorizationPolicy' && m.metadata.name.startsWith('wiki')).map(m => m.metadata.name)).toEqual(['wiki-ingress']);
    expect(manifests.filter(m => m.kind === 'NetworkPolicy' && m.metadata.name.startsWith('wiki')).map(m => m.metadata.name)).toEqual(['wiki-ingress']);
    const corpGw: Pod = { ...gatewayPod, namespace: 'edge', labels: { app: 'corp-gw' }, serviceAccount: 'corp-gw' };
    expect(l4PodToPod(manifests, corpGw, wiki, 3000)).toBe(true);
    expect(l4PodToPod(manifests, gatewayPod, wiki, 3000)).toBe(false);
    const claims = { device: { compliant: 'true' }, groups: ['wiki-admins'] };
    expect(meshVerdict(manifests, wiki, { principal: 'cluster.local/ns/edge/sa/corp-gw', port: 3000, method: 'GET', path: '/', token: tok(claims) })).toBe(200);
    expect(meshVerdict(manifests, wiki, { principal: GATEWAY_PRINCIPAL, port: 3000, method: 'GET', path: '/', token: tok(claims) })).toBe(403);
    // The bot's link still works without a token, on its own methods and paths only.
    expect(meshVerdict(manifests, wiki, { principal: 'cluster.local/ns/tools/sa/bot', port: 3000, method: 'GET', path: '/api/x' })).toBe(200);
    expect(meshVerdict(manifests, wiki, { principal: 'cluster.local/ns/tools/sa/bot', port: 3000, method: 'GET', path: '/pages/x' })).toBe(403);
  });
});

describe('entry points are deterministic', () => {
  test('two issuers on one app, declared in either order, give byte-identical YAML with one policy per kind', () => {
    const declare = (reverse: boolean) => {
      const app = new App();
      const ns = new ZeroTrustNamespace(app, 'tools');
      const wiki = ns.addWorkload('wiki', { ports: [{ number: 3000, name: 'http' }] });
      const issuers = ['https://b.example.com', 'https://a.example.com'];
      for (const issuer of reverse ? [...issuers].reverse() : issuers) {
        new IdentityAwareEntryPoint(ns, `entry-${issuer.slice(8, 9)}`, {
          workload: wiki,
          ports: [LinkPort.tcp(3000)],
          oidc: { issuer, jwksUri: `${issuer}/jwks`, audiences: ['wiki', 'docs'] },
          requiredClaims: [{ claim: 'groups', values: ['writers', 'editors'] }, { claim: 'amr', values: ['mfa'] }],
        });
      }
      return { yaml: chartYaml(ns), manifests: synthApp(app) };
    };
    const forward = declare(false);
    expect(declare(true).yaml).toBe(forward.yaml);
    expect(forward.manifests.filter(m => m.kind === 'RequestAuthentication').map(m => m.spec.jwtRules.map((r: any) => r.issuer)))
      .toEqual([['https://a.example.com', 'https://b.example.com']]);
    const policy = find(forward.manifests, 'AuthorizationPolicy', 'wiki-ingress');
    expect(policy.spec.rules.map((r: any) => r.from[0].source.requestPrincipals[0])).toEqual(['https://a.example.com/*', 'https://b.example.com/*']);
    expect(policy.spec.rules[0].when[1]).toEqual({ key: 'request.auth.claims[groups]', values: ['editors', 'writers'] });
    expect(forward.manifests.filter(m => m.kind === 'NetworkPolicy' && m.metadata.name === 'wiki-ingress')[0].spec.ingress).toHaveLength(1);
  });
});
