import { ApiObject } from 'cdk8s';
import { ztunnelRules, tcpLinksTo } from './ambient-ztunnel-rules';
import { HBONE_PORT, INGRESS_USE_WAYPOINT_LABEL, USE_WAYPOINT_LABEL, WAYPOINT_FOR_LABEL } from './hbone';
import { addPlaintextPorts, addRoute, entryPointRules, publicRouteRules } from './istio-edges';
import { addAuditObjects, addMeshBaseline, allowRules, DRY_RUN } from './istio-rules';
import { getOrCreate, lazyFrom } from './lazy';
import { isAuditing } from './network-policy-edges';
import { DeclaredEntryPoint, DeclaredIngress, DeclaredLink, ILayerRenderer, IRenderLayer, WaypointIntent } from './renderer';
import { zeroTrustError } from '../errors';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpecAction,
  RequestAuthentication,
} from '../imports/istio-security.istio.io';
import { ExternalEgressIntent } from '../model/edge-intent';
import { WorkloadIntent, ZeroTrustMode } from '../model/intent';
import { compareStrings, sortedLabels } from '../model/order';
import { intendedWaypoint, NAMESPACE_WAYPOINT } from '../namespace/waypoints';

/** Gateway API group of the waypoint Gateway, as `targetRefs` name it. */
const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
/** The GatewayClass Istio deploys waypoint proxies for. */
export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';

/** Per layer scope: servers the ingress gateway reaches (entry points, public routes), by name. */
const GATEWAY_SERVERS = new WeakMap<object, Set<string>>();

