/**
 * How a declaration travels on the wire once either end is in ambient: what NetworkPolicy
 * must open. Ambient tunnels TCP pod to pod over HBONE (TCP 15008), so NetworkPolicy sees
 * 15008 and the port-level restriction moves into the ztunnel policy. A server with a
 * waypoint is reached through it: client to waypoint, then waypoint to server.
 */
import { IRenderLayer, WaypointIntent } from './renderer';
import { GatewayIntent } from '../model/edge-intent';
import { DataPlane, LinkIntent, PortIntent, TransportProtocol, WorkloadIntent } from '../model/intent';
import { sortedLabels } from '../model/order';

/** The HBONE tunnel port of ztunnel, waypoints and HBONE-capable sidecars. */
export const HBONE_PORT = 15008;
/** Namespace label that enrols its pods in the ambient mesh. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/** Label on a Service (or namespace) naming the waypoint its traffic goes through. */
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
/** Label on a Service asking Istio's ingress gateway to go through the Service's waypoint (it skips it otherwise). */
export const INGRESS_USE_WAYPOINT_LABEL = 'istio.io/ingress-use-waypoint';
/** Label on a waypoint Gateway saying which traffic it handles. */
export const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';
/** The link-local address ambient rewrites kubelet health probes to (SNAT), so policy can admit probes alone. */
export const KUBELET_PROBE_SNAT_CIDR = '169.254.7.127/32';

const HBONE: PortIntent[] = [{ port: HBONE_PORT, protocol: TransportProtocol.TCP }];

/** Waypoints and gateways stand in as hop ends; they are told apart from workloads by identity. */
const STAND_INS = new WeakMap<WorkloadIntent, 'waypoint' | 'gateway'>();

/** True for a hop end that is a waypoint or a gateway, not a workload of the app. */
export function isStandIn(w: WorkloadIntent): boolean {
  return STAND_INS.has(w);
}

/** True for a hop end that is a waypoint (its name is the waypoint Gateway's). */
export function isWaypointEnd(w: WorkloadIntent): boolean {
  return STAND_INS.get(w) === 'waypoint';
}

/** A waypoint as a hop end (its pods are selected like a workload's). */
export function waypointEnd(wp: WaypointIntent): WorkloadIntent {
  const end: WorkloadIntent = {
    name: wp.name, namespace: wp.namespace, serviceAccountName: wp.name, podLabels: wp.podLabels, principal: wp.principal, managed: true,
  };
  STAND_INS.set(end, 'waypoint');
  return end;
}

/** True when the link's TCP traffic is tunnelled over HBONE: either end is in an ambient namespace of the app. */
export function isHbone(layer: IRenderLayer, link: { from: WorkloadIntent; to: WorkloadIntent }): boolean {
  const ambient = (w: WorkloadIntent) => w.managed && layer.dataPlaneOf(w.namespace) === DataPlane.AMBIENT;
  return ambient(link.from) || ambient(link.to);
}

/**
 * The pod-to-pod paths of a link, as NetworkPolicy sees them. Between sidecars: the link
 * itself. With an ambient end: UDP as declared (ambient does not tunnel UDP), TCP as 15008
 * to the server, or through its waypoint; a link without HTTP rules may also reach the
 * server's pod directly (traffic addressed to the pod, not the Service, skips the waypoint).
 */
export function hopsOf(layer: IRenderLayer, link: LinkIntent): LinkIntent[] {
  const tcp = link.ports.filter(p => p.protocol === TransportProtocol.TCP);
  if (!isHbone(layer, link) || tcp.length === 0) return [link];
  const out: LinkIntent[] = [];
  const udp = link.ports.filter(p => p.protocol === TransportProtocol.UDP);
  if (udp.length > 0) out.push({ ...link, ports: udp });
  const wp = layer.waypointOf(link.to);
  if (wp) {
    const via = waypointEnd(wp);
    out.push({ path: link.path, from: link.from, to: via, ports: HBONE }, { path: link.path, from: via, to: link.to, ports: HBONE });
    if (!link.http) out.push({ path: link.path, from: link.from, to: link.to, ports: HBONE });
  } else {
    out.push({ path: link.path, from: link.from, to: link.to, ports: HBONE });
  }
  return out;
}

/** What the gateway hops need from an entry point or a public route. */
export interface GatewayEntryIntent {
  readonly path: string;
  readonly workload: WorkloadIntent;
  readonly gateway: GatewayIntent;
}

/**
 * The ingress gateway's way into an ambient app, on 15008: through the app's waypoint when it
 * has one (its Services then carry `istio.io/ingress-use-waypoint`), else straight to the app's
 * pods. Empty for an app of a sidecar namespace, which the gateway reaches on its pod ports.
 */
export function gatewayHops(layer: IRenderLayer, entry: GatewayEntryIntent): LinkIntent[] {
  if (!entry.workload.managed || layer.dataPlaneOf(entry.workload.namespace) !== DataPlane.AMBIENT) return [];
  // Named by its labels, so two gateways of one namespace stay two peers.
  const gateway: WorkloadIntent = { name: `gateway ${JSON.stringify(sortedLabels(entry.gateway.podLabels))}`, namespace: entry.gateway.namespace, serviceAccountName: '', podLabels: entry.gateway.podLabels, principal: entry.gateway.principal, managed: false };
  STAND_INS.set(gateway, 'gateway');
  const wp = layer.waypointOf(entry.workload);
  if (!wp) return [{ path: entry.path, from: gateway, to: entry.workload, ports: HBONE }];
  const via = waypointEnd(wp);
  return [{ path: entry.path, from: gateway, to: via, ports: HBONE }, { path: entry.path, from: via, to: entry.workload, ports: HBONE }];
}
