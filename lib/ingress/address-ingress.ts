import { Construct, IConstruct } from 'constructs';
import { compareCidrs, isStrictSubnet, parseCidr } from '../egress/cidr';
import { coveredFamilies, RangeWithExcepts as ParsedRange } from '../egress/coverage';
import { validateWith, zeroTrustError } from '../errors';
import { LinkPort } from '../link/link-port';
import { checkLinkPortShape, resolveLinkPorts } from '../link/resolve-ports';
import { workloadIntent } from '../link/service-link';
import { AddressIngressIntent } from '../model/edge-intent';
import { TransportProtocol } from '../model/intent';
import { compareStrings } from '../model/order';
import { ZeroTrustRegistry } from '../model/registry';
import { assertConstructArgs, assertPlainObject } from '../validation';
import { IZeroTrustWorkload, requireOwnedWorkload } from '../workload/workload';

/** Properties of an AddressIngress. */
export interface AddressIngressProps {
  /** The workload reached. It must belong to a ZeroTrustNamespace of this app. */
  readonly to: IZeroTrustWorkload;
  /**
   * The clients' network, canonical CIDR (`198.51.100.0/24`), as the workload's pods
   * see it: behind a load balancer that rewrites source addresses, that is the load
   * balancer's or the nodes' range, not the clients' (see the README).
   */
  readonly cidr: string;
  /**
   * Sub-ranges of `cidr` that stay closed.
   * @default - none
   */
  readonly except?: string[];
  /** Pod ports opened, as numbers, named ports or Service ports; must not be empty. */
  readonly ports: LinkPort[];
  /**
   * Accept `0.0.0.0/0` or `::/0`, or ranges that add up to every address on a port.
   * The named opt-in exists because the port is then open to the whole internet.
   * @default false
   */
  readonly allowAnyAddressUnsafe?: boolean;
}

/**
 * Clients outside the mesh (a partner's network, a cloud load balancer, a health
 * checker) reach one workload from an address range, on the given ports.
 *
 * It opens: NetworkPolicy ingress from `ipBlock` (with `except`) on those ports; on
 * the workload's sidecar, plaintext on exactly those ports (a PeerAuthentication with
 * port-level PERMISSIVE mTLS, the rest of the workload staying as the namespace says);
 * and, in the workload's ALLOW policy, a rule for the connection's source address
 * (`ipBlocks`, `notIpBlocks`) on those ports. Nothing wider: other addresses, other
 * ports and other pods stay refused.
 *
 * In an ambient namespace the same holds at the pod port (plaintext from outside the mesh is
 * not tunnelled), the ALLOW rule living in the workload's ztunnel policy, which enforces
 * `ipBlocks` and port-level mTLS.
 */
export class AddressIngress extends Construct {
  /** The workload reached. */
  public readonly to: IZeroTrustWorkload;
  /** The clients' range, canonical. */
  public readonly cidr: string;
  /** Sub-ranges that stay closed, canonical and sorted. */
  public readonly except: string[];
  /** True when the declaration opted in to every address by name. */
  public readonly allowAnyAddressUnsafe: boolean;
  private readonly ports: LinkPort[];

  constructor(scope: Construct, id: string, props: AddressIngressProps) {
    assertConstructArgs(scope, id, 'AddressIngress');
    super(scope, id);
    assertPlainObject(this, 'AddressIngress props', props, 'pass { to, cidr, ports }');
    this.allowAnyAddressUnsafe = props.allowAnyAddressUnsafe === true;
    const parsed = checkRange(this, props.cidr, props.except ?? [], this.allowAnyAddressUnsafe);
    PARSED.set(this, parsed);
    this.cidr = parsed.cidr.text;
    this.except = parsed.except.map(e => e.text);
    this.to = requireOwnedWorkload(this, 'to', props.to, 'its ingress could not be opened',
      'declare the workload with zeroTrustNamespace.addWorkload() or adopt()');
    if (!Array.isArray(props.ports) || props.ports.length === 0) {
      throw zeroTrustError(this, `ingress from "${this.cidr}" to ${this.to.namespace}/${this.to.name} has no ports, which would admit every port`,
        'list the pod ports the clients call, e.g. ports: [LinkPort.tcp(8443)]');
    }
    props.ports.forEach(p => checkLinkPortShape(this, p));
    this.ports = [...props.ports];
    ZeroTrustRegistry.of(this).addEdge(this);
    validateWith(this, () => {
      ZeroTrustRegistry.of(this).resolved(this, () => this.toIntent());
      checkNotEveryAddress(this);
    });
  }

