import { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { LinkPort, ZeroTrustNamespace } from '../../lib';
import { l4Allows, l7Allows, podsOf } from '../support/policy-eval';
import { find, synthApp } from '../support/synth';

describe('adopting cdk8s-plus-28 workloads', () => {
  function setting() {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'production');
    const web = new kplus.Deployment(ns, 'web', { metadata: { name: 'web' }, containers: [{ image: 'web', ports: [{ number: 8080, name: 'http' }] }] });
    const db = new kplus.StatefulSet(ns, 'db', {
      metadata: { name: 'db' },
      service: new kplus.Service(ns, 'db-svc', { metadata: { name: 'db' }, clusterIP: 'None', ports: [{ port: 5432 }] }),
      containers: [{ image: 'postgres', ports: [{ number: 5432, name: 'postgres' }] }],
    });
    return { app, ns, web, db };
  }

  test('runs the pods under the workload\'s ServiceAccount, with its labels, token automount off', () => {
    const { app, ns, web, db } = setting();
    const w = ns.adopt(web);
    const d = ns.adopt(db, { serviceAccountName: 'postgres', podLabels: { 'app.kubernetes.io/name': 'db', 'tier': 'data' } });
    d.allowFrom(w, { ports: [LinkPort.named('postgres')] });
    const manifests = synthApp(app);
    const deployment = find(manifests, 'Deployment', 'web');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('web');
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('web');
    expect(find(manifests, 'ServiceAccount', 'web').automountServiceAccountToken).toBe(false);
    const statefulSet = find(manifests, 'StatefulSet', 'db');
    expect(statefulSet.spec.template.spec.serviceAccountName).toBe('postgres');
    expect(statefulSet.spec.template.metadata.labels.tier).toBe('data');
    expect(w.principal).toBe('cluster.local/ns/production/sa/web');
    expect(d.principal).toBe('cluster.local/ns/production/sa/postgres');

    const pods = podsOf(manifests);
    const [webPod, dbPod] = ['web', 'db'].map(n => pods.find(p => p.name === n)!);
    expect(l4Allows(manifests, webPod, dbPod, { port: 5432 })).toBe(true);
    expect(l7Allows(manifests, webPod, dbPod, { port: 5432 })).toBe(true);
    expect(l4Allows(manifests, dbPod, webPod, { port: 8080 })).toBe(false);
  });

  test('keeps a ServiceAccount the workload already has as its identity', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'production');
    const sa = new kplus.ServiceAccount(ns, 'sa', { metadata: { name: 'reporting' }, automountToken: false });
    const job = new kplus.Job(ns, 'report', { metadata: { name: 'report' }, serviceAccount: sa, containers: [{ image: 'report' }] });
    const w = ns.adopt(job);
    w.addServiceAccountAnnotation('example.com/owner', 'data-team');
    const manifests = synthApp(app);
    expect(w.serviceAccountName).toBe('reporting');
    expect(manifests.filter(m => m.kind === 'ServiceAccount').map(m => m.metadata.name)).toEqual(['reporting']);
    expect(find(manifests, 'ServiceAccount', 'reporting').metadata.annotations).toEqual({ 'example.com/owner': 'data-team' });
    expect(find(manifests, 'Job', 'report').spec.template.spec.serviceAccountName).toBe('reporting');
  });

  test('reads ports live, so containers added after adoption can be linked by name', () => {
    const { app, ns, web } = setting();
    const w = ns.adopt(web);
    web.addContainer({ name: 'metrics', image: 'exporter', ports: [{ number: 9100, name: 'metrics' }] });
    const scraper = ns.addWorkload('scraper');
    w.allowFrom(scraper, { ports: [LinkPort.named('metrics')] });
    expect(find(synthApp(app), 'NetworkPolicy', 'web-ingress').spec.ingress[0].ports).toEqual([{ port: 9100, protocol: 'TCP' }]);
  });

  test('resolves a Service port of an adopted Service to the pod port it targets', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'production');
    const api = new kplus.Deployment(ns, 'api', { metadata: { name: 'api' }, containers: [{ image: 'api', ports: [{ number: 8443, name: 'https' }] }] });
    const svc = api.exposeViaService({ name: 'api', ports: [{ port: 443, targetPort: 8443 }] });
    const w = ns.adopt(api, { services: [svc] });
    w.allowFrom(ns.addWorkload('client'), { ports: [LinkPort.service(443)] });
    const manifests = synthApp(app);
    expect(find(manifests, 'NetworkPolicy', 'api-ingress').spec.ingress[0].ports).toEqual([{ port: 8443, protocol: 'TCP' }]);
    expect(find(manifests, 'AuthorizationPolicy', 'api-ingress').spec.rules[0].to).toEqual([{ operation: { ports: ['8443'] } }]);
  });

  test('a Deployment without metadata.name names its identity after its construct id, never a hash of the path', () => {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'bookinfo');
    const productpage = new kplus.Deployment(ns, 'productpage-v1', { containers: [{ image: 'productpage', ports: [{ number: 9080, name: 'http' }] }] });
    const details = new kplus.Deployment(ns, 'details-v1', { containers: [{ image: 'details', ports: [{ number: 9080, name: 'http' }] }] });
    const pp = ns.adopt(productpage);
    ns.adopt(details).allowFrom(pp, { ports: [LinkPort.named('http')] });
    expect(productpage.name).toMatch(/^bookinfo-productpage-v1-[0-9a-f]{8}$/);
    expect(pp.name).toBe('productpage-v1');
    expect(pp.principal).toBe('cluster.local/ns/bookinfo/sa/productpage-v1');
    const manifests = synthApp(app);
    expect(manifests.filter(m => m.kind === 'ServiceAccount').map(m => m.metadata.name).sort()).toEqual(['details-v1', 'productpage-v1']);
    expect(find(manifests, 'Deployment', productpage.name).spec.template.spec.serviceAccountName).toBe('productpage-v1');
    expect(find(manifests, 'AuthorizationPolicy', 'details-v1-ingress').spec.rules[0].from).toEqual([{ source: { principals: ['cluster.local/ns/bookinfo/sa/productpage-v1'] } }]);
    expect(manifests.map(m => m.metadata.name).filter(n => /[0-9a-f]{8}$/.test(n)).sort()).toEqual([details.name, productpage.name].sort());
  });
});
