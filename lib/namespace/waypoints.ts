import { IConstruct } from 'constructs';
import { IdentityAwareEntryPoint } from '../access/identity-aware-entry-point';
import { PublicRoute } from '../access/public-route';
import { zeroTrustError } from '../errors';
import { ServiceLink, workloadIntent } from '../link/service-link';
import { DataPlane, WorkloadIntent } from '../model/intent';
import { compareStrings } from '../model/order';
import { RegisteredWorkload, ZeroTrustRegistry } from '../model/registry';
import { WaypointIntent } from '../render/renderer';
import { ownWaypointName } from '../workload/own-waypoint';
import { servicesOf } from '../workload/services';
import type { IZeroTrustWorkload } from '../workload/workload';

/** Name of the namespace waypoint (a Gateway API Gateway of class `istio-waypoint`). */
export const NAMESPACE_WAYPOINT = 'waypoint';

/** The label Istio puts on the pods of the Gateway it deploys (waypoints included). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/**
 * The waypoint of an ambient server that needs L7 enforcement: a link to it carries HTTP rules,
 * people reach it through an entry point (token checks are L7), or a public route to it carries
 * HTTP rules. Any other server needs none, and its traffic goes from ztunnel to ztunnel.
 */
export function waypointOf(registry: ZeroTrustRegistry, server: WorkloadIntent): WaypointIntent | undefined {
  if (!server.managed || !isAmbient(registry, server.namespace)) return undefined;
  const needs = registry.resolved(`waypoint-needed ${server.namespace}/${server.name}`, () => {
    const isServer = (w: { namespace: string; name: string }) => w.namespace === server.namespace && w.name === server.name;
    return registry.links<ServiceLink>().some(l => isServer(l.to) && l.http !== undefined)
      || registry.edges(IdentityAwareEntryPoint).some(e => isServer(e.workload))
      || registry.edges(PublicRoute).some(r => isServer(r.workload) && r.http !== undefined);
  });
  return needs ? intendedWaypoint(server) : undefined;
}

/**
 * The waypoint a server of an ambient namespace uses once it needs one: its own when declared
 * with `ownWaypoint`, the namespace's otherwise. Known from the declaration of the workload on.
 */
export function intendedWaypoint(server: WorkloadIntent): WaypointIntent {
  return waypointNamed(server.ownWaypoint ? ownWaypointName(server.name) : NAMESPACE_WAYPOINT, server.namespace, server.principal);
}

/** True for a namespace of the app whose data plane is ambient. */
export function isAmbient(registry: ZeroTrustRegistry, namespace: string): boolean {
  const ns = registry.namespace(namespace) as { dataPlane?: DataPlane } | undefined;
  return ns?.dataPlane === DataPlane.AMBIENT;
}

/** The namespace waypoint. */
export function namespaceWaypoint(namespace: string, anyPrincipalOfNamespace: string): WaypointIntent {
  return waypointNamed(NAMESPACE_WAYPOINT, namespace, anyPrincipalOfNamespace);
}

/**
 * A waypoint named `name`. Istio deploys a Gateway's proxy as a Deployment, Service and
 * ServiceAccount named after the Gateway, and labels its pods with the Gateway's name.
 */
function waypointNamed(name: string, namespace: string, anyPrincipalOfNamespace: string): WaypointIntent {
  const trustDomain = anyPrincipalOfNamespace.split('/ns/')[0];
  return {
    name,
    namespace,
    podLabels: { [GATEWAY_NAME_LABEL]: name },
    principal: `${trustDomain}/ns/${namespace}/sa/${name}`,
  };
}

/**
 * Istio deploys each waypoint as a Deployment, Service and ServiceAccount named after its
 * Gateway, and the server's ztunnel admits that ServiceAccount's principal. A workload, a
 * ServiceAccount or a Service of the namespace with the same name would collide with them, and
 * a workload running under that ServiceAccount would pass as the waypoint: refused at synth.
 */
export function checkWaypointNames(scope: IConstruct, registry: ZeroTrustRegistry, namespace: string): void {
  const workloads = registry.workloadsIn<RegisteredWorkload & IZeroTrustWorkload>(namespace);
  const used = new Map<string, string>();
  for (const w of workloads) {
    const wp = waypointOf(registry, workloadIntent(w));
    if (wp && !used.has(wp.name)) used.set(wp.name, `${namespace}/${w.name}`);
  }
  for (const [name, user] of [...used.entries()].sort((a, b) => compareStrings(a[0], b[0]))) {
    for (const w of workloads) {
      const what = w.name === name ? 'the workload'
        : w.serviceAccountName === name ? 'the ServiceAccount'
          : servicesOf(w).some(s => s.name === name) ? 'a Service' : undefined;
      if (!what) continue;
      throw zeroTrustError(scope, `the waypoint "${name}" of ${user} has the name of ${what} of ${namespace}/${w.name} (${w.node.path}); Istio names the waypoint's Deployment, Service and ServiceAccount "${name}", so they would collide and that workload could pass as the waypoint`,
        name === NAMESPACE_WAYPOINT ? `rename ${what} of ${namespace}/${w.name}` : `rename ${what} of ${namespace}/${w.name}, or drop ownWaypoint on ${user}`);
    }
  }
}