  /** @internal Every port is declared UDP: the sidecar does not proxy UDP, so only NetworkPolicy applies. */
  public get _udpOnly(): boolean {
    return this.ports.every(p => p.protocol === TransportProtocol.UDP);
  }

  /** Readable name of the range, used in rule order and messages: `cidr-198-51-100-0-24`. */
  public get name(): string {
    return `cidr-${this.cidr.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  }

  /** Identity of the declaration: the same range, workload and ports twice is a duplicate. */
  public get declarationKey(): string {
    const ports = this.ports.map(p => p.toString()).sort(compareStrings).join(',');
    return `ingress ${this.cidr} except [${this.except.join(',')}] -> ${this.to.namespace}/${this.to.name} [${ports}]`;
  }

  /** The declaration as renderers see it; throws a ZeroTrustError when a port cannot be resolved. */
  public toIntent(): AddressIngressIntent {
    return {
      path: this.node.path,
      name: this.name,
      to: workloadIntent(this.to),
      address: { cidr: this.cidr, except: [...this.except] },
      ports: resolveLinkPorts(this, this.to, this.ports),
    };
  }
}

/** Each declaration's range, parsed (BigInt networks stay out of the public API). */
const PARSED = new WeakMap<AddressIngress, ParsedRange>();

/** Canonical range with checked `except` entries (each strictly inside the range, sorted, unique). */
function checkRange(scope: IConstruct, cidr: string, except: string[], allowAnyAddress: boolean): ParsedRange {
  const outer = parseCidr(scope, 'CIDR', cidr, { allowAnyAddress, optInName: 'allowAnyAddressUnsafe' });
  if (!Array.isArray(except)) throw zeroTrustError(scope, 'except is not a list', 'list CIDRs, e.g. except: ["198.51.100.128/25"]');
  const inner = except.map(e => parseCidr(scope, 'except entry', e, { allowAnyAddress: false, optInName: 'allowAnyAddressUnsafe' }));
  for (const e of inner) {
    if (!isStrictSubnet(e, outer)) {
      throw zeroTrustError(scope, `except entry "${e.text}" is not inside "${outer.text}"`,
        `list only sub-ranges of "${outer.text}" in "except" (NetworkPolicy rejects others)`);
    }
  }
  return { cidr: outer, except: [...new Map(inner.sort(compareCidrs).map(e => [e.text, e])).values()] };
}

/**
 * Several ranges can add up to every address (`0.0.0.0/1` and `128.0.0.0/1`) though
 * none is `0.0.0.0/0`. On every port this declaration opens, the ranges of the
 * workload's declarations that did not opt in must leave some address out. The last
 * declaration (in declaration order) sharing the port reports it, so it is reported once.
 */
function checkNotEveryAddress(self: AddressIngress): void {
  if (self.allowAnyAddressUnsafe) return;
  const peers = ZeroTrustRegistry.of(self).edges(AddressIngress)
    .filter(e => !e.allowAnyAddressUnsafe && e.to.namespace === self.to.namespace && e.to.name === self.to.name)
    .map(e => ({ decl: e, ports: e.toIntent().ports }));
  const mine = peers.find(p => p.decl === self)!.ports;
  for (const p of mine) {
    // Which declarations share a port only changes where one of their ranges starts or ends.
    const points = new Set([p.port, ...peers.flatMap(x => x.ports.filter(q => q.protocol === p.protocol)
      .flatMap(q => [q.port, (q.endPort ?? q.port) + 1]))]);
    for (const port of [...points].filter(n => n >= p.port && n <= (p.endPort ?? p.port))) {
      const sharing = peers.filter(x => x.ports.some(q => q.protocol === p.protocol && port >= q.port && port <= (q.endPort ?? q.port)));
      if (sharing[sharing.length - 1].decl !== self) continue;
      if (coveredFamilies(sharing.map(x => PARSED.get(x.decl)!)).length > 0) {
        const listed = sharing.map(x => `"${x.decl.cidr}" (${x.decl.node.path})`).join(', ');
        throw zeroTrustError(self, `the ranges admitted to ${self.to.namespace}/${self.to.name} on port ${port}/${p.protocol} add up to every address: ${listed}`,
          'narrow the ranges to the clients you expect, or set allowAnyAddressUnsafe: true on them if the port is really open to the whole internet');
      }
    }
  }
}
