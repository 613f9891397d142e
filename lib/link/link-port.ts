import { TransportProtocol } from '../model/intent';

/** How a link names a port; see the static factories. */
export enum LinkPortKind {
  /** A pod port number (or range). */
  NUMBER = 'number',
  /** A container port name of the server. */
  NAMED = 'named',
  /** A port of the server's Service, resolved to the pod port it targets. */
  SERVICE = 'service',
}

/**
 * A port a link opens on the server.
 *
 * Whatever the form, the library resolves it to the server's pod port, because
 * NetworkPolicy and Istio authorization both see pod ports, never Service ports.
 */
export class LinkPort {
  /** A TCP pod port. */
  public static tcp(port: number): LinkPort {
    return new LinkPort(LinkPortKind.NUMBER, TransportProtocol.TCP, port);
  }

  /** A UDP pod port (enforced by NetworkPolicy only: sidecars do not proxy UDP). */
  public static udp(port: number): LinkPort {
    return new LinkPort(LinkPortKind.NUMBER, TransportProtocol.UDP, port);
  }

  /** A range of TCP pod ports, both ends included. */
  public static tcpRange(startPort: number, endPort: number): LinkPort {
    return new LinkPort(LinkPortKind.NUMBER, TransportProtocol.TCP, startPort, endPort);
  }

  /** A range of UDP pod ports, both ends included. */
  public static udpRange(startPort: number, endPort: number): LinkPort {
    return new LinkPort(LinkPortKind.NUMBER, TransportProtocol.UDP, startPort, endPort);
  }

  /** A container port of the server, by name; its protocol is the container port's. */
  public static named(name: string): LinkPort {
    return new LinkPort(LinkPortKind.NAMED, undefined, undefined, undefined, name);
  }

  /** A port of the server's Service (e.g. 443), resolved to the pod port it targets (e.g. 8443). */
  public static service(port: number): LinkPort {
    return new LinkPort(LinkPortKind.SERVICE, undefined, port);
  }

  /** How the port is named. */
  public readonly kind: LinkPortKind;
  /** Protocol, when the form fixes it (NAMED and SERVICE take the target's). */
  public readonly protocol?: TransportProtocol;
  /** Pod port number, or the Service port for SERVICE. */
  public readonly port?: number;
  /** Last port of a range, inclusive. */
  public readonly endPort?: number;
  /** Container port name, for NAMED. */
  public readonly name?: string;

  private constructor(kind: LinkPortKind, protocol?: TransportProtocol, port?: number, endPort?: number, name?: string) {
    this.kind = kind;
    this.protocol = protocol;
    this.port = port;
    this.endPort = endPort;
    this.name = name;
  }

  /** A readable form for messages and duplicate detection: `tcp/8080`, `named/http`, `service/443`. */
  public toString(): string {
    switch (this.kind) {
      case LinkPortKind.NAMED: return `named/${this.name}`;
      case LinkPortKind.SERVICE: return `service/${this.port}`;
      default: {
        const proto = (this.protocol ?? TransportProtocol.TCP).toLowerCase();
        return this.endPort === undefined ? `${proto}/${this.port}` : `${proto}/${this.port}-${this.endPort}`;
      }
    }
  }
}
