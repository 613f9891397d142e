import { ApiObject } from 'cdk8s';
import { HBONE_PORT, USE_WAYPOINT_LABEL, WAYPOINT_FOR_LABEL } from './hbone';
import { addRoute, entryPointRules } from './istio-edges';
import { addAuditObjects, addMeshBaseline, allowRules, DRY_RUN } from './istio-rules';
import { getOrCreate, lazyFrom } from './lazy';
import { isAuditing } from './network-policy-edges';
import { DeclaredEntryPoint, DeclaredIngress, DeclaredLink, ILayerRenderer, IRenderLayer, NamespaceRenderContext } from './renderer';
import { zeroTrustError } from '../errors';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpecAction,
  AuthorizationPolicySpecRules,
  RequestAuthentication,
} from '../imports/istio-security.istio.io';
import { ExternalEgressIntent } from '../model/edge-intent';
import { LinkIntent, TransportProtocol, WorkloadIntent, ZeroTrustMode } from '../model/intent';
import { compareStrings, sortedLabels } from '../model/order';
import { NAMESPACE_WAYPOINT } from '../namespace/waypoints';

/** Gateway API group of the waypoint Gateway, as `targetRefs` name it. */
const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
/** The GatewayClass Istio deploys waypoint proxies for. */
export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';

/**
 * The Istio layer of an ambient namespace, split by who can enforce what.
 *
 * ztunnel (L4): a namespace-wide STRICT PeerAuthentication and allow-nothing, and per server one
 * ALLOW policy bound by `selector` with L4 fields only: the principals of links without HTTP
 * rules on their ports, and the waypoint's principal on the ports of every call it forwards.
 * A client whose link has HTTP rules is never admitted by ztunnel directly, so it cannot skip
 * the waypoint by calling the pod.
 *
 * Waypoint (L7): the namespace's waypoint Gateway (class `istio-waypoint`), an allow-nothing
 * bound to it, the server's Services labelled `istio.io/use-waypoint`, and per server one
 * ALLOW policy bound with `targetRefs` to its Services: client principals, ports, methods and
 * paths, plus entry-point rules (gateway principal, token, claims).
 *
 * Outside egress is left to NetworkPolicy: ambient has no Sidecar resource for registry-only
 * routing (that needs an egress waypoint, not emitted).
 */
export class AmbientIstioRenderer implements ILayerRenderer {
  public readonly layerName = 'Istio';

  /** STRICT PeerAuthentication and the namespace-wide allow-nothing (PERMISSIVE and dry-run while auditing). */
  public addNamespace(layer: IRenderLayer): void {
    // No selector and no targetRefs: ztunnel applies the baseline to every pod of the namespace.
    addMeshBaseline(layer);
  }

  /** A workload auditing alone gets PERMISSIVE mTLS, an explicit allow-all and a dry-run allow-nothing. */
  public addWorkload(layer: IRenderLayer, w: WorkloadIntent): void {
    if (layer.namespace.mode === ZeroTrustMode.AUDIT || w.mode !== ZeroTrustMode.AUDIT) return;
    // The selector-bound audit objects hold no L7 field, so ztunnel can apply them as on a sidecar.
    addAuditObjects(layer, w);
  }

  /** The server's ztunnel policy, and with HTTP rules, its waypoint policy and the namespace waypoint. */
  public addLink(layer: IRenderLayer, link: DeclaredLink): void {
    if (!link.to.managed || link.to.namespace !== layer.namespace.name) return;
    this.ztunnelPolicy(layer, link.to);
    if (link.http) this.waypointPolicy(layer, link.to, link.path);
  }

  /** The app's ztunnel and waypoint policies, its token check at the waypoint, and the route if declared. */
  public addEntryPoint(layer: IRenderLayer, ep: DeclaredEntryPoint): void {
    const server = ep.workload;
    this.ztunnelPolicy(layer, server);
    this.waypointPolicy(layer, server, ep.path);
    // Tokens are checked at L7: by the waypoint, for the app's Services only. Held back while auditing (no dry-run).
    if (!isAuditing(server, layer.namespace.mode)) this.requestAuthentication(layer, server);
    if (ep.route) addRoute(layer.scope, layer.namespace.name, ep);
  }

