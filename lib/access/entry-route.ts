import { IConstruct } from 'constructs';
import { assertExternalHostname } from '../egress/hostname';
import { zeroTrustError } from '../errors';
import { LinkPort } from '../link/link-port';
import { checkLinkPortShape, resolveLinkPorts } from '../link/resolve-ports';
import { EntryRouteIntent } from '../model/edge-intent';
import { PortIntent, TransportProtocol } from '../model/intent';
import { ZeroTrustRegistry } from '../model/registry';
import { assertDns1123Label, assertPortNumber } from '../validation';
import { IZeroTrustWorkload } from '../workload/workload';

/** Publishes the app on the ingress gateway: an Istio Gateway (HTTPS) and a VirtualService. */
export interface EntryRouteOptions {
  /** Hostnames people use, e.g. `admin.example.com` (bare names, no scheme or path). */
  readonly hosts: string[];
  /** Name of the TLS Secret, which must live in the gateway's namespace. */
  readonly tlsCredentialName: string;
  /** Service port the gateway forwards to (the app's Service). */
  readonly servicePort: number;
  /**
   * Name of the app's Service, in the app's namespace.
   * @default - the workload name
   */
  readonly serviceName?: string;
}

/** Checks the route options and resolves their defaults. */
export function routeIntent(scope: IConstruct, route: EntryRouteOptions, workloadName: string): EntryRouteIntent {
  if (!Array.isArray(route.hosts) || route.hosts.length === 0) {
    throw zeroTrustError(scope, 'route.hosts is empty', 'list the hostnames people use, e.g. ["admin.example.com"]');
  }
  route.hosts.forEach(h => assertExternalHostname(scope, h));
  if (typeof route.tlsCredentialName !== 'string') {
    throw zeroTrustError(scope, 'route.tlsCredentialName is missing', 'name the TLS Secret in the gateway namespace');
  }
  assertDns1123Label(scope, 'route.tlsCredentialName', route.tlsCredentialName);
  assertPortNumber(scope, 'route.servicePort', route.servicePort);
  const serviceName = route.serviceName ?? workloadName;
  assertDns1123Label(scope, 'route.serviceName', serviceName);
  return { hosts: [...new Set(route.hosts)].sort(), tlsCredentialName: route.tlsCredentialName, serviceName, servicePort: route.servicePort };
}

/**
 * When the app's Service ports are known, the routed Service port must exist and lead to
 * a pod port the declaration opens; otherwise the gateway would route into a closed port.
 */
export function checkRoutedPort(scope: IConstruct, workload: IZeroTrustWorkload, servicePort: number, ports: PortIntent[]): void {
  if (workload.servicePorts.length === 0) return;
  const [target] = resolveLinkPorts(scope, workload, [LinkPort.service(servicePort)]);
  if (!ports.some(p => p.protocol === target.protocol && target.port >= p.port && target.port <= (p.endPort ?? p.port))) {
    throw zeroTrustError(scope, `route.servicePort ${servicePort} leads to pod port ${target.port}, which this entry point does not open (${ports.map(p => p.port).join(', ')})`,
      `add pod port ${target.port} to "ports", or route to the Service port of an opened pod port`);
  }
}

/** Routed declarations per app, by `namespace/name`: their Gateway and VirtualService names must not collide. */
const ROUTE_NAMES = new WeakMap<ZeroTrustRegistry, Map<string, IConstruct>>();

/**
 * Reserves the object names of a routed declaration (`<name>-gateway`, `<name>`) in a
 * namespace, for identity-aware entry points and public routes alike.
 */
export function claimRouteName(scope: IConstruct, namespace: string, name: string): void {
  const registry = ZeroTrustRegistry.of(scope);
  const names = ROUTE_NAMES.get(registry) ?? new Map<string, IConstruct>();
  ROUTE_NAMES.set(registry, names);
  const key = `${namespace}/${name}`;
  const existing = names.get(key);
  if (existing) {
    throw zeroTrustError(scope, `entry point name "${name}" already names the Gateway and VirtualService of ${existing.node.path}`,
      'give one of the routed entry points its own "name"');
  }
  names.set(key, scope);
}

/** The gateway must be told which pod ports it may call: none listed would mean every port. */
export function checkGatewayPorts(scope: IConstruct, what: string, workload: IZeroTrustWorkload, ports: LinkPort[]): LinkPort[] {
  if (!Array.isArray(ports) || ports.length === 0) {
    throw zeroTrustError(scope, `${what} to ${workload.namespace}/${workload.name} has no ports, which would admit every port`,
      'list the pod ports the gateway calls, e.g. ports: [LinkPort.named("http")]');
  }
  ports.forEach(p => checkLinkPortShape(scope, p));
  return [...ports];
}

/** Resolves the pod ports the gateway calls; they must be TCP (the gateway speaks HTTP) and hold the routed port. */
export function resolveGatewayPorts(scope: IConstruct, workload: IZeroTrustWorkload, ports: LinkPort[], route?: EntryRouteIntent): PortIntent[] {
  const resolved = resolveLinkPorts(scope, workload, ports);
  const udp = resolved.find(p => p.protocol !== TransportProtocol.TCP);
  if (udp) {
    throw zeroTrustError(scope, `port ${udp.port}/${udp.protocol} is not TCP, and the gateway speaks HTTP`, 'use the TCP port the app serves HTTP on');
  }
  if (route) checkRoutedPort(scope, workload, route.servicePort, resolved);
  return resolved;
}
