// One identity, several Deployments: Bookinfo's reviews-v1/v2/v3 share ServiceAccount
// bookinfo-reviews behind one Service `reviews`. Links to and from the identity cover every
// version's pods, and nothing else.
import { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { LinkPort, ZeroTrustNamespace } from '../../lib';
import { allows, l7Allows, podsOf } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { find, synthApp } from '../support/synth';

const HARDENED = { securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, user: 1000 } };

function bookinfo() {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'bookinfo');
  const deployment = (name: string) => new kplus.Deployment(ns, name, {
    metadata: { name },
    containers: [{ image: `docker.io/istio/examples-bookinfo-${name}:1.20.2`, ports: [{ number: 9080, name: 'http' }], ...HARDENED }],
  });
  const adopt = (name: string, app_: string) => ns.adopt(deployment(name), { name: app_, podLabels: { app: app_ } });
  const productpage = adopt('productpage-v1', 'productpage');
  const details = adopt('details-v1', 'details');
  const ratings = adopt('ratings-v1', 'ratings');
  // A canary the team runs as its own identity: it must not inherit the reviews links.
  const canary = adopt('reviews-canary', 'reviews-canary');

  const [v1, v2, v3] = ['reviews-v1', 'reviews-v2', 'reviews-v3'].map(deployment);
  const service = new kplus.Service(ns, 'reviews-svc', { metadata: { name: 'reviews' }, ports: [{ port: 9080, targetPort: 9080 }] });
  const reviews = ns.adopt(v1, { name: 'reviews', serviceAccountName: 'bookinfo-reviews', podLabels: { app: 'reviews' }, services: [service] });
  reviews.adopt(v2);
  reviews.adopt(v3);

  reviews.allowFrom(productpage, { ports: [LinkPort.service(9080)], http: { methods: ['GET'], paths: ['/reviews/*'] } });
  details.allowFrom(productpage, { ports: [LinkPort.named('http')] });
  ratings.allowFrom(reviews, { ports: [LinkPort.named('http')], http: { methods: ['GET'], paths: ['/ratings/*'] } });
  canary.allowFrom(productpage, { ports: [LinkPort.tcp(9080)], http: { methods: ['GET'], paths: ['/canary'] } });
  return { app, reviews };
}

describe('a shared identity: several Deployments, one ServiceAccount, one principal', () => {
  test('links to and from the identity admit every version\'s pods, exactly', () => {
    const { app } = bookinfo();
    const manifests = synthApp(app);
    const pods = podsOf(manifests);
    expect(pods.map(p => p.name).sort()).toEqual(['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-canary', 'reviews-v1', 'reviews-v2', 'reviews-v3']);
    const path = (dst: string) => dst.startsWith('reviews-v') ? '/reviews/1' : dst === 'ratings-v1' ? '/ratings/1' : dst === 'reviews-canary' ? '/canary' : '/details/1';
    const admitted = pods.flatMap(src => pods.filter(dst => dst !== src)
      .filter(dst => allows(manifests, src, dst, { port: 9080, method: 'GET', path: path(dst.name) }))
      .map(dst => `${src.name} -> ${dst.name}`)).sort();
    expect(admitted).toEqual([
      'productpage-v1 -> details-v1',
      'productpage-v1 -> reviews-canary',
      'productpage-v1 -> reviews-v1',
      'productpage-v1 -> reviews-v2',
      'productpage-v1 -> reviews-v3',
      'reviews-v1 -> ratings-v1',
      'reviews-v2 -> ratings-v1',
      'reviews-v3 -> ratings-v1',
    ]);
    // The canary is a separate identity: it reaches nothing the reviews identity may reach.
    const byName = (n: string) => pods.find(p => p.name === n)!;
    expect(allows(manifests, byName('reviews-canary'), byName('ratings-v1'), { port: 9080, method: 'GET', path: '/ratings/1' })).toBe(false);
    // The reviews rule is the identity's own: other paths and methods stay closed on every version.
    for (const v of ['reviews-v1', 'reviews-v2', 'reviews-v3']) {
      expect(l7Allows(manifests, byName('productpage-v1'), byName(v), { port: 9080, method: 'POST', path: '/reviews/1' })).toBe(false);
      expect(l7Allows(manifests, byName('productpage-v1'), byName(v), { port: 9080, method: 'GET', path: '/canary' })).toBe(false);
    }
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('the ServiceAccount is emitted once, every version runs under it and carries the identity\'s labels', () => {
    const { app, reviews } = bookinfo();
    const manifests = synthApp(app);
    expect(manifests.filter(m => m.kind === 'ServiceAccount').map(m => m.metadata.name).sort())
      .toEqual(['bookinfo-reviews', 'details', 'productpage', 'ratings', 'reviews-canary']);
    for (const v of ['reviews-v1', 'reviews-v2', 'reviews-v3']) {
      const d = find(manifests, 'Deployment', v);
      expect(d.spec.template.spec.serviceAccountName).toBe('bookinfo-reviews');
      expect(d.spec.template.metadata.labels.app).toBe('reviews');
      // Each Deployment keeps its own selector, so their ReplicaSets never adopt each other's pods.
      expect(d.spec.selector.matchLabels).not.toHaveProperty('app');
    }
    expect(reviews.principal).toBe('cluster.local/ns/bookinfo/sa/bookinfo-reviews');
    expect(find(manifests, 'AuthorizationPolicy', 'ratings-ingress').spec.rules.map((r: any) => r.from))
      .toEqual([[{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-reviews'] } }]]);
    // One policy per identity, not per Deployment.
    expect(manifests.filter(m => m.kind === 'NetworkPolicy' && m.metadata.name.startsWith('reviews-')).map(m => m.metadata.name).sort())
      .toEqual(['reviews-canary-ingress', 'reviews-egress', 'reviews-ingress']);
  });

  test('ports of every adopted Deployment are the identity\'s, read live', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'bookinfo');
    const v1 = new kplus.Deployment(ns, 'reviews-v1', { metadata: { name: 'reviews-v1' }, containers: [{ image: 'reviews', ports: [{ number: 9080, name: 'http' }] }] });
    const v2 = new kplus.Deployment(ns, 'reviews-v2', { metadata: { name: 'reviews-v2' }, containers: [{ image: 'reviews', ports: [{ number: 9080, name: 'http' }] }] });
    const reviews = ns.adopt(v1, { name: 'reviews' });
    reviews.adopt(v2);
    v2.addContainer({ name: 'metrics', image: 'exporter', ports: [{ number: 9100, name: 'metrics' }] });
    expect(reviews.ports).toEqual([{ number: 9080, name: 'http', protocol: 'TCP' }, { number: 9100, name: 'metrics', protocol: 'TCP' }]);
    reviews.allowFrom(ns.addWorkload('scraper'), { ports: [LinkPort.named('metrics')] });
    expect(find(synthApp(app), 'NetworkPolicy', 'reviews-ingress').spec.ingress[0].ports).toEqual([{ port: 9100, protocol: 'TCP' }]);
  });
});
