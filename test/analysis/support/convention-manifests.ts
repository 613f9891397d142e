/**
 * Builds manifests the way CORE-API.md says the library's constructs emit them (default-deny
 * namespace, one ingress/egress NetworkPolicy and one AuthorizationPolicy per destination
 * workload). Used as hand-made fixtures before the core landed, by the benchmark, and as an
 * independent oracle: its declarations are the expected analyzer output.
 */
export interface DeclaredPort {
  readonly number: number;
  readonly name?: string;
  readonly protocol?: 'TCP' | 'UDP';
}

export interface DeclaredWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly ports: readonly DeclaredPort[];
  readonly servicePorts?: ReadonlyArray<{ readonly port: number; readonly targetPort: number }>;
}

export interface DeclaredLink {
  /** `<namespace>/<name>` */
  readonly from: string;
  readonly to: string;
  /** Pod (container) ports on the destination. */
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol?: 'TCP' | 'UDP' }>;
  readonly http?: { readonly methods?: readonly string[]; readonly paths?: readonly string[] };
}

export interface DeclaredEstate {
  readonly namespaces: readonly string[];
  readonly workloads: readonly DeclaredWorkload[];
  readonly links: readonly DeclaredLink[];
  readonly trustDomain?: string;
}

const NAME_LABEL = 'app.kubernetes.io/name';

export function conventionManifests(estate: DeclaredEstate): any[] {
  const td = estate.trustDomain ?? 'cluster.local';
  const out: any[] = [];
  const byId = new Map(estate.workloads.map(w => [`${w.namespace}/${w.name}`, w]));
  for (const ns of estate.namespaces) out.push(...namespaceObjects(ns));
  for (const w of estate.workloads) {
    const id = `${w.namespace}/${w.name}`;
    out.push(...workloadObjects(w));
    const inbound = estate.links.filter(l => l.to === id);
    const outbound = estate.links.filter(l => l.from === id);
    if (inbound.length > 0) {
      out.push(networkPolicy(w, 'ingress', groupPeers(inbound, l => l.from, w.namespace, byId)));
      out.push(authorizationPolicy(w, inbound, td, byId));
    }
    if (outbound.length > 0) out.push(networkPolicy(w, 'egress', groupPeers(outbound, l => l.to, w.namespace, byId)));
  }
  return out;
}

function namespaceObjects(ns: string): any[] {
  const meta = (name: string) => ({ name, namespace: ns });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-dns'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-istiod'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }],
          ports: [{ protocol: 'TCP', port: 15012 }],
        }],
      },
    },
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta('default'), spec: { mtls: { mode: 'STRICT' } } },
    { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta('allow-nothing'), spec: {} },
  ];
}

function workloadObjects(w: DeclaredWorkload): any[] {
  const labels = { [NAME_LABEL]: w.name };
  const containerPorts = w.ports.map(p => ({ containerPort: p.number, ...(p.name ? { name: p.name } : {}), protocol: p.protocol ?? 'TCP' }));
  const servicePorts = w.servicePorts ?? w.ports.map(p => ({ port: p.number, targetPort: p.number }));
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: w.name, namespace: w.namespace }, automountServiceAccountToken: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: w.name, namespace: w.namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { serviceAccountName: w.name, containers: [{ name: 'main', image: `registry.example/${w.name}:1.0.0`, ports: containerPorts }] },
        },
      },
    },
    ...(servicePorts.length > 0 ? [{
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: w.name, namespace: w.namespace },
      spec: { selector: labels, ports: servicePorts.map(p => ({ name: `tcp-${p.port}`, port: p.port, targetPort: p.targetPort, protocol: 'TCP' })) },
    }] : []),
  ];
}

interface Peer { readonly namespace: string; readonly name: string }

/** One rule per group of peers sharing the same ports, like the core's policies. */
function groupPeers(
  links: readonly DeclaredLink[], peerOf: (l: DeclaredLink) => string, ownNamespace: string, byId: Map<string, DeclaredWorkload>,
): any[] {
  const portsByPeer = new Map<string, Set<string>>();
  for (const l of links) {
    const peer = peerOf(l);
    if (!byId.has(peer)) throw new Error(`link references unknown workload ${peer}`);
    if (!portsByPeer.has(peer)) portsByPeer.set(peer, new Set());
    for (const p of l.ports) portsByPeer.get(peer)!.add(`${p.protocol ?? 'TCP'}/${p.port}`);
  }
  const groups = new Map<string, Peer[]>();
  for (const [peer, ports] of [...portsByPeer].sort(([a], [b]) => a.localeCompare(b))) {
    const key = [...ports].sort().join(',');
    const [namespace, name] = peer.split('/');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push({ namespace, name });
  }
  return [...groups].map(([key, peers]) => ({
    peers: peers.map(p => p.namespace === ownNamespace
      ? { podSelector: { matchLabels: { [NAME_LABEL]: p.name } } }
      : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } }, podSelector: { matchLabels: { [NAME_LABEL]: p.name } } }),
    ports: key.split(',').map(k => ({ protocol: k.split('/')[0], port: Number(k.split('/')[1]) })),
  }));
}

function networkPolicy(w: DeclaredWorkload, direction: 'ingress' | 'egress', groups: any[]): any {
  const peerKey = direction === 'ingress' ? 'from' : 'to';
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${w.name}-${direction}`, namespace: w.namespace },
    spec: {
      podSelector: { matchLabels: { [NAME_LABEL]: w.name } },
      policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'],
      [direction]: groups.map(g => ({ [peerKey]: g.peers, ports: g.ports })),
    },
  };
}

function authorizationPolicy(w: DeclaredWorkload, inbound: readonly DeclaredLink[], td: string, byId: Map<string, DeclaredWorkload>): any {
  const bySource = new Map<string, DeclaredLink[]>();
  for (const l of inbound) {
    if (!bySource.has(l.from)) bySource.set(l.from, []);
    bySource.get(l.from)!.push(l);
  }
  const rules = [...bySource].sort(([a], [b]) => a.localeCompare(b)).map(([from, links]) => {
    const source = byId.get(from)!;
    return {
      from: [{ source: { principals: [`${td}/ns/${source.namespace}/sa/${source.name}`] } }],
      to: links.map(l => ({
        operation: {
          ports: l.ports.filter(p => (p.protocol ?? 'TCP') === 'TCP').map(p => String(p.port)),
          ...(l.http?.methods ? { methods: [...l.http.methods] } : {}),
          ...(l.http?.paths ? { paths: [...l.http.paths] } : {}),
        },
      })),
    };
  });
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: `${w.name}-ingress`, namespace: w.namespace },
    spec: { action: 'ALLOW', selector: { matchLabels: { [NAME_LABEL]: w.name } }, rules },
  };
}

/** The analyzer lines a declared link must produce (one per HTTP request family). */
export function expectedLines(link: DeclaredLink): string[] {
  return link.ports.map(p => {
    const base = `${link.from} -> ${link.to} ${(p.protocol ?? 'TCP').toLowerCase()}/${p.port}`;
    if (!link.http || (p.protocol ?? 'TCP') !== 'TCP') return base;
    return `${base} ${link.http.methods ? link.http.methods.join(',') : '*'} ${link.http.paths ? link.http.paths.join(',') : '*'}`;
  });
}

/** DNS and istiod lines every workload of a default-deny namespace keeps. */
export function platformLines(workloadId: string): string[] {
  return [
    `${workloadId} -> istio-system/istiod tcp/15012`,
    `${workloadId} -> kube-system/kube-dns tcp/53`,
    `${workloadId} -> kube-system/kube-dns udp/53`,
  ];
}
