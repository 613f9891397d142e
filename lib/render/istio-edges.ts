/**
 * The Istio objects of the mesh's edges, built for IstioRenderer (which decides where
 * they land): entry-point and public-route rules, RequestAuthentication, Gateway/VirtualService
 * routes, address-range rules and their plaintext ports, ServiceEntries, and the registry-only Sidecar.
 */
import { Construct } from 'constructs';
import { claimKey } from '../access/oidc';
import {
  Gateway,
  GatewaySpecServersTlsMode,
  ServiceEntry,
  ServiceEntrySpecLocation,
  ServiceEntrySpecResolution,
  Sidecar,
  SidecarSpecOutboundTrafficPolicyMode,
  VirtualService,
} from '../imports/istio-networking.istio.io';
import {
  AuthorizationPolicySpecRules,
  AuthorizationPolicySpecRulesFrom,
  AuthorizationPolicySpecRulesToOperation,
  PeerAuthentication,
  PeerAuthenticationSpecMtlsMode,
  PeerAuthenticationSpecPortLevelMtlsMode,
  RequestAuthentication,
} from '../imports/istio-security.istio.io';
import {
  AddressIngressIntent, EntryPointIntent, EntryRouteIntent, ExternalEgressIntent, ExternalPortIntent, ExternalProtocol, ExternalTargetKind,
  GatewayIntent, PublicRouteIntent,
} from '../model/edge-intent';
import { LinkIntent, NamespaceIntent, PortIntent, TransportProtocol, WorkloadIntent } from '../model/intent';
import { compareStrings, sortedLabels } from '../model/order';

/** Kubernetes' default cluster DNS domain, used to address the app's Service from the gateway. */
export const CLUSTER_DOMAIN = 'cluster.local';

/**
 * One ALLOW rule per entry point: the gateway's principal AND a token of the issuer
 * (any subject: `<issuer>/*`) AND every required claim, on the entry point's ports.
 * Without a token there is no request principal, so the rule cannot match.
 */
export function entryPointRules(entryPoints: EntryPointIntent[]): AuthorizationPolicySpecRules[] {
  return [...entryPoints].sort((a, b) => compareStrings(a.jwt.issuer, b.jwt.issuer)).map(ep => ({
    from: [{ source: { principals: [ep.gateway.principal], requestPrincipals: [`${ep.jwt.issuer}/*`] } }],
    to: [{
      operation: {
        ports: ep.ports.flatMap(p => range(p.port, p.endPort ?? p.port)).map(String),
        ...(ep.http?.methods ? { methods: [...ep.http.methods].sort(compareStrings) } : {}),
        ...(ep.http?.paths ? { paths: [...ep.http.paths].sort(compareStrings) } : {}),
      },
    }],
    ...(ep.claims.length > 0 ? { when: ep.claims.map(c => ({ key: claimKey(c.claim), values: [...c.values] })) } : {}),
  }));
}

/** One RequestAuthentication per app, with a JWT rule per issuer. */
export function addRequestAuthentication(scope: Construct, ns: string, workload: WorkloadIntent, entryPoints: EntryPointIntent[]): void {
  const byIssuer = new Map(entryPoints.map(ep => [ep.jwt.issuer, ep.jwt]));
  const name = `${workload.name}-jwt`;
  new RequestAuthentication(scope, `RequestAuthentication-${name}`, {
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: sortedLabels(workload.podLabels) },
      jwtRules: [...byIssuer.keys()].sort(compareStrings).map(issuer => byIssuer.get(issuer)!),
    },
  });
}

/** What a route needs from an entry point or a public route. */
export interface RoutedEntry {
  readonly name: string;
  readonly gateway: GatewayIntent;
  readonly route?: EntryRouteIntent;
}

/** An HTTPS Gateway on the ingress gateway pods and a VirtualService to the app's Service. */
export function addRoute(scope: Construct, ns: string, ep: RoutedEntry): void {
  const route = ep.route!;
  const gatewayName = `${ep.name}-gateway`;
  new Gateway(scope, `Gateway-${gatewayName}`, {
    metadata: { name: gatewayName, namespace: ns },
    spec: {
      selector: sortedLabels(ep.gateway.podLabels),
      servers: [{
        hosts: [...route.hosts],
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        tls: { mode: GatewaySpecServersTlsMode.SIMPLE, credentialName: route.tlsCredentialName },
      }],
    },
  });
  new VirtualService(scope, `VirtualService-${ep.name}`, {
    metadata: { name: ep.name, namespace: ns },
    spec: {
      hosts: [...route.hosts],
      gateways: [gatewayName],
      http: [{ route: [{ destination: { host: `${route.serviceName}.${ns}.svc.${CLUSTER_DOMAIN}`, port: { number: route.servicePort } } }] }],
    },
  });
}

