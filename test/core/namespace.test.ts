import { App } from 'cdk8s';
import { PodSecurityLevel, ZeroTrustMode, ZeroTrustNamespace } from '../../lib';
import { ISTIOD, KUBE_DNS, l4Allows, l7Allows, Pod, podFor } from '../support/policy-eval';
import { find, synthApp } from '../support/synth';

function synth(props: ConstructorParameters<typeof ZeroTrustNamespace>[2] = {}) {
  const app = new App();
  const ns = new ZeroTrustNamespace(app, 'production', props);
  const api = ns.addWorkload('api', { ports: [{ number: 8080, name: 'http' }] });
  void api;
  return { ns, manifests: synthApp(app) };
}

describe('ZeroTrustNamespace', () => {
  test('labels the Namespace for sidecar injection and restricted Pod Security, with no namespace of its own', () => {
    const ns = find(synth().manifests, 'Namespace', 'production');
    expect(ns.metadata).toEqual({
      name: 'production',
      labels: { 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' },
    });
  });

  test('with an Istio revision, labels istio.io/rev instead and sends sidecars to that revision\'s istiod only', () => {
    const { manifests } = synth({ controlPlane: { revision: 'canary' }, podSecurity: PodSecurityLevel.BASELINE });
    expect(find(manifests, 'Namespace', 'production').metadata.labels).toEqual({ 'istio.io/rev': 'canary', 'pod-security.kubernetes.io/enforce': 'baseline' });
    const src = podFor('production', 'api', [8080], manifests);
    expect(src.sidecar).toBe(true);
    expect(l4Allows(manifests, src, { ...ISTIOD, labels: { 'app': 'istiod', 'istio.io/rev': 'canary' } }, { port: 15012 })).toBe(true);
    expect(l4Allows(manifests, src, ISTIOD, { port: 15012 })).toBe(false);
  });

  test('denies all ingress and egress by default, except DNS to kube-dns and istiod', () => {
    const { manifests } = synth();
    const api = podFor('production', 'api', [8080], manifests);
    const neighbour: Pod = podFor('production', 'neighbour', [8080], manifests);
    const elsewhere: Pod = { ...podFor('default', 'web', [53, 8080], manifests), sidecar: false };
    expect(l4Allows(manifests, neighbour, api, { port: 8080 })).toBe(false);
    expect(l4Allows(manifests, api, neighbour, { port: 8080 })).toBe(false);
    expect(l4Allows(manifests, api, elsewhere, { port: 8080 })).toBe(false);
    // DNS is kube-dns only, never "anywhere on 53".
    expect(l4Allows(manifests, api, KUBE_DNS, { port: 53, protocol: 'UDP' })).toBe(true);
    expect(l4Allows(manifests, api, KUBE_DNS, { port: 53, protocol: 'TCP' })).toBe(true);
    expect(l4Allows(manifests, api, elsewhere, { port: 53, protocol: 'UDP' })).toBe(false);
    expect(l4Allows(manifests, api, { ...KUBE_DNS, namespace: 'default' }, { port: 53, protocol: 'UDP' })).toBe(false);
    expect(l4Allows(manifests, api, ISTIOD, { port: 15012 })).toBe(true);
    expect(l4Allows(manifests, api, ISTIOD, { port: 443 })).toBe(false);
  });

  test('enforces STRICT mTLS and allow-nothing at the mesh layer', () => {
    const { manifests } = synth();
    expect(find(manifests, 'PeerAuthentication', 'default').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(find(manifests, 'AuthorizationPolicy', 'allow-nothing').spec).toEqual({});
    const api = podFor('production', 'api', [8080], manifests);
    const peer = podFor('production', 'peer', [8080], manifests);
    expect(l7Allows(manifests, peer, api, { port: 8080 })).toBe(false);
    expect(l7Allows(manifests, peer, api, { port: 8080, method: 'GET', path: '/' })).toBe(false);
  });

  test('opens metrics scraping from the monitoring namespace only when asked', () => {
    expect(synth().manifests.some(m => m.metadata.name === 'allow-metrics-scraping')).toBe(false);
    const { manifests } = synth({ monitoring: { namespace: 'monitoring', podLabels: { app: 'prometheus' } } });
    const api = podFor('production', 'api', [8080], manifests);
    const prometheus: Pod = { namespace: 'monitoring', name: 'prometheus', labels: { app: 'prometheus' }, serviceAccount: 'prometheus', ports: [], sidecar: false };
    const grafana: Pod = { ...prometheus, name: 'grafana', labels: { app: 'grafana' } };
    expect(l4Allows(manifests, prometheus, api, { port: 15020 })).toBe(true);
    expect(l4Allows(manifests, prometheus, api, { port: 15090 })).toBe(true);
    expect(l4Allows(manifests, prometheus, api, { port: 8080 })).toBe(false);
    expect(l4Allows(manifests, grafana, api, { port: 15020 })).toBe(false);
  });

  test('honours a custom trust domain, DNS selector and control-plane namespace', () => {
    const { ns, manifests } = synth({ trustDomain: 'corp.example', dns: { namespace: 'dns', podLabels: { app: 'coredns' } }, controlPlane: { namespace: 'mesh' } });
    expect(ns.toIntent().dns).toEqual({ namespace: 'dns', podLabels: { app: 'coredns' }, ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] });
    const api = podFor('production', 'api', [8080], manifests);
    expect(l4Allows(manifests, api, { ...KUBE_DNS, namespace: 'dns', labels: { app: 'coredns' } }, { port: 53, protocol: 'UDP' })).toBe(true);
    expect(l4Allows(manifests, api, KUBE_DNS, { port: 53, protocol: 'UDP' })).toBe(false);
    expect(l4Allows(manifests, api, { ...ISTIOD, namespace: 'mesh' }, { port: 15012 })).toBe(true);
  });

  test('in audit mode enforces nothing new: PERMISSIVE mTLS, dry-run authorization, no NetworkPolicy', () => {
    const { manifests } = synth({ mode: ZeroTrustMode.AUDIT });
    expect(manifests.filter(m => m.kind === 'NetworkPolicy')).toEqual([]);
    expect(find(manifests, 'PeerAuthentication', 'default').spec.mtls.mode).toBe('PERMISSIVE');
    for (const ap of manifests.filter(m => m.kind === 'AuthorizationPolicy')) {
      expect(ap.metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
    }
    const api = podFor('production', 'api', [8080], manifests);
    const plaintext: Pod = { ...podFor('default', 'legacy', [], manifests), sidecar: false };
    expect(l4Allows(manifests, plaintext, api, { port: 8080 })).toBe(true);
    expect(l7Allows(manifests, plaintext, api, { port: 8080 })).toBe(true);
  });
});
