import { IConstruct } from 'constructs';
import { LinkPort, LinkPortKind } from './link-port';
import { zeroTrustError } from '../errors';
import { PortIntent, TransportProtocol } from '../model/intent';
import { compareStrings } from '../model/order';
import { assertPortNumber, describeValue } from '../validation';
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
      const sp = server.servicePorts.find(p => p.port === port.port);
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
      return { port: sp.targetPort ?? sp.port, protocol };
    }
    default:
      return port.endPort !== undefined && port.endPort !== port.port
        ? { port: port.port!, endPort: port.endPort, protocol: port.protocol! }
        : { port: port.port!, protocol: port.protocol! };
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