/**
 * The Istio layer of an ambient namespace, split by who can enforce what.
 *
 * ztunnel (L4): a namespace-wide STRICT PeerAuthentication and allow-nothing, and per server one
 * ALLOW policy bound by `selector` with L4 fields only (see ambient-ztunnel-rules.ts): the
 * principals of links without HTTP rules, the waypoint's principal on the ports of every call
 * it forwards, and outside address ranges (with plaintext accepted on exactly their ports).
 * A client whose link has HTTP rules is never admitted by ztunnel directly, so it cannot skip
 * the waypoint by calling the pod.
 *
 * Waypoint (L7): the server's waypoint Gateway (class `istio-waypoint`: the namespace's, or the
 * server's own with `ownWaypoint`), an allow-nothing bound to it, the server's Services labelled
 * `istio.io/use-waypoint` (and `istio.io/ingress-use-waypoint` when the ingress gateway calls
 * it), and per server one ALLOW policy bound with `targetRefs` to its Services: client
 * principals, ports, methods and paths, plus entry-point rules (gateway principal, token,
 * claims) and public-route rules (gateway principal, methods, paths).
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

  /** The server's ztunnel policy, and with HTTP rules, its waypoint policy and waypoint. */
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
    this.calledByGateway(layer, server);
    // Tokens are checked at L7: by the waypoint, for the app's Services only. Held back while auditing (no dry-run).
    if (!isAuditing(server, layer.namespace.mode)) this.requestAuthentication(layer, server);
    if (ep.route) addRoute(layer.scope, layer.namespace.name, ep);
  }

  /** Nothing: outside egress is enforced by NetworkPolicy only in ambient. */
  public addExternalEgress(_layer: IRenderLayer, _egress: ExternalEgressIntent): void {
    return;
  }

  /**
   * A public route: the gateway's principal at ztunnel, or at the waypoint when the server has
   * one (HTTP rules need it). An address range: plaintext accepted on its ports, and its source
   * addresses admitted by ztunnel. UDP-only ranges are NetworkPolicy's alone (not proxied).
   */
  public addIngress(layer: IRenderLayer, ingress: DeclaredIngress): void {
    const server = ingress.workload;
    if (ingress.udpOnly) return;
    this.ztunnelPolicy(layer, server);
    // While auditing, mTLS is PERMISSIVE already, and a second workload-level PeerAuthentication would conflict.
    if (ingress.address && !isAuditing(server, layer.namespace.mode)) addPlaintextPorts(layer, server);
    if (!ingress.gateway) return;
    if (ingress.http) this.waypointPolicy(layer, server, ingress.path);
    this.calledByGateway(layer, server);
    if (ingress.route) addRoute(layer.scope, layer.namespace.name, { name: ingress.name, gateway: ingress.gateway, route: ingress.route });
  }

  /** The server's selector-bound policy, enforced by ztunnel: principals, addresses and ports only. */
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

  /** The server's policy at its waypoint, bound to its Services; created with the waypoint it needs. */
  private waypointPolicy(layer: IRenderLayer, server: WorkloadIntent, declaredAt: string): void {
    const ns = layer.namespace;
    const wp = intendedWaypoint(server);
    this.waypoint(layer, wp);
    const name = `${server.name}-waypoint`;
    if (layer.scope.node.tryFindChild(name)) return;
    refuseWaypointForAuditingWorkload(layer, server, wp, declaredAt);
    for (const service of layer.servicesOf(server)) service.metadata.addLabel(USE_WAYPOINT_LABEL, wp.name);
    if (GATEWAY_SERVERS.get(layer.scope)?.has(server.name)) this.gatewayThroughWaypoint(layer, server);
    new AuthorizationPolicy(layer.scope, name, {
      metadata: { name, namespace: ns.name, annotations: isAuditing(server, ns.mode) ? DRY_RUN : undefined },
      spec: {
        targetRefs: lazyFrom(layer, () => serviceRefs(layer, server, declaredAt)),
        action: AuthorizationPolicySpecAction.ALLOW,
        rules: lazyFrom(layer, ctx => [
          ...allowRules(tcpLinksTo(ctx, server)),
          ...entryPointRules(ctx.entryPoints.filter(e => e.workload.name === server.name)),
          ...publicRouteRules(ctx.publicRoutes.filter(r => r.workload.name === server.name)),
        ]),
      },
    });
  }

  /**
   * The ingress gateway calls this server. Istio's gateway skips a Service's waypoint unless the
   * Service opts in, so a server with a waypoint gets the opt-in, now or when its waypoint comes.
   */
  private calledByGateway(layer: IRenderLayer, server: WorkloadIntent): void {
    const servers = GATEWAY_SERVERS.get(layer.scope) ?? new Set<string>();
    GATEWAY_SERVERS.set(layer.scope, servers);
    servers.add(server.name);
    if (layer.scope.node.tryFindChild(`${server.name}-waypoint`)) this.gatewayThroughWaypoint(layer, server);
  }

  private gatewayThroughWaypoint(layer: IRenderLayer, server: WorkloadIntent): void {
    for (const service of layer.servicesOf(server)) service.metadata.addLabel(INGRESS_USE_WAYPOINT_LABEL, 'true');
  }

  /** A waypoint and its allow-nothing: traffic through it is denied unless a Service's policy allows it. */
  private waypoint(layer: IRenderLayer, wp: WaypointIntent): void {
    const ns = layer.namespace;
    const id = wp.name === NAMESPACE_WAYPOINT ? 'WaypointGateway' : `WaypointGateway-${wp.name}`;
    getOrCreate(layer.scope, id, () => new ApiObject(layer.scope, id, {
      apiVersion: `${GATEWAY_API_GROUP}/v1`,
      kind: 'Gateway',
      metadata: { name: wp.name, namespace: ns.name, labels: { [WAYPOINT_FOR_LABEL]: 'service' } },
      spec: { gatewayClassName: WAYPOINT_GATEWAY_CLASS, listeners: [{ name: 'mesh', port: HBONE_PORT, protocol: 'HBONE' }] },
    }));
    const name = `${wp.name}-allow-nothing`;
    getOrCreate(layer.scope, name, () => new AuthorizationPolicy(layer.scope, name, {
      metadata: { name, namespace: ns.name, annotations: ns.mode === ZeroTrustMode.AUDIT ? DRY_RUN : undefined },
      spec: { targetRefs: [{ kind: 'Gateway', group: GATEWAY_API_GROUP, name: wp.name }], action: AuthorizationPolicySpecAction.ALLOW },
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

/** `targetRefs` to the server's Services; a waypoint only sees traffic addressed to a Service. */
function serviceRefs(layer: IRenderLayer, server: WorkloadIntent, declaredAt: string) {
  const names = [...new Set(layer.servicesOf(server).map(s => s.name))].sort(compareStrings);
  if (names.length === 0) {
    throw zeroTrustError(layer.scope, `${server.namespace}/${server.name} has HTTP rules or an entry point (declared at ${declaredAt}) in an ambient namespace, but no Service: the waypoint that enforces them only sees traffic addressed to a Service`,
      'adopt the workload with its Service (namespace.adopt(deployment, { services: [service] })), or drop the HTTP rules');
  }
  return names.map(name => ({ kind: 'Service', group: '', name }));
}

/** A workload auditing alone would still be filtered by its waypoint's allow-nothing and NetworkPolicies. */
function refuseWaypointForAuditingWorkload(layer: IRenderLayer, server: WorkloadIntent, wp: WaypointIntent, declaredAt: string): void {
  if (layer.namespace.mode === ZeroTrustMode.AUDIT || server.mode !== ZeroTrustMode.AUDIT) return;
  const which = wp.name === NAMESPACE_WAYPOINT ? 'the namespace waypoint, which enforces for every Service behind it' : `its waypoint ${wp.name}, which enforces`;
  throw zeroTrustError(layer.scope, `${server.namespace}/${server.name} audits on its own in an enforcing ambient namespace, but ${declaredAt} needs ${which}`,
    'audit the whole namespace (mode: ZeroTrustMode.AUDIT on the ZeroTrustNamespace), or declare the link without HTTP rules until the workload enforces');
}
