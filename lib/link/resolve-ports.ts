import { IConstruct } from 'constructs';
import { LinkPort, LinkPortKind } from './link-port';
import { zeroTrustError } from '../errors';
import { PortIntent, TransportProtocol } from '../model/intent';
import { compareStrings } from '../model/order';
import { assertPortNumber, describeValue } from '../validation';
import { ServicePortMapping } from '../workload/ports';
import { IZeroTrustWorkload } from '../workload/workload';

/** Resolves a link's ports to the server's pod ports, the only ports both layers see. */
export function resolveLinkPorts(scope: IConstruct, server: IZeroTrustWorkload, ports: LinkPort[]): PortIntent[] {
  const resolved = ports.map(p => resolveLinkPort(scope, server, p));
  const unique = new Map(resolved.map(p => [portKey(p), p]));
  return [...unique.values()].sort((a, b) => comparePorts(a, b));
}

/** Checks what can be checked without the server: numbers, ranges, names. */
export function checkLinkPortShape(scope: IConstruct, port: LinkPort): void {
  if (!(port instanceof LinkPort)) {
    throw zeroTrustError(scope, `port (${describeValue(port)}) is not a LinkPort`, 'use LinkPort.tcp(8080), LinkPort.named("http") or LinkPort.service(443)');
  }
  if (port.kind === LinkPortKind.NAMED) {
    if (port.name !== undefined && typeof port.name !== 'string') {
      throw zeroTrustError(scope, `a named port must be named by a string, but it is ${describeValue(port.name)}`, 'use the container port name, e.g. LinkPort.named("http")');
    }
    if (!port.name) throw zeroTrustError(scope, 'a named port has an empty name', 'use the container port name, e.g. LinkPort.named("http")');
    return;
  }
  assertPortNumber(scope, port.kind === LinkPortKind.SERVICE ? 'Service port' : 'port', port.port!);
  if (port.endPort !== undefined) {
    assertPortNumber(scope, 'endPort', port.endPort);
    if (port.endPort < port.port!) {
      throw zeroTrustError(scope, `endPort ${port.endPort} is below its port ${port.port}`, `use an endPort of at least ${port.port}`);
    }
  }
}

function resolveLinkPort(scope: IConstruct, server: IZeroTrustWorkload, port: LinkPort): PortIntent {
  switch (port.kind) {
    case LinkPortKind.NAMED: {
      const match = server.ports.find(p => p.name === port.name);
      if (!match) {
        throw zeroTrustError(scope, `port "${port.name}" is not a container port name of ${server.namespace}/${server.name}`,
          `use one of its port names (${namesOf(server)}) or a port number`);
      }
      return { port: match.number, protocol: match.protocol ?? TransportProtocol.TCP };
    }
    case LinkPortKind.SERVICE: {
      const candidates = server.servicePorts.filter(p => p.port === port.port);
      assertNoDuplicateServicePort(scope, server, candidates);
      const sp = candidates[0];
      if (!sp) {
        const known = server.servicePorts.map(p => p.port).join(', ') || 'none declared';
        throw zeroTrustError(scope, `Service port ${port.port} is not a port of ${server.namespace}/${server.name}'s Service`,
          `use one of its Service ports (${known}), or declare the Service on the workload`);
      }
      const protocol = sp.protocol ?? TransportProtocol.TCP;
      if (sp.targetPortName !== undefined) {
        const target = server.ports.find(p => p.name === sp.targetPortName)!;
        return { port: target.number, protocol };
      }
      const target = sp.targetPort ?? sp.port;
      if (server.ports.length > 0 && !listens(server, target, protocol)) {
        throw zeroTrustError(scope, `Service port ${sp.port} of ${server.namespace}/${server.name} forwards to pod port ${protocol}/${target}, which is not one of its container ports (${containerPortsOf(server)})`,
          'point the Service port at a container port, or declare the container port on the workload');
      }
      return { port: target, protocol };
    }
    default: {
      // A range stands for ports a server opens at run time (RTP, passive FTP) and cannot list
      // as container ports, so only single ports are checked against the known ones.
      const single = port.endPort === undefined || port.endPort === port.port;
      if (single && server.ports.length > 0 && !listens(server, port.port!, port.protocol!)) throw notListening(scope, server, port);
      return port.endPort !== undefined && port.endPort !== port.port
        ? { port: port.port!, endPort: port.endPort, protocol: port.protocol! }
        : { port: port.port!, protocol: port.protocol! };
    }
  }
}

/** True when the server declares a container port with this number and protocol. */
function listens(server: IZeroTrustWorkload, port: number, protocol: TransportProtocol): boolean {
  return server.ports.some(p => p.number === port && (p.protocol ?? TransportProtocol.TCP) === protocol);
}

/**
 * A pod port the server's known container ports do not include: the link would open a port
 * nothing listens on while the call the user meant (often through a Service port) stays denied.
 */
function notListening(scope: IConstruct, server: IZeroTrustWorkload, port: LinkPort): Error {
  const n = port.port!;
  const what = `port ${port.protocol}/${n}`;
  const viaService = server.servicePorts.find(sp => sp.port === n && (sp.protocol ?? TransportProtocol.TCP) === port.protocol);
  const fix = viaService
    ? `use LinkPort.service(${n}), which the Service forwards to pod port ${serviceTarget(server, viaService)}`
    : `use one of its container ports (${containerPortsOf(server)}), or declare the port on the workload`;
  return zeroTrustError(scope, `${what} is not a container port of ${server.namespace}/${server.name}, so the link would open a port its pods do not listen on`, fix);
}

function serviceTarget(server: IZeroTrustWorkload, sp: ServicePortMapping): number {
  if (sp.targetPortName !== undefined) return server.ports.find(p => p.name === sp.targetPortName)?.number ?? sp.port;
  return sp.targetPort ?? sp.port;
}

function containerPortsOf(server: IZeroTrustWorkload): string {
  return [...new Set(server.ports.map(p => `${p.protocol ?? TransportProtocol.TCP}/${p.number}`))].join(', ');
}

/** One Service port and protocol must lead to one pod port; a duplicate would resolve to whichever comes first. */
export function assertNoDuplicateServicePort(scope: IConstruct, server: { namespace: string; name: string }, candidates: ServicePortMapping[]): void {
  const seen = new Set<string>();
  for (const sp of candidates) {
    const key = `${sp.protocol ?? TransportProtocol.TCP}/${sp.port}`;
    if (seen.has(key)) {
      throw zeroTrustError(scope, `Service port ${key} of ${server.namespace}/${server.name} is declared twice, so it is ambiguous which pod port it forwards to`,
        'declare each Service port and protocol once (across every Service passed to the workload)');
    }
    seen.add(key);
  }
}

function namesOf(server: IZeroTrustWorkload): string {
  const names = server.ports.map(p => p.name).filter((n): n is string => !!n).sort(compareStrings);
  return names.length ? names.join(', ') : 'none declared';
}

/** `TCP/8080` or `TCP/8000-8080`: a stable key for merging and sorting. */
export function portKey(p: PortIntent): string {
  return p.endPort === undefined ? `${p.protocol}/${p.port}` : `${p.protocol}/${p.port}-${p.endPort}`;
}

/** Protocol first, then port number, then range end. */
export function comparePorts(a: PortIntent, b: PortIntent): number {
  return compareStrings(a.protocol, b.protocol) || a.port - b.port || (a.endPort ?? a.port) - (b.endPort ?? b.port);
}
