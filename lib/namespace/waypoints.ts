import { IdentityAwareEntryPoint } from '../access/identity-aware-entry-point';
import { ServiceLink } from '../link/service-link';
import { DataPlane, WorkloadIntent } from '../model/intent';
import { ZeroTrustRegistry } from '../model/registry';
import { WaypointIntent } from '../render/renderer';

/** Name of the namespace waypoint (a Gateway API Gateway of class `istio-waypoint`). */
export const NAMESPACE_WAYPOINT = 'waypoint';

/** The label Istio puts on the pods of the Gateway it deploys (waypoints included). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/**
 * The waypoint of an ambient server that needs L7 enforcement: a link to it carries HTTP rules,
 * or people reach it through an entry point (token checks are L7). Any other server needs none,
 * and its traffic goes from ztunnel to ztunnel.
 */
export function waypointOf(registry: ZeroTrustRegistry, server: WorkloadIntent): WaypointIntent | undefined {
  if (!server.managed) return undefined;
  const ns = registry.namespace(server.namespace) as { dataPlane?: DataPlane } | undefined;
  if (ns?.dataPlane !== DataPlane.AMBIENT) return undefined;
  const needs = registry.resolved(`waypoint-needed ${server.namespace}/${server.name}`, () => {
    const isServer = (w: { namespace: string; name: string }) => w.namespace === server.namespace && w.name === server.name;
    return registry.links<ServiceLink>().some(l => isServer(l.to) && l.http !== undefined)
      || registry.edges(IdentityAwareEntryPoint).some(e => isServer(e.workload));
  });
  return needs ? namespaceWaypoint(server.namespace, server.principal) : undefined;
}

/** The namespace waypoint; Istio names its ServiceAccount after the Gateway. */
export function namespaceWaypoint(namespace: string, anyPrincipalOfNamespace: string): WaypointIntent {
  const trustDomain = anyPrincipalOfNamespace.split('/ns/')[0];
  return {
    name: NAMESPACE_WAYPOINT,
    namespace,
    podLabels: { [GATEWAY_NAME_LABEL]: NAMESPACE_WAYPOINT },
    principal: `${trustDomain}/ns/${namespace}/sa/${NAMESPACE_WAYPOINT}`,
  };
}