/**
 * ServiceEntries registering the outside targets in the namespace only (`exportTo: ['.']`):
 * one per host (DNS resolution) and one per address range (no resolution), ports merged
 * across the namespace's workloads. UDP is left out: the sidecar does not proxy it.
 */
export function addServiceEntries(scope: Construct, ns: string, egress: ExternalEgressIntent[]): void {
  const byTarget = new Map<string, RegisteredTarget>();
  for (const e of egress) {
    const proxied = e.ports.filter(p => p.protocol !== ExternalProtocol.UDP);
    if (proxied.length === 0) continue;
    const isHost = e.kind === ExternalTargetKind.HOST;
    const target = isHost ? e.host! : e.addresses.map(a => a.cidr).join(',');
    const entry = byTarget.get(target) ?? {
      name: `external-${e.name}`,
      hosts: isHost ? [e.host!] : [],
      ...(isHost ? {} : { addresses: e.addresses.map(a => a.cidr) }),
      resolution: isHost ? ServiceEntrySpecResolution.DNS : ServiceEntrySpecResolution.NONE,
      ports: new Map<number, ExternalPortIntent>(),
    };
    for (const p of proxied) entry.ports.set(p.port, p);
    byTarget.set(target, entry);
  }
  // Readable names can coincide (`a-b.com`, `a.b-com`); a numeric suffix, in target order, keeps them apart.
  const used = new Set<string>();
  for (const target of [...byTarget.keys()].sort(compareStrings)) {
    const entry = byTarget.get(target)!;
    let name = entry.name;
    for (let i = 2; used.has(name); i++) name = `${entry.name}-${i}`;
    used.add(name);
    new ServiceEntry(scope, `ServiceEntry-${name}`, {
      metadata: { name, namespace: ns },
      spec: {
        // An address-only target still needs a host name; it is never resolved (resolution NONE).
        hosts: entry.addresses ? [`${name}.external`] : entry.hosts,
        ...(entry.addresses ? { addresses: entry.addresses } : {}),
        location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
        resolution: entry.resolution,
        ports: [...entry.ports.values()].sort((a, b) => a.port - b.port)
          .map(p => ({ number: p.port, name: `${p.protocol.toLowerCase()}-${p.port}`, protocol: p.protocol })),
        exportTo: ['.'],
      },
    });
  }
}

/**
 * The namespace's Sidecar: outbound traffic only to registered services, and only the
 * namespaces it needs imported (its own, the control plane's, and those its links call),
 * so a host nobody declared has no route and fails.
 */
export function addRegistryOnlySidecar(scope: Construct, ns: NamespaceIntent, outbound: LinkIntent[]): void {
  const namespaces = new Set([ns.controlPlane.namespace, ...outbound.map(l => l.to.namespace)]);
  namespaces.delete(ns.name);
  new Sidecar(scope, 'Sidecar-default', {
    metadata: { name: 'default', namespace: ns.name },
    spec: {
      egress: [{ hosts: ['./*', ...[...namespaces].sort(compareStrings).map(n => `${n}/*`)] }],
      outboundTrafficPolicy: { mode: SidecarSpecOutboundTrafficPolicyMode.REGISTRY_UNDERSCORE_ONLY },
    },
  });
}

/** For a workload auditing on its own: the mesh-wide defaults back (every namespace imported, unknown hosts passed through). */
export function addAuditSidecar(scope: Construct, ns: string, workload: WorkloadIntent): void {
  const name = `${workload.name}-audit`;
  new Sidecar(scope, `Sidecar-${name}`, {
    metadata: { name, namespace: ns },
    spec: {
      workloadSelector: { labels: sortedLabels(workload.podLabels) },
      egress: [{ hosts: ['*/*'] }],
      outboundTrafficPolicy: { mode: SidecarSpecOutboundTrafficPolicyMode.ALLOW_UNDERSCORE_ANY },
    },
  });
}

/** One outside target as the namespace's ServiceEntry will register it. */
interface RegisteredTarget {
  readonly name: string;
  readonly hosts: string[];
  readonly addresses?: string[];
  readonly resolution: ServiceEntrySpecResolution;
  readonly ports: Map<number, ExternalPortIntent>;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let p = from; p <= to; p++) out.push(p);
  return out;
}

/**
 * Workloads reached from outside without a token: through a public route, or from an
 * address range on a TCP port (the sidecar does not proxy UDP, so UDP stays L4-only).
 */
