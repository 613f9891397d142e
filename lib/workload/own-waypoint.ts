/** Checks of the `ownWaypoint` option of a workload (a waypoint of its own in an ambient namespace). */
import { IConstruct } from 'constructs';
import { servicesOf } from './services';
import { zeroTrustError } from '../errors';
import { DataPlane } from '../model/intent';
import { NamespaceIdentity } from '../namespace/lookup';
import { assertOptionalBoolean } from '../validation';

/** Suffix of a workload's own waypoint: `<workload>-waypoint`. */
const SUFFIX = '-waypoint';
/** Istio names the waypoint's Deployment, Service and ServiceAccount after the Gateway: a DNS-1123 label. */
const MAX_NAME = 63;

/** The name of a workload's own waypoint Gateway (Istio names its Deployment, Service and ServiceAccount the same). */
export function ownWaypointName(workload: string): string {
  return `${workload}${SUFFIX}`;
}

/** The option's value, refused where it cannot be honoured: a sidecar namespace, or a name too long for the waypoint's. */
export function checkOwnWaypoint(scope: IConstruct & { name: string }, value: unknown, ns: NamespaceIdentity): boolean {
  assertOptionalBoolean(scope, 'ownWaypoint', value);
  if (value !== true) return false;
  if (ns.dataPlane !== DataPlane.AMBIENT) {
    throw zeroTrustError(scope, `ownWaypoint: true on workload "${scope.name}" of namespace "${ns.name}", whose data plane is ${ns.dataPlane ?? DataPlane.SIDECAR}: waypoints exist in ambient namespaces only, and a sidecar enforces each pod's L7 rules itself`,
      'drop ownWaypoint, or declare the namespace with dataPlane: DataPlane.AMBIENT');
  }
  const name = ownWaypointName(scope.name);
  if (name.length > MAX_NAME) {
    throw zeroTrustError(scope, `ownWaypoint: true on workload "${scope.name}" would name its waypoint "${name}", longer than ${MAX_NAME} characters (Istio names the waypoint's Deployment, Service and ServiceAccount after it)`,
      `give the workload a name of at most ${MAX_NAME - SUFFIX.length} characters, or drop ownWaypoint`);
  }
  return true;
}

/** A waypoint only sees traffic addressed to a Service: a workload with its own waypoint needs one. */
export function checkOwnWaypointService(workload: IConstruct & { name: string; namespace: string }): void {
  if (servicesOf(workload).length > 0) return;
  throw zeroTrustError(workload, `${workload.namespace}/${workload.name} asks for its own waypoint (ownWaypoint: true) but has no Service: a waypoint only sees traffic addressed to a Service`,
    'adopt the workload with its Service (namespace.adopt(deployment, { services: [service], ownWaypoint: true })), or drop ownWaypoint');
}
