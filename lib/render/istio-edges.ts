/**
 * The Istio objects of the mesh's edges, built for IstioRenderer (which decides where
 * they land): entry-point and public-route rules, RequestAuthentication, Gateway/VirtualService
 * routes, address-range rules and their plaintext ports, ServiceEntries, and the registry-only Sidecar.
 */
import { Construct } from 'constructs';
import { getOrCreate, lazyFrom, perContext } from './lazy';
import { IRenderLayer } from './renderer';
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
import { PortIntent, TransportProtocol, WorkloadIntent } from '../model/intent';
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

/** One RequestAuthentication per app, with a JWT rule per issuer (read at synth from its entry points). */
export function addRequestAuthentication(layer: IRenderLayer, workload: WorkloadIntent): void {
  const name = `${workload.name}-jwt`;
  getOrCreate(layer.scope, `RequestAuthentication-${name}`, () => new RequestAuthentication(layer.scope, `RequestAuthentication-${name}`, {
    metadata: { name, namespace: layer.namespace.name },
    spec: lazyFrom(layer, ctx => {
      const byIssuer = new Map(ctx.entryPoints.filter(ep => ep.workload.name === workload.name).map(ep => [ep.jwt.issuer, ep.jwt]));
      return {
        selector: { matchLabels: sortedLabels(workload.podLabels) },
        jwtRules: [...byIssuer.keys()].sort(compareStrings).map(issuer => byIssuer.get(issuer)!),
      };
    }),
  }));
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

/** The construct id of the namespace's registry-only Sidecar. */
export const REGISTRY_ONLY_SIDECAR = 'Sidecar-default';

/** One outside target as a ServiceEntry registers it. */
interface Target {
  /** Readable name before any suffix. */
  readonly base: string;
  readonly hosts: string[];
  readonly addresses?: string[];
  /** The name its ServiceEntry got ('' until created). */
  name: string;
}

/** The outside targets each layer scope has registered, by target key. */
const TARGETS = new WeakMap<Construct, Map<string, Target>>();

/**
 * ServiceEntries registering the outside targets in the namespace only (`exportTo: ['.']`):
 * one per host (DNS resolution) and one per address range (no resolution), ports merged
 * at synth across the namespace's workloads. UDP is left out: the sidecar does not proxy it.
 */
export function addServiceEntry(layer: IRenderLayer, e: ExternalEgressIntent): void {
  if (e.ports.every(p => p.protocol === ExternalProtocol.UDP)) return;
  const scope = layer.scope;
  const targets = TARGETS.get(scope) ?? new Map<string, Target>();
  TARGETS.set(scope, targets);
  const key = targetOf(e);
  if (targets.has(key)) return;
  const isHost = e.kind === ExternalTargetKind.HOST;
  targets.set(key, { base: `external-${e.name}`, hosts: isHost ? [e.host!] : [], addresses: isHost ? undefined : e.addresses.map(a => a.cidr), name: '' });
  // Readable names can coincide (`a-b.com`, `a.b-com`); a numeric suffix, in target order, keeps them apart.
  // A new target may shift an earlier one's suffix, so those are re-created under their new name.
  const used = new Set<string>();
  const assigned = new Map<string, string>();
  for (const t of [...targets.keys()].sort(compareStrings)) {
    const base = targets.get(t)!.base;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    assigned.set(t, name);
  }
  for (const [t, name] of assigned) {
    const old = targets.get(t)!.name;
    if (old !== name && old !== '') scope.node.tryRemoveChild(`ServiceEntry-${old}`);
  }
  for (const [t, name] of assigned) {
    const target = targets.get(t)!;
    if (target.name === name) continue;
    target.name = name;
    createServiceEntry(layer, t, name, target);
  }
}

function createServiceEntry(layer: IRenderLayer, key: string, name: string, target: Target): void {
  new ServiceEntry(layer.scope, `ServiceEntry-${name}`, {
    metadata: { name, namespace: layer.namespace.name },
    spec: {
      // An address-only target still needs a host name; it is never resolved (resolution NONE).
      hosts: target.addresses ? [`${name}.external`] : target.hosts,
      ...(target.addresses ? { addresses: target.addresses } : {}),
      location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
      resolution: target.addresses ? ServiceEntrySpecResolution.NONE : ServiceEntrySpecResolution.DNS,
      ports: lazyFrom(layer, ctx => [...(portsByTarget(ctx).get(key) ?? new Map<number, ExternalPortIntent>()).values()]
        .sort((a, b) => a.port - b.port)
        .map(p => ({ number: p.port, name: `${p.protocol.toLowerCase()}-${p.port}`, protocol: p.protocol }))),
      exportTo: ['.'],
    },
  });
}

/** The host, or the address ranges: what one ServiceEntry registers. */
function targetOf(e: ExternalEgressIntent): string {
  return e.kind === ExternalTargetKind.HOST ? e.host! : e.addresses.map(a => a.cidr).join(',');
}

/** Proxied ports of every target, merged across the namespace's declarations. */
const portsByTarget = perContext(ctx => {
  const out = new Map<string, Map<number, ExternalPortIntent>>();
  for (const e of ctx.externalEgress) {
    const ports = out.get(targetOf(e)) ?? new Map<number, ExternalPortIntent>();
    for (const p of e.ports.filter(x => x.protocol !== ExternalProtocol.UDP)) ports.set(p.port, p);
    out.set(targetOf(e), ports);
  }
  return out;
});

/**
 * The namespace's Sidecar: outbound traffic only to registered services, and only the
 * namespaces it needs imported (its own, the control plane's, and those its links call),
 * so a host nobody declared has no route and fails.
 */
export function addRegistryOnlySidecar(layer: IRenderLayer): void {
  const ns = layer.namespace;
  new Sidecar(layer.scope, REGISTRY_ONLY_SIDECAR, {
    metadata: { name: 'default', namespace: ns.name },
    spec: {
      egress: [{
        hosts: lazyFrom(layer, ctx => {
          const namespaces = new Set([ns.controlPlane.namespace, ...ctx.outbound.map(l => l.to.namespace)]);
          namespaces.delete(ns.name);
          return ['./*', ...[...namespaces].sort(compareStrings).map(n => `${n}/*`)];
        }),
      }],
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
 * Its ports are read at synth from the workload's address ranges.
 */
export function addPlaintextPorts(layer: IRenderLayer, workload: WorkloadIntent): void {
  const name = `${workload.name}-plaintext`;
  getOrCreate(layer.scope, `PeerAuthentication-${name}`, () => new PeerAuthentication(layer.scope, `PeerAuthentication-${name}`, {
    metadata: { name, namespace: layer.namespace.name },
    spec: lazyFrom(layer, ctx => {
      const ranges = ctx.addressIngress.filter(a => a.to.name === workload.name);
      const ports = [...new Set(tcpOnly(ranges).flatMap(a => spelledOut(a.ports)))].sort((x, y) => Number(x) - Number(y));
      return {
        selector: { matchLabels: sortedLabels(workload.podLabels) },
        mtls: { mode: PeerAuthenticationSpecMtlsMode.UNSET },
        portLevelMtls: Object.fromEntries(ports.map(p => [p, { mode: PeerAuthenticationSpecPortLevelMtlsMode.PERMISSIVE }])),
      };
    }),
  }));
}

/** Address ingress narrowed to its TCP ports; declarations with none are left out. */
function tcpOnly(ingress: AddressIngressIntent[]): AddressIngressIntent[] {
  return ingress.map(a => ({ ...a, ports: a.ports.filter(p => p.protocol === TransportProtocol.TCP) })).filter(a => a.ports.length > 0);
}

/** Istio lists ports one by one, as strings. */
function spelledOut(ports: PortIntent[]): string[] {
  return [...new Set(ports.flatMap(p => range(p.port, p.endPort ?? p.port)).map(String))];
}