  /** Nothing: outside egress is enforced by NetworkPolicy only in ambient. */
  public addExternalEgress(_layer: IRenderLayer, _egress: ExternalEgressIntent): void {
    return;
  }

  /** Nothing: an ambient namespace refuses public routes and address ranges when they are declared. */
  public addIngress(_layer: IRenderLayer, _ingress: DeclaredIngress): void {
    return;
  }

  /** The server's selector-bound policy, enforced by ztunnel: principals and ports only. */
  private ztunnelPolicy(layer: IRenderLayer, server: WorkloadIntent): void {
    const ns = layer.namespace;
    const name = `${server.name}-ingress`;
    getOrCreate(layer.scope, name, () => new AuthorizationPolicy(layer.scope, name, {
      metadata: { name, namespace: ns.name, annotations: isAuditing(server, ns.mode) ? DRY_RUN : undefined },
      spec: lazyFrom(layer, ctx => ({
        selector: { matchLabels: sortedLabels(server.podLabels) },
        action: AuthorizationPolicySpecAction.ALLOW,
        rules: ztunnelRules(layer, ctx, server),
      })),
    }));
  }

  /** The server's policy at the waypoint, bound to its Services; created with the waypoint it needs. */
  private waypointPolicy(layer: IRenderLayer, server: WorkloadIntent, declaredAt: string): void {
    const ns = layer.namespace;
    this.waypoint(layer);
    const name = `${server.name}-waypoint`;
    if (layer.scope.node.tryFindChild(name)) return;
    refuseWaypointForAuditingWorkload(layer, server, declaredAt);
    for (const service of layer.servicesOf(server)) service.metadata.addLabel(USE_WAYPOINT_LABEL, NAMESPACE_WAYPOINT);
    new AuthorizationPolicy(layer.scope, name, {
      metadata: { name, namespace: ns.name, annotations: isAuditing(server, ns.mode) ? DRY_RUN : undefined },
      spec: {
        targetRefs: lazyFrom(layer, () => serviceRefs(layer, server, declaredAt)),
        action: AuthorizationPolicySpecAction.ALLOW,
        rules: lazyFrom(layer, ctx => [
          ...allowRules(tcpLinksTo(ctx, server)),
          ...entryPointRules(ctx.entryPoints.filter(e => e.workload.name === server.name)),
        ]),
      },
    });
  }

  /** The namespace waypoint and its allow-nothing: traffic through it is denied unless a Service's policy allows it. */
  private waypoint(layer: IRenderLayer): void {
    const ns = layer.namespace;
    getOrCreate(layer.scope, 'WaypointGateway', () => new ApiObject(layer.scope, 'WaypointGateway', {
      apiVersion: `${GATEWAY_API_GROUP}/v1`,
      kind: 'Gateway',
      metadata: { name: NAMESPACE_WAYPOINT, namespace: ns.name, labels: { [WAYPOINT_FOR_LABEL]: 'service' } },
      spec: { gatewayClassName: WAYPOINT_GATEWAY_CLASS, listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: 'HBONE' }] },
    }));
    const name = `${NAMESPACE_WAYPOINT}-allow-nothing`;
    getOrCreate(layer.scope, name, () => new AuthorizationPolicy(layer.scope, name, {
      metadata: { name, namespace: ns.name, annotations: ns.mode === ZeroTrustMode.AUDIT ? DRY_RUN : undefined },
      spec: { targetRefs: [{ kind: 'Gateway', group: GATEWAY_API_GROUP, name: NAMESPACE_WAYPOINT }], action: AuthorizationPolicySpecAction.ALLOW },
    }));
  }

  /** One RequestAuthentication per app at its waypoint, a JWT rule per issuer. */
  private requestAuthentication(layer: IRenderLayer, server: WorkloadIntent): void {
    const name = `${server.name}-jwt`;
    getOrCreate(layer.scope, `RequestAuthentication-${name}`, () => new RequestAuthentication(layer.scope, `RequestAuthentication-${name}`, {
      metadata: { name, namespace: layer.namespace.name },
      spec: lazyFrom(layer, ctx => {
        const byIssuer = new Map(ctx.entryPoints.filter(ep => ep.workload.name === server.name).map(ep => [ep.jwt.issuer, ep.jwt]));
        return {
          targetRefs: serviceRefs(layer, server, server.name),
          jwtRules: [...byIssuer.keys()].sort(compareStrings).map(issuer => byIssuer.get(issuer)!),
        };
      }),
    }));
  }
}

