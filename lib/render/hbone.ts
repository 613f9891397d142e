/**
 * How a declaration travels on the wire once either end is in ambient: what NetworkPolicy
 * must open. Ambient tunnels TCP pod to pod over HBONE (TCP 15008), so NetworkPolicy sees
 * 15008 and the port-level restriction moves into the ztunnel policy. A server with a
 * waypoint is reached through it: client to waypoint, then waypoint to server.
 */
import { IRenderLayer, WaypointIntent } from './renderer';
import { EntryPointIntent } from '../model/edge-intent';
import { DataPlane, LinkIntent, PortIntent, TransportProtocol, WorkloadIntent } from '../model/intent';
import { sortedLabels } from '../model/order';

/** The HBONE tunnel port of ztunnel, waypoints and HBONE-capable sidecars. */
export const HBONE_PORT = 15008;
/** Namespace label that enrols its pods in the ambient mesh. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/** Label on a Service (or namespace) naming the waypoint its traffic goes through. */
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
/** Label on a waypoint Gateway saying which traffic it handles. */
export const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';
/** The link-local address ambient rewrites kubelet health probes to (SNAT), so policy can admit probes alone. */
export const KUBELET_PROBE_SNAT_CIDR = '169.254.7.127/32';

const HBONE: PortIntent[] = [{ port: HBONE_PORT, protocol: TransportProtocol.TCP }];

/** Waypoints and gateways stand in as hop ends; they are told apart from workloads by identity. */
const STAND_INS = new WeakSet<WorkloadIntent>();

/** True for a hop end that is a waypoint or a gateway, not a workload of the app. */
export function isStandIn(w: WorkloadIntent): boolean {
  return STAND_INS.has(w);
}

/** A waypoint as a hop end (its pods are selected like a workload's). */
export function waypointEnd(wp: WaypointIntent): WorkloadIntent {
  const end: WorkloadIntent = {
    name: wp.name, namespace: wp.namespace, serviceAccountName: wp.name, podLabels: wp.podLabels, principal: wp.principal, managed: true,
  };
  STAND_INS.add(end);
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

/** An entry point into an ambient app: gateway to the waypoint, waypoint to the app, both on 15008. */
export function entryHops(layer: IRenderLayer, ep: EntryPointIntent): LinkIntent[] {
  const wp = layer.waypointOf(ep.workload);
  if (!wp) return [];
  // Named by its labels, so two gateways of one namespace stay two peers.
  const gateway: WorkloadIntent = { name: `gateway ${JSON.stringify(sortedLabels(ep.gateway.podLabels))}`, namespace: ep.gateway.namespace, serviceAccountName: '', podLabels: ep.gateway.podLabels, principal: ep.gateway.principal, managed: false };
  STAND_INS.add(gateway);
  const via = waypointEnd(wp);
  return [{ path: ep.path, from: gateway, to: via, ports: HBONE }, { path: ep.path, from: via, to: ep.workload, ports: HBONE }];
}