export function edgeServers(publicRoutes: PublicRouteIntent[], addressIngress: AddressIngressIntent[]): [string, WorkloadIntent][] {
  return [
    ...publicRoutes.map(r => [r.workload.name, r.workload] as [string, WorkloadIntent]),
    ...tcpOnly(addressIngress).map(a => [a.to.name, a.to] as [string, WorkloadIntent]),
  ];
}

/**
 * Public routes: one rule per gateway principal, with one operation per distinct set of
 * ports, methods and paths. No request principal is required: that is what "public" means.
 */
export function publicRouteRules(routes: PublicRouteIntent[]): AuthorizationPolicySpecRules[] {
  const opsByPrincipal = new Map<string, Map<string, AuthorizationPolicySpecRulesToOperation>>();
  for (const r of routes) {
    const operation: AuthorizationPolicySpecRulesToOperation = {
      ports: spelledOut(r.ports),
      ...(r.http?.methods ? { methods: [...new Set(r.http.methods)].sort(compareStrings) } : {}),
      ...(r.http?.paths ? { paths: [...new Set(r.http.paths)].sort(compareStrings) } : {}),
    };
    const ops = opsByPrincipal.get(r.gateway.principal) ?? new Map();
    ops.set(JSON.stringify(operation), operation);
    opsByPrincipal.set(r.gateway.principal, ops);
  }
  return [...opsByPrincipal.keys()].sort(compareStrings).map(principal => {
    const ops = opsByPrincipal.get(principal)!;
    return {
      from: [{ source: { principals: [principal] } }],
      to: [...ops.keys()].sort(compareStrings).map(k => ({ operation: ops.get(k)! })),
    };
  });
}

/**
 * Address ranges: a rule per port set, with one source per range (`ipBlocks` and its own
 * `notIpBlocks`; sources of one rule add up, so one range's holes never close another's).
 * `ipBlocks` is the connection's source address, the one NetworkPolicy sees too;
 * `remoteIpBlocks` would trust X-Forwarded-For, which a client outside can write itself.
 */
export function addressIngressRules(ingress: AddressIngressIntent[]): AuthorizationPolicySpecRules[] {
  const byPorts = new Map<string, { ports: string[]; sources: Map<string, AuthorizationPolicySpecRulesFrom> }>();
  for (const a of tcpOnly(ingress)) {
    const ports = spelledOut(a.ports);
    const key = ports.join(',');
    const entry = byPorts.get(key) ?? { ports, sources: new Map() };
    // notPrincipals ["*"]: only peers without a mesh identity; a meshed pod whose address falls in the range gains nothing.
    const from = { source: { ipBlocks: [a.address.cidr], ...(a.address.except.length > 0 ? { notIpBlocks: [...a.address.except] } : {}), notPrincipals: ['*'] } };
    entry.sources.set(JSON.stringify(from), from);
    byPorts.set(key, entry);
  }
  return [...byPorts.keys()].sort(compareStrings).map(key => {
    const e = byPorts.get(key)!;
    return { from: [...e.sources.keys()].sort(compareStrings).map(k => e.sources.get(k)!), to: [{ operation: { ports: e.ports } }] };
  });
}

/**
 * Plaintext from outside the mesh on exactly the ports opened to address ranges: a
 * PeerAuthentication selecting the workload, its own mode left to the namespace (UNSET)
 * and PERMISSIVE for those pod ports only (portLevelMtls is keyed by the workload's port).
 */
export function addPlaintextPorts(scope: Construct, ns: string, workload: WorkloadIntent, ingress: AddressIngressIntent[]): void {
  const ports = [...new Set(tcpOnly(ingress).flatMap(a => spelledOut(a.ports)))].sort((a, b) => Number(a) - Number(b));
  if (ports.length === 0) return;
  const name = `${workload.name}-plaintext`;
  new PeerAuthentication(scope, `PeerAuthentication-${name}`, {
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: sortedLabels(workload.podLabels) },
      mtls: { mode: PeerAuthenticationSpecMtlsMode.UNSET },
      portLevelMtls: Object.fromEntries(ports.map(p => [p, { mode: PeerAuthenticationSpecPortLevelMtlsMode.PERMISSIVE }])),
    },
  });
}

/** Address ingress narrowed to its TCP ports; declarations with none are left out. */
function tcpOnly(ingress: AddressIngressIntent[]): AddressIngressIntent[] {
  return ingress.map(a => ({ ...a, ports: a.ports.filter(p => p.protocol === TransportProtocol.TCP) })).filter(a => a.ports.length > 0);
}

/** Istio lists ports one by one, as strings. */
function spelledOut(ports: PortIntent[]): string[] {
  return [...new Set(ports.flatMap(p => range(p.port, p.endPort ?? p.port)).map(String))];
}
