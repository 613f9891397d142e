/**
 * What the server's ztunnel admits in an ambient namespace: L4 only (principals, source
 * addresses, ports), never an L7 field, since ztunnel sees a byte stream.
 */
import { addressIngressRules, publicRouteRules } from './istio-edges';
import { allowRules } from './istio-rules';
import { IRenderLayer, NamespaceRenderContext } from './renderer';
import { AuthorizationPolicySpecRules } from '../imports/istio-security.istio.io';
import { LinkIntent, PortIntent, TransportProtocol, WorkloadIntent } from '../model/intent';

/** TCP links into one server (UDP is not proxied by ztunnel or the waypoint). */
export function tcpLinksTo(ctx: NamespaceRenderContext, server: WorkloadIntent): LinkIntent[] {
  return ctx.inbound.filter(l => l.to.name === server.name && l.ports.some(p => p.protocol === TransportProtocol.TCP));
}

/**
 * ztunnel's rules for one server. Without a waypoint: each client of a link on its ports, the
 * ingress gateway of each public route on its ports, and each outside address range. With a
 * waypoint: the clients of links without HTTP rules (a call to the pod skips the waypoint),
 * the address ranges (plaintext from outside the mesh arrives at the pod, not through the
 * waypoint), and the waypoint's principal on the ports of every call it forwards: Service
 * traffic of any link, entry points and public routes (the gateway goes through the waypoint).
 */
export function ztunnelRules(layer: IRenderLayer, ctx: NamespaceRenderContext, server: WorkloadIntent): AuthorizationPolicySpecRules[] {
  const links = tcpLinksTo(ctx, server);
  const routes = ctx.publicRoutes.filter(r => r.workload.name === server.name);
  const ranges = addressIngressRules(ctx.addressIngress.filter(a => a.to.name === server.name));
  const wp = layer.waypointOf(server);
  if (!wp) return [...allowRules(links), ...publicRouteRules(routes), ...ranges];
  const direct = allowRules(links.filter(l => !l.http));
  const ports = new Set<number>();
  const add = (p: PortIntent) => {
    if (p.protocol !== TransportProtocol.TCP) return;
    for (let n = p.port; n <= (p.endPort ?? p.port); n++) ports.add(n);
  };
  links.forEach(l => l.ports.forEach(add));
  ctx.entryPoints.filter(e => e.workload.name === server.name).forEach(e => e.ports.forEach(add));
  routes.forEach(r => r.ports.forEach(add));
  if (ports.size === 0) return [...direct, ...ranges];
  const viaWaypoint: AuthorizationPolicySpecRules = {
    from: [{ source: { principals: [wp.principal] } }],
    to: [{ operation: { ports: [...ports].sort((a, b) => a - b).map(String) } }],
  };
  return [...direct, viaWaypoint, ...ranges];
}