/** TCP links into one server (UDP is not proxied by ztunnel or the waypoint). */
function tcpLinksTo(ctx: NamespaceRenderContext, server: WorkloadIntent): LinkIntent[] {
  return ctx.inbound.filter(l => l.to.name === server.name && l.ports.some(p => p.protocol === TransportProtocol.TCP));
}

/**
 * ztunnel's rules for one server: each client of a link without HTTP rules on its ports, and,
 * when the server has a waypoint, the waypoint's principal on the ports of every call that
 * may come through it (Service traffic of any link, and entry points).
 */
function ztunnelRules(layer: IRenderLayer, ctx: NamespaceRenderContext, server: WorkloadIntent): AuthorizationPolicySpecRules[] {
  const links = tcpLinksTo(ctx, server);
  const wp = layer.waypointOf(server);
  const direct = allowRules(wp ? links.filter(l => !l.http) : links);
  if (!wp) return direct;
  const ports = new Set<number>();
  const add = (p: { port: number; endPort?: number; protocol: TransportProtocol }) => {
    if (p.protocol !== TransportProtocol.TCP) return;
    for (let n = p.port; n <= (p.endPort ?? p.port); n++) ports.add(n);
  };
  links.forEach(l => l.ports.forEach(add));
  ctx.entryPoints.filter(e => e.workload.name === server.name).forEach(e => e.ports.forEach(add));
  if (ports.size === 0) return direct;
  const viaWaypoint: AuthorizationPolicySpecRules = {
    from: [{ source: { principals: [wp.principal] } }],
    to: [{ operation: { ports: [...ports].sort((a, b) => a - b).map(String) } }],
  };
  return [...direct, viaWaypoint];
}

/** `targetRefs` to the server's Services; a waypoint only sees traffic addressed to a Service. */
function serviceRefs(layer: IRenderLayer, server: WorkloadIntent, declaredAt: string) {
  const names = [...new Set(layer.servicesOf(server).map(s => s.name))].sort(compareStrings);
  if (names.length === 0) {
    throw zeroTrustError(layer.scope, `${server.namespace}/${server.name} has HTTP rules or an entry point (declared at ${declaredAt}) in an ambient namespace, but no Service: the waypoint that enforces them only sees traffic addressed to a Service`,
      'adopt the workload with its Service (namespace.adopt(deployment, { services: [service] })), or drop the HTTP rules');
  }
  return names.map(name => ({ kind: 'Service', group: '', name }));
}

/** A workload auditing alone would still be filtered by the namespace waypoint's allow-nothing and NetworkPolicies. */
function refuseWaypointForAuditingWorkload(layer: IRenderLayer, server: WorkloadIntent, declaredAt: string): void {
  if (layer.namespace.mode === ZeroTrustMode.AUDIT || server.mode !== ZeroTrustMode.AUDIT) return;
  throw zeroTrustError(layer.scope, `${server.namespace}/${server.name} audits on its own in an enforcing ambient namespace, but ${declaredAt} needs the namespace waypoint, which enforces for every Service behind it`,
    'audit the whole namespace (mode: ZeroTrustMode.AUDIT on the ZeroTrustNamespace), or declare the link without HTTP rules until the workload enforces');
}
