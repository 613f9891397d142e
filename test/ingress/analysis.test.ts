import { App } from 'cdk8s';
import { PARTNER_RANGE, storefront } from '../../examples/storefront/storefront';
import { Reachability } from '../../lib';
import { ipBlocksMatch } from '../../lib/analysis/l7/ip-blocks';
import { synthApp } from '../support/synth';

function manifests(waysIn = true): any[] {
  const app = new App();
  storefront(app, { waysIn });
  return synthApp(app);
}

const notPlatform = (line: string) => !/istio-system\/istiod|kube-system\/kube-dns/.test(line);

describe('the analyzer on the storefront output', () => {
  test('reach lists exactly the partner range into webhook, the public route and the declared internal links', () => {
    const reach = Reachability.fromManifests(manifests());
    // The analyzer assumes the ingress gateway (istio-system/istio-ingressgateway), so the public route shows up.
    expect(reach.allowedPaths().filter(notPlatform)).toEqual([
      `external (${PARTNER_RANGE}) -> storefront/webhook tcp/8443`,
      'istio-system/istio-ingressgateway -> storefront/frontend tcp/8080 GET,POST *',
      'storefront/frontend -> storefront/cart tcp/8080 DELETE,GET,POST /cart/*',
      'storefront/frontend -> storefront/catalog tcp/8080 GET *',
      'storefront/webhook -> storefront/orders tcp/8080 POST /orders/*',
    ]);
    expect(reach.uncertainPaths()).toEqual([]);
    // The range rule admits peers without a mesh identity only, so L7 still narrows the mesh's sources: no gap.
    expect(reach.findings().filter(f => f.kind === 'gap')).toEqual([]);
  });

  test('from the assumed gateway, reach adds gateway -> frontend with its operations, and nothing else in the shop', () => {
    const reach = Reachability.fromManifests(manifests());
    // The gateway's own egress is istio-system's business (no policy there); into the shop it reaches frontend only.
    const fromGateway = reach.allowedPaths().filter(p => p.startsWith('istio-system/istio-ingressgateway -> storefront/'));
    expect(fromGateway).toEqual(['istio-system/istio-ingressgateway -> storefront/frontend tcp/8080 GET,POST *']);
  });

  test('blast-radius of the gateway is frontend, and what frontend reaches in turn', () => {
    const blast = Reachability.fromManifests(manifests()).blastRadius('istio-system/istio-ingressgateway');
    const inShop = (nodes: { node: string }[]) => nodes.map(n => n.node).filter(n => n.startsWith('storefront/')).sort();
    expect(inShop(blast.direct)).toEqual(['storefront/frontend']);
    expect(inShop(blast.transitive)).toEqual(['storefront/cart', 'storefront/catalog', 'storefront/frontend']);
    expect(blast.direct.find(n => n.node === 'storefront/frontend')!.paths).toEqual(['istio-system/istio-ingressgateway -> storefront/frontend tcp/8080 GET,POST *']);
  });

  test('diff from the shop without ways in shows exactly the two new entries as widened access', () => {
    const base = Reachability.fromManifests(manifests(false));
    const head = Reachability.fromManifests(manifests(true));
    const diff = base.diff(head);
    expect(diff.changes.map(c => c.path)).toEqual([
      `external (${PARTNER_RANGE}) -> storefront/webhook tcp/8443`,
      'istio-system/istio-ingressgateway -> storefront/frontend tcp/8080',
    ]);
    expect(diff.widened).toBe(2);
    expect(diff.narrowed).toBe(0);
  });

  test('a range with no ipBlocks rule behind it is refused at L7 even though L4 admits it', () => {
    // The same NetworkPolicy grant, but the AuthorizationPolicy names another range.
    const edited = manifests().map(m => (m.kind === 'AuthorizationPolicy' && m.metadata.name === 'webhook-ingress'
      ? { ...m, spec: { ...m.spec, rules: [{ ...m.spec.rules[0], from: [{ source: { ipBlocks: ['192.0.2.0/24'] } }] }] } } : m));
    const reach = Reachability.fromManifests(edited);
    expect(reach.allowedPaths().filter(p => p.startsWith('external'))).toEqual([]);
    expect(reach.uncertainPaths()).toEqual([]);
  });
});

describe('ipBlocks against a known source range (analyzer)', () => {
  test.each([
    ['range inside the block', ['198.51.100.0/24'], undefined, { cidr: '198.51.100.0/25', except: [] }, 'yes'],
    ['range equal to the block', ['198.51.100.0/24'], undefined, { cidr: '198.51.100.0/24', except: [] }, 'yes'],
    ['range disjoint from the block', ['192.0.2.0/24'], undefined, { cidr: '198.51.100.0/24', except: [] }, 'no'],
    ['range wider than the block', ['198.51.100.0/25'], undefined, { cidr: '198.51.100.0/24', except: [] }, 'unknown'],
    ['range whose except removes the part outside the block', ['198.51.100.0/25'], undefined, { cidr: '198.51.100.0/24', except: ['198.51.100.128/25'] }, 'yes'],
    ['range inside a notIpBlocks hole', ['198.51.100.0/24'], ['198.51.100.0/25'], { cidr: '198.51.100.0/26', except: [] }, 'no'],
    ['single address block', ['198.51.100.7'], undefined, { cidr: '198.51.100.7/32', except: [] }, 'yes'],
    ['other family', ['2001:db8::/32'], undefined, { cidr: '198.51.100.0/24', except: [] }, 'no'],
  ])('%s', (_name, blocks, notBlocks, range, want) => {
    expect(ipBlocksMatch(blocks, notBlocks, range)).toBe(want);
  });
});
