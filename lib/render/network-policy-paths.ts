import { k8s } from 'cdk8s-plus-28';
import { linksByWorkload, PeerGroup } from './group';
import { gatewayHops, hopsOf, isStandIn, isWaypointEnd } from './hbone';
import { getOrCreate, lazyFrom } from './lazy';
import { EdgeIngress, isAuditing } from './network-policy-edges';
import { IRenderLayer, NamespaceRenderContext } from './renderer';
import { EntryPointIntent, ExternalEgressIntent } from '../model/edge-intent';
import { DataPlane, LinkIntent, PlatformEndpointIntent, PortIntent, WorkloadIntent } from '../model/intent';
import { sortedLabels } from '../model/order';

/** Kubernetes sets this label on every namespace; selecting by it needs no labels of ours. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A NetworkPolicy named `name`, created once, its spec computed at synth. */
export function policy(layer: IRenderLayer, name: string, spec: (ctx: NamespaceRenderContext) => k8s.NetworkPolicySpec): void {
  getOrCreate(layer.scope, name, () => new k8s.KubeNetworkPolicy(layer.scope, name, {
    metadata: { name, namespace: layer.namespace.name },
    spec: lazyFrom(layer, spec),
  }));
}

/** What NetworkPolicy opens for the namespace's enforced declarations, per workload. */
export interface NetworkPolicyPaths {
  /** Paths into each server of the namespace, by its name. */
  readonly inbound: Map<string, LinkIntent[]>;
  /** Entry points per server that reach it straight from the gateway (sidecar servers). */
  readonly entries: Map<string, EntryPointIntent[]>;
  /**
   * Ways in from outside per server on its pod ports: public routes into sidecar servers and
   * address ranges (plaintext from outside the mesh reaches the pod port in both data planes).
   */
  readonly outside: Map<string, EdgeIngress[]>;
  /** Paths out of each client of the namespace, by its name. */
  readonly outbound: Map<string, LinkIntent[]>;
  /** Calls to the outside world per client. */
  readonly external: Map<string, ExternalEgressIntent[]>;
  /** Paths into each waypoint of the namespace (from clients and gateways), by waypoint name. */
  readonly waypointIn: Map<string, LinkIntent[]>;
  /** Paths from each waypoint of the namespace to its servers, by waypoint name. */
  readonly waypointOut: Map<string, LinkIntent[]>;
}

const PATHS = new WeakMap<NamespaceRenderContext, NetworkPolicyPaths>();

/**
 * The namespace's enforced declarations as pod-to-pod paths (see hbone.ts), grouped once per
 * synthesis. Every layer of a context reads the same data planes, so the context is the key.
 */
export function byWorkload(layer: IRenderLayer, ctx: NamespaceRenderContext): NetworkPolicyPaths {
  const hit = PATHS.get(ctx);
  if (hit) return hit;
  const ns = ctx.namespace.name;
  const enforced = (w: WorkloadIntent) => !isAuditing(w, ctx.namespace.mode);
  const own = (w: WorkloadIntent) => !isStandIn(w) && w.managed && w.namespace === ns;
  const ambient = (w: WorkloadIntent) => layer.dataPlaneOf(w.namespace) === DataPlane.AMBIENT;
  const publicRoutes = ctx.publicRoutes.filter(r => enforced(r.workload));
  const inHops = [
    ...ctx.inbound.filter(l => enforced(l.to)).flatMap(l => hopsOf(layer, l)),
    ...ctx.entryPoints.filter(e => enforced(e.workload)).flatMap(e => gatewayHops(layer, e)),
    ...publicRoutes.flatMap(r => gatewayHops(layer, r)),
  ];
  const outHops = ctx.outbound.filter(l => enforced(l.from)).flatMap(l => hopsOf(layer, l));
  const paths: NetworkPolicyPaths = {
    inbound: linksByWorkload(inHops.filter(h => own(h.to)), l => l.to),
    entries: groupByWorkload(ctx.entryPoints.filter(e => enforced(e.workload) && !ambient(e.workload)), e => e.workload),
    outside: groupByWorkload<EdgeIngress>([
      ...publicRoutes.filter(r => !ambient(r.workload)).map(r => ({ workload: r.workload, gateway: r })),
      ...ctx.addressIngress.filter(a => enforced(a.to)).map(a => ({ workload: a.to, address: a })),
    ], e => e.workload),
    outbound: linksByWorkload(outHops.filter(h => own(h.from)), l => l.from),
    external: groupByWorkload(ctx.externalEgress.filter(e => enforced(e.from)), e => e.from),
    waypointIn: groupBy(inHops.filter(h => isWaypointEnd(h.to)), h => h.to.name),
    waypointOut: groupBy(inHops.filter(h => isWaypointEnd(h.from) && own(h.to)), h => h.from.name),
  };
  PATHS.set(ctx, paths);
  return paths;
}

/** Declarations grouped by their workload's name. */
function groupByWorkload<T>(items: T[], workloadOf: (item: T) => WorkloadIntent): Map<string, T[]> {
  return groupBy(items, item => workloadOf(item).name);
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(keyOf(item));
    if (list) list.push(item);
    else out.set(keyOf(item), [item]);
  }
  return out;
}

export function peersOf(group: PeerGroup, ownNamespace: string): k8s.NetworkPolicyPeer[] {
  return group.peers.map(p => workloadPeer(p, ownNamespace));
}

/** Same namespace: a bare podSelector. Another namespace: namespaceSelector AND podSelector in one peer. */
function workloadPeer(w: WorkloadIntent, ownNamespace: string): k8s.NetworkPolicyPeer {
  const podSelector = { matchLabels: sortedLabels(w.podLabels) };
  if (w.namespace === ownNamespace) return { podSelector };
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: w.namespace } }, podSelector };
}

export function platformPeer(endpoint: PlatformEndpointIntent): k8s.NetworkPolicyPeer {
  const namespaceSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: endpoint.namespace } };
  const labels = Object.keys(endpoint.podLabels).length > 0 ? sortedLabels(endpoint.podLabels) : undefined;
  return labels ? { namespaceSelector, podSelector: { matchLabels: labels } } : { namespaceSelector };
}

export function npPort(p: PortIntent): k8s.NetworkPolicyPort {
  return {
    protocol: p.protocol,
    port: k8s.IntOrString.fromNumber(p.port),
    ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
  };
}
