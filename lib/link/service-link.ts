import { Construct } from 'constructs';
import { checkHttpMatch, HttpMatch } from './http-match';
import { LinkPort } from './link-port';
import { checkLinkPortShape, portKey, resolveLinkPorts } from './resolve-ports';
import { validateWith, zeroTrustError } from '../errors';
import { LinkIntent, TransportProtocol, WorkloadIntent } from '../model/intent';
import { compareStrings } from '../model/order';
import { ZeroTrustRegistry } from '../model/registry';
import { assertArray, assertConstructArgs, assertPlainObject } from '../validation';
import { checkLinkEnd, IZeroTrustWorkload } from '../workload/workload';

/** Istio authorization has no port ranges, so a range is listed port by port up to this size. */
export const MAX_TCP_RANGE_SIZE = 100;

/** What a link opens: ports and, optionally, HTTP methods and paths. */
export interface ServiceLinkOptions {
  /** Ports on the server, as pod ports, named ports or Service ports. Must not be empty. */
  readonly ports: LinkPort[];
  /**
   * HTTP methods and paths the client may use (TCP ports only).
   * @default - any request on those ports
   */
  readonly http?: HttpMatch;
}

/** Properties of a ServiceLink. */
export interface ServiceLinkProps extends ServiceLinkOptions {
  /** The client. */
  readonly from: IZeroTrustWorkload;
  /** The server. */
  readonly to: IZeroTrustWorkload;
}

/**
 * One declared dependency, `from` → `to`. It opens exactly one path at every layer:
 * egress on the client, ingress on the server, and an Istio ALLOW rule on the server
 * for the client's principal only, on those ports (and methods and paths).
 */
export class ServiceLink extends Construct {
  /** The client. */
  public readonly from: IZeroTrustWorkload;
  /** The server. */
  public readonly to: IZeroTrustWorkload;
  /** Ports as declared (resolved to pod ports at synth). */
  public readonly ports: LinkPort[];
  /** HTTP constraints, if any. */
  public readonly http?: HttpMatch;

  constructor(scope: Construct, id: string, props: ServiceLinkProps) {
    assertConstructArgs(scope, id, 'ServiceLink');
    super(scope, id);
    assertPlainObject(this, 'ServiceLink props', props, 'pass { from, to, ports }');
    this.from = checkLinkEnd(this, 'from', props.from);
    this.to = checkLinkEnd(this, 'to', props.to);
    if (!this.from.managed && !this.to.managed) {
      throw zeroTrustError(this, `neither ${describe(this.from)} nor ${describe(this.to)} is in a zero-trust namespace of this app, so the link would emit nothing`,
        'declare at least one end with zeroTrustNamespace.addWorkload() or adopt()');
    }
    assertArray(this, 'ports', props.ports, 'list the ports the client calls, e.g. ports: [LinkPort.tcp(8080)]');
    if (props.ports.length === 0) {
      throw zeroTrustError(this, `link ${describe(this.from)} -> ${describe(this.to)} has no ports, which would admit every port`,
        'list the ports the client calls, e.g. ports: [LinkPort.tcp(8080)]');
    }
    props.ports.forEach(p => checkLinkPortShape(this, p));
    this.ports = [...props.ports];
    if (props.http !== undefined) {
      assertPlainObject(this, 'http', props.http, 'pass { methods: ["GET"], paths: ["/orders/*"] }, or omit http');
      checkHttpMatch(this, props.http);
      this.http = { methods: props.http.methods && [...props.http.methods], paths: props.http.paths && [...props.http.paths] };
    }
    ZeroTrustRegistry.of(this).addLink(this);
    // Resolved once per synthesis: the namespaces' renderers read the same result.
    validateWith(this, () => ZeroTrustRegistry.of(this).resolved(this, () => this.toIntent()));
  }

  /** Identity of the declaration: two links with the same key are duplicates. */
  public get declarationKey(): string {
    const ports = this.ports.map(p => p.toString()).sort(compareStrings).join(',');
    const methods = this.http?.methods ? ` methods=${[...this.http.methods].sort(compareStrings).join(',')}` : '';
    const paths = this.http?.paths ? ` paths=${[...this.http.paths].sort(compareStrings).join(',')}` : '';
    return `${describe(this.from)} -> ${describe(this.to)} [${ports}]${methods}${paths}`;
  }

  /** The link with every port resolved to the server's pod ports; throws a ZeroTrustError when it cannot be. */
  public toIntent(): LinkIntent {
    for (const end of [this.from, this.to]) {
      if (!end.managed && ZeroTrustRegistry.of(this).namespace(end.namespace)) {
        throw zeroTrustError(this, `${describe(end)} is referenced by attributes, but namespace "${end.namespace}" is a zero-trust namespace of this app, so its side of the link would never open`,
          `declare the workload with addWorkload() or adopt() on the "${end.namespace}" ZeroTrustNamespace`);
      }
    }
    const ports = resolveLinkPorts(this, this.to, this.ports);
    for (const p of ports) {
      if (this.http && p.protocol !== TransportProtocol.TCP) {
        throw zeroTrustError(this, `HTTP rules are set but port ${portKey(p)} is not TCP`, 'use TCP ports with http, or drop http for UDP ports');
      }
      if (p.protocol === TransportProtocol.TCP && p.endPort !== undefined && p.endPort - p.port + 1 > MAX_TCP_RANGE_SIZE) {
        throw zeroTrustError(this, `TCP port range ${p.port}-${p.endPort} has more than ${MAX_TCP_RANGE_SIZE} ports, which Istio authorization would have to list one by one`,
          `split the range, or use at most ${MAX_TCP_RANGE_SIZE} ports`);
      }
    }
    return {
      path: this.node.path,
      from: workloadIntent(this.from),
      to: workloadIntent(this.to),
      ports,
      http: this.http,
    };
  }
}

/** A workload as renderers see it. */
export function workloadIntent(w: IZeroTrustWorkload): WorkloadIntent {
  return {
    name: w.name,
    namespace: w.namespace,
    serviceAccountName: w.serviceAccountName,
    podLabels: { ...w.podLabels },
    principal: w.principal,
    managed: w.managed,
    ...(w.mode !== undefined ? { mode: w.mode } : {}),
    ...((w as { ownWaypoint?: boolean }).ownWaypoint === true ? { ownWaypoint: true } : {}),
  };
}

function describe(w: IZeroTrustWorkload): string {
  return `${w.namespace}/${w.name}`;
}
