import { App, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { deployAndAdopt } from '../../examples/reference/scenario';
import { LinkPort, ServiceLink, ZeroTrustNamespace, ZeroTrustWorkload } from '../../lib';

interface Decl { readonly from: string; readonly to: string; readonly ports: LinkPort[]; readonly http?: { methods?: string[]; paths?: string[] } }

const WORKLOADS = ['api-gateway', 'checkout-api', 'order-service', 'payment-service', 'payment-db', 'risk/fraud-scorer'];
const LINKS: Decl[] = [
  { from: 'checkout-api', to: 'payment-service', ports: [LinkPort.tcp(8080)], http: { methods: ['POST'], paths: ['/v1/charges'] } },
  { from: 'api-gateway', to: 'payment-service', ports: [LinkPort.tcp(8080)] },
  { from: 'order-service', to: 'payment-service', ports: [LinkPort.tcp(8080)], http: { methods: ['POST', 'GET'], paths: ['/api/payments/*', '/api/refunds/*'] } },
  { from: 'payment-service', to: 'payment-db', ports: [LinkPort.tcp(5432)] },
  { from: 'api-gateway', to: 'order-service', ports: [LinkPort.tcp(8080), LinkPort.tcp(9090)] },
  { from: 'payment-service', to: 'risk/fraud-scorer', ports: [LinkPort.tcp(8080)], http: { methods: ['POST'], paths: ['/v1/score'] } },
  { from: 'order-service', to: 'risk/fraud-scorer', ports: [LinkPort.tcp(8080)] },
];

/** Builds the same declarations in the given order and returns every chart's YAML. */
function synthesize(namespaceOrder: string[], workloadOrder: string[], linkOrder: Decl[]): string {
  const app = new App();
  const namespaces: { [name: string]: ZeroTrustNamespace } = {};
  for (const name of namespaceOrder) namespaces[name] = new ZeroTrustNamespace(app, name);
  const workloads: { [name: string]: ZeroTrustWorkload } = {};
  for (const id of workloadOrder) {
    const [ns, name] = id.includes('/') ? id.split('/') : ['production', id];
    workloads[id] = deployAndAdopt(namespaces[ns], name, [{ number: 8080, name: 'http' }, { number: 9090, name: 'admin' }, { number: 5432, name: 'postgres' }]);
  }
  for (const l of linkOrder) {
    new ServiceLink(namespaces.production, `${l.from}-to-${l.to}`.replace('/', '-'), {
      from: workloads[l.from],
      to: workloads[l.to],
      ports: [...l.ports].reverse(),
      http: l.http && { methods: l.http.methods && [...l.http.methods].reverse(), paths: l.http.paths && [...l.http.paths].reverse() },
    });
  }
  return ['production', 'risk'].map(n => Yaml.stringify(...namespaces[n].toJson())).join('---\n');
}

describe('deterministic output', () => {
  const reference = synthesize(['production', 'risk'], WORKLOADS, LINKS);

  test('any declaration order gives byte-identical YAML', () => {
    const permutation = <T>(items: T[]) => fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });
    fc.assert(fc.property(permutation(['production', 'risk']), permutation(WORKLOADS), permutation(LINKS), (nsOrder, wOrder, lOrder) => {
      expect(synthesize(nsOrder, wOrder, lOrder)).toBe(reference);
    }), { numRuns: 30 });
  });

  test('the comparison is sharp: one changed path changes the YAML', () => {
    const changed = LINKS.map((l, i) => i === 0 ? { ...l, http: { methods: ['POST'], paths: ['/v1/refunds'] } } : l);
    expect(synthesize(['production', 'risk'], WORKLOADS, changed)).not.toBe(reference);
  });

  test('synthesizing twice gives the same YAML, and later declarations are picked up', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'production');
    const a = ns.addWorkload('a');
    const b = ns.addWorkload('b');
    const first = Yaml.stringify(...ns.toJson());
    expect(Yaml.stringify(...ns.toJson())).toBe(first);
    b.allowFrom(a, { ports: [LinkPort.tcp(80)] });
    const second = ns.toJson();
    expect(second.filter(m => m.metadata.name === 'b-ingress').map(m => m.kind).sort()).toEqual(['AuthorizationPolicy', 'NetworkPolicy']);
  });

  test('names are stable and readable: <workload>-ingress / <workload>-egress', () => {
    const names = reference.match(/^ {2}name: .*$/gm)!.map(l => l.trim().slice(6));
    expect(names).toContain('payment-service-ingress');
    expect(names).toContain('payment-service-egress');
    for (const name of names) expect(name).not.toMatch(/-[0-9a-f]{8}$/);
  });
});
