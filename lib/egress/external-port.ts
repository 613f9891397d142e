import { IConstruct } from 'constructs';
import { zeroTrustError } from '../errors';
import { ExternalPortIntent, ExternalProtocol } from '../model/edge-intent';
import { TransportProtocol } from '../model/intent';
import { assertPortNumber, describeValue } from '../validation';

/**
 * A port on an outside host or address range.
 *
 * The protocol tells the mesh how to route it: HTTPS and TLS by SNI (so a hostname can
 * be enforced even when many hosts share one address), HTTP by Host header, TCP by
 * address only. UDP is enforced at L4 only.
 */
export class ExternalPort {
  /** TLS from the app to the host (the usual case for APIs). */
  public static https(port: number = 443): ExternalPort {
    return new ExternalPort(port, ExternalProtocol.HTTPS);
  }

  /** Any TLS protocol (databases, brokers) routed by SNI. */
  public static tls(port: number): ExternalPort {
    return new ExternalPort(port, ExternalProtocol.TLS);
  }

  /** Plain HTTP (the token and payload travel in clear text: prefer HTTPS). */
  public static http(port: number = 80): ExternalPort {
    return new ExternalPort(port, ExternalProtocol.HTTP);
  }

  /** Opaque TCP. */
  public static tcp(port: number): ExternalPort {
    return new ExternalPort(port, ExternalProtocol.TCP);
  }

  /** UDP (address ranges only: the sidecar does not proxy UDP, so hostnames cannot be enforced). */
  public static udp(port: number): ExternalPort {
    return new ExternalPort(port, ExternalProtocol.UDP);
  }

  /** Port number. */
  public readonly port: number;
  /** How the mesh routes it. */
  public readonly protocol: ExternalProtocol;

  private constructor(port: number, protocol: ExternalProtocol) {
    this.port = port;
    this.protocol = protocol;
  }

  /** `https/443`, for messages and duplicate detection. */
  public toString(): string {
    return `${this.protocol.toLowerCase()}/${this.port}`;
  }
}

/** Checks ports and turns them into sorted intent; refuses an empty list (it would admit every port). */
export function externalPortIntents(scope: IConstruct, target: string, ports: ExternalPort[]): ExternalPortIntent[] {
  if (!Array.isArray(ports) || ports.length === 0) {
    throw zeroTrustError(scope, `egress to ${target} has no ports, which would admit every port`,
      'list the ports the workload calls, e.g. ports: [ExternalPort.https(443)]');
  }
  const byKey = new Map<string, ExternalPortIntent>();
  for (const p of ports) {
    if (!(p instanceof ExternalPort)) {
      throw zeroTrustError(scope, `egress to ${target} has a port that is not an ExternalPort (${describeValue(p)})`,
        'build ports with ExternalPort.https(443), ExternalPort.tcp(5432) and so on');
    }
    assertPortNumber(scope, `egress port of ${target}`, p.port);
    const clash = [...byKey.values()].find(q => q.port === p.port && q.protocol !== p.protocol
      && (q.transport === TransportProtocol.TCP) === (p.protocol !== ExternalProtocol.UDP));
    if (clash) {
      throw zeroTrustError(scope, `egress to ${target} declares port ${p.port} twice, as ${clash.protocol} and ${p.protocol}`,
        'declare each port once, with the protocol the app speaks on it');
    }
    byKey.set(p.toString(), {
      port: p.port,
      protocol: p.protocol,
      transport: p.protocol === ExternalProtocol.UDP ? TransportProtocol.UDP : TransportProtocol.TCP,
    });
  }
  return [...byKey.values()].sort((a, b) => a.port - b.port || (a.transport < b.transport ? -1 : a.transport > b.transport ? 1 : 0));
}
