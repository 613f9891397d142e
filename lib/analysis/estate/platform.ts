import { Workload } from './model';
import { Labels, selectorMatches } from '../l4/selectors';

/**
 * Cluster endpoints every pod depends on (kube-dns, istiod) or that every mesh has at its edge
 * (the Istio ingress gateway), but which application manifests never contain.
 * They are assumed to exist with the labels stock clusters use; a manifest that defines a
 * workload with the same namespace and labels replaces the assumption.
 */
export const PLATFORM_WORKLOADS: readonly Workload[] = [
  {
    id: 'kube-system/kube-dns',
    namespace: 'kube-system',
    name: 'kube-dns',
    kind: 'Platform',
    labels: { 'k8s-app': 'kube-dns' },
    serviceAccount: 'coredns',
    ports: [{ name: 'dns', port: 53, protocol: 'udp' }, { name: 'dns-tcp', port: 53, protocol: 'tcp' }],
    sidecar: false,
    platform: true,
    originates: false,
    receives: true,
  },
  {
    id: 'istio-system/istiod',
    namespace: 'istio-system',
    name: 'istiod',
    kind: 'Platform',
    labels: { app: 'istiod', istio: 'pilot' },
    serviceAccount: 'istiod',
    ports: [{ name: 'grpc-xds', port: 15012, protocol: 'tcp' }],
    sidecar: false,
    platform: true,
    originates: false,
    receives: true,
  },
  {
    // The internet's way in: its Envoy originates Istio mTLS with this identity, so L7 knows its principal.
    id: 'istio-system/istio-ingressgateway',
    namespace: 'istio-system',
    name: 'istio-ingressgateway',
    kind: 'Platform',
    labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
    serviceAccount: 'istio-ingressgateway-service-account',
    ports: [{ name: 'http2', port: 8080, protocol: 'tcp' }, { name: 'https', port: 8443, protocol: 'tcp' }],
    sidecar: true,
    platform: true,
    originates: true,
    receives: false,
    gateway: true,
  },
];

/** The platform workloads still assumed once the manifests' own workloads are known. */
export function assumedPlatformWorkloads(defined: readonly Workload[]): Workload[] {
  return PLATFORM_WORKLOADS.filter(p => !defined.some(w => w.namespace === p.namespace && identifyingLabelsMatch(p.labels, w.labels)));
}

function identifyingLabelsMatch(platformLabels: Labels, labels: Labels): boolean {
  // The first label is the one policies select on (k8s-app=kube-dns, app=istiod, istio=ingressgateway).
  const [key, value] = Object.entries(platformLabels)[0];
  return selectorMatches({ matchLabels: { [key]: value } }, labels);
}
