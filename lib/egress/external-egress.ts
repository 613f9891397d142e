import { Construct, IConstruct } from 'constructs';
import { compareCidrs, isStrictSubnet, parseCidr, ParsedCidr } from './cidr';
import { coveredFamilies, RangeWithExcepts } from './coverage';
import { ExternalPort, externalPortIntents } from './external-port';
import { assertExternalHostname } from './hostname';
import { zeroTrustError } from '../errors';
import { workloadIntent } from '../link/service-link';
import { AddressRangeIntent, ExternalEgressIntent, ExternalPortIntent, ExternalProtocol, ExternalTargetKind } from '../model/edge-intent';
import { DataPlane } from '../model/intent';
import { ZeroTrustRegistry } from '../model/registry';
import { assertArray, assertConstructArgs, assertOptionalArray, assertOptionalBoolean, assertPlainObject, assertString } from '../validation';
import { IZeroTrustWorkload, requireOwnedWorkload } from '../workload/workload';

/** Options shared by every egress declaration. */
export interface ExternalEgressBaseProps {
  /** The workload that calls out. It must belong to a ZeroTrustNamespace of this app. */
  readonly from: IZeroTrustWorkload;
  /** Ports on the outside; must not be empty. */
  readonly ports: ExternalPort[];
  /**
   * Accept `0.0.0.0/0` or `::/0` among the address ranges. The named opt-in exists
   * because such a range opens the port to the whole internet at L4.
   * @default false
   */
  readonly allowAnyAddressUnsafe?: boolean;
}

/** Properties of an AddressEgress. */
export interface AddressEgressProps extends ExternalEgressBaseProps {
  /** Outside network, canonical CIDR (`203.0.113.0/24`). */
  readonly cidr: string;
  /**
   * Sub-ranges of `cidr` that stay closed.
   * @default - none
   */
  readonly except?: string[];
}

/** Properties of a HostEgress. */
export interface HostEgressProps extends ExternalEgressBaseProps {
  /** Bare DNS name of the outside host (`api.stripe.com`): no scheme, path, port or wildcard. */
  readonly host: string;
  /**
   * The address ranges the host lives in, opened at L4 (NetworkPolicy cannot match
   * hostnames). Use the provider's published ranges. With `allowAnyAddressUnsafe`,
   * `0.0.0.0/0` is accepted and the sidecar's registry-only mode is then the only gate
   * on which host is reached.
   */
  readonly addresses: string[];
}

/** The common part: validation, registration, intent. */
abstract class ExternalEgressBase extends Construct {
  /** The workload that calls out. */
  public readonly from: IZeroTrustWorkload;
  protected readonly portIntents: ReturnType<typeof externalPortIntents>;

  protected constructor(scope: Construct, id: string, props: ExternalEgressBaseProps, target: string,
    checkTarget: (self: IConstruct) => void) {
    assertConstructArgs(scope, id, 'egress');
    super(scope, id);
    assertPlainObject(this, 'egress props', props, 'pass { from, ports, ... } (see AddressEgressProps / HostEgressProps)');
    assertArray(this, 'ports', props.ports, 'list the ports the workload calls, e.g. ports: [ExternalPort.https(443)]');
    assertOptionalBoolean(this, 'allowAnyAddressUnsafe', props.allowAnyAddressUnsafe);
    checkTarget(this);
    this.from = checkClient(this, props.from);
    this.portIntents = externalPortIntents(this, target, props.ports);
  }

  /** Identity of the declaration: the same workload, target and ports twice is a duplicate. */
  public abstract get declarationKey(): string;

  /** The declaration as renderers see it. */
  public abstract toIntent(): ExternalEgressIntent;
}

/**
 * Lets one workload reach an outside address range on the given ports: a NetworkPolicy
 * egress rule with `ipBlock` (and `except`), plus a ServiceEntry so the sidecar knows
 * the range when the namespace runs in registry-only mode.
 */
export class AddressEgress extends ExternalEgressBase {
  /** The outside range, canonical. */
  public readonly cidr: string;
  /** Sub-ranges that stay closed, canonical and sorted. */
  public readonly except: string[];

  constructor(scope: Construct, id: string, props: AddressEgressProps) {
    super(scope, id, props, `"${(props as AddressEgressProps | undefined)?.cidr}"`, self => {
      assertString(self, 'cidr', props.cidr, 'pass the network as a string, e.g. cidr: "203.0.113.0/24"');
      assertOptionalArray(self, 'except', props.except, 'list the excluded sub-ranges, e.g. except: ["203.0.113.128/25"]');
    });
    const range = checkRange(this, props.cidr, props.except ?? [], props.allowAnyAddressUnsafe === true);
    this.cidr = range.cidr;
    this.except = range.except;
    if (props.allowAnyAddressUnsafe !== true) GUARDED.set(this, [{ cidr: range.parsed, except: range.parsedExcept }]);
    checkUnionCoverage(this);
    ZeroTrustRegistry.of(this).addEdge(this);
  }

  /** Readable name of the target, used in object names: `cidr-203-0-113-0-24`. */
  public get name(): string {
    return `cidr-${dashed(this.cidr)}`;
  }

  /** Identity of the declaration: the same workload, range and ports twice is a duplicate. */
  public get declarationKey(): string {
    return `egress ${this.from.namespace}/${this.from.name} -> ${this.cidr} except [${this.except.join(',')}] [${this.portIntents.map(p => `${p.protocol}/${p.port}`).join(',')}]`;
  }

  /** The declaration as renderers see it. */
  public toIntent(): ExternalEgressIntent {
    return {
      path: this.node.path,
      name: this.name,
      from: workloadIntent(this.from),
      kind: ExternalTargetKind.ADDRESS,
      addresses: [{ cidr: this.cidr, except: [...this.except] }],
      ports: this.portIntents,
    };
  }
}

/**
 * In an ambient namespace no sidecar checks the host name (that takes an egress waypoint, which
 * the library does not emit): only the address ranges would hold, so any host in them would be
 * reachable. That is wider than the declaration, so it is refused.
 */
function refuseInAmbient(egress: HostEgress, host: string): void {
  const ns = ZeroTrustRegistry.of(egress).namespace(egress.from.namespace) as { dataPlane?: DataPlane } | undefined;
  if (ns?.dataPlane !== DataPlane.AMBIENT) return;
  throw zeroTrustError(egress, `HostEgress to "${host}" from ${egress.from.namespace}/${egress.from.name}, whose namespace is ambient: nothing there checks the host name (that needs an egress waypoint, which this library does not emit), so every host in the address ranges would be reachable`,
    'declare AddressEgress with those ranges if any host in them may be called, or keep the workload in a sidecar namespace (dataPlane: DataPlane.SIDECAR)');
}

/**
 * Lets one workload reach an outside host by name: a ServiceEntry (MESH_EXTERNAL,
 * DNS resolution) registers the host, the namespace's Sidecar switches to
 * REGISTRY_ONLY so undeclared hosts fail, and a NetworkPolicy egress rule opens the
 * host's address ranges at L4 for this workload only.
 */
export class HostEgress extends ExternalEgressBase {
  /** The outside host, without a trailing dot. */
  public readonly host: string;
  /** The ranges opened at L4, canonical and sorted. */
  public readonly addresses: string[];

  constructor(scope: Construct, id: string, props: HostEgressProps) {
    super(scope, id, props, `"${(props as HostEgressProps | undefined)?.host}"`, self => {
      assertExternalHostname(self, props.host);
      assertArray(self, 'addresses', props.addresses, `list the CIDRs "${props.host}" resolves into, e.g. addresses: ["203.0.113.0/24"]`);
    });
    this.host = props.host.replace(/\.$/, '');
    const udp = this.portIntents.find(p => p.protocol === ExternalProtocol.UDP);
    if (udp) {
      throw zeroTrustError(this, `host "${this.host}" has UDP port ${udp.port}, but the sidecar does not proxy UDP, so the hostname could not be enforced`,
        'use AddressEgress with the host\'s CIDR for UDP');
    }
    refuseInAmbient(this, this.host);
    if (!Array.isArray(props.addresses) || props.addresses.length === 0) {
      throw zeroTrustError(this, `host "${this.host}" has no addresses, and NetworkPolicy cannot match hostnames, so the default-deny egress would drop its traffic`,
        `list the CIDRs "${this.host}" resolves into (the provider's published ranges) in "addresses"`);
    }
    const opt = { allowAnyAddress: props.allowAnyAddressUnsafe === true, optInName: 'allowAnyAddressUnsafe' };
    const ranges = props.addresses.map(a => parseCidr(this, 'address', a, opt)).sort(compareCidrs);
    this.addresses = [...new Set(ranges.map(r => r.text))];
    if (props.allowAnyAddressUnsafe !== true) GUARDED.set(this, ranges.map(cidr => ({ cidr, except: [] })));
    checkUnionCoverage(this);
    ZeroTrustRegistry.of(this).addEdge(this);
    checkSharedRegistration(this, this.portIntents);
  }

  /** Readable name of the target, used in object names: `api-stripe-com`. */
  public get name(): string {
    return dashed(this.host);
  }

  /** Identity of the declaration: the same workload, host and ports twice is a duplicate. */
  public get declarationKey(): string {
    return `egress ${this.from.namespace}/${this.from.name} -> ${this.host} [${this.portIntents.map(p => `${p.protocol}/${p.port}`).join(',')}]`;
  }

  /** The declaration as renderers see it. */
  public toIntent(): ExternalEgressIntent {
    return {
      path: this.node.path,
      name: this.name,
      from: workloadIntent(this.from),
      kind: ExternalTargetKind.HOST,
      host: this.host,
      addresses: this.addresses.map(cidr => ({ cidr, except: [] })),
      ports: this.portIntents,
    };
  }
}

/** Lower-case letters and digits joined by "-": `api.stripe.com` → `api-stripe-com`, `2001:db8::/32` → `2001-db8-32`. */
function dashed(text: string): string {
  return text.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Host declarations per app and `namespace/host`, so the shared-registration check stays linear. */
const HOSTS = new WeakMap<ZeroTrustRegistry, Map<string, HostEgress[]>>();

/**
 * Every workload of a namespace that calls one host shares its ServiceEntry, so a port
 * must mean the same protocol to all of them.
 */
function checkSharedRegistration(egress: HostEgress, ports: ExternalPortIntent[]): void {
  const registry = ZeroTrustRegistry.of(egress);
  const byHost = HOSTS.get(registry) ?? new Map<string, HostEgress[]>();
  HOSTS.set(registry, byHost);
  const key = `${egress.from.namespace}/${egress.host}`;
  for (const other of byHost.get(key) ?? []) {
    for (const p of ports) {
      const clash = other.toIntent().ports.find(q => q.port === p.port && q.protocol !== p.protocol);
      if (clash) {
        throw zeroTrustError(egress, `port ${p.port} of "${egress.host}" is ${p.protocol} here but ${clash.protocol} at ${other.node.path}`,
          'use the same protocol for a port of one host throughout the namespace');
      }
    }
  }
  byHost.set(key, [...(byHost.get(key) ?? []), egress]);
}

function checkClient(scope: IConstruct, from: IZeroTrustWorkload): IZeroTrustWorkload {
  return requireOwnedWorkload(scope, 'from', from, 'its egress could not be opened',
    'declare the workload with zeroTrustNamespace.addWorkload() or adopt()');
}

/** The ranges each declaration opens at L4, for the union check; none when it opted in by name. */
const GUARDED = new WeakMap<ExternalEgressBase, RangeWithExcepts[]>();

function guardedRangesOf(egress: ExternalEgressBase): RangeWithExcepts[] {
  return GUARDED.get(egress) ?? [];
}

/**
 * Refuses declarations whose ranges, together with the workload's other declarations on
 * the same port, open a whole address family without `allowAnyAddressUnsafe`: splitting
 * `0.0.0.0/0` into halves, or spelling it `::ffff:0:0/96`, must not bypass the opt-in.
 * Declarations that opted in are left out of the union; they asked for it by name.
 */
function checkUnionCoverage(egress: ExternalEgressBase): void {
  const byWorkload = BY_WORKLOAD.get(ZeroTrustRegistry.of(egress)) ?? new Map<string, ExternalEgressBase[]>();
  BY_WORKLOAD.set(ZeroTrustRegistry.of(egress), byWorkload);
  const key = `${egress.from.namespace}/${egress.from.name}`;
  const earlier = byWorkload.get(key) ?? [];
  const siblings = [...earlier, egress];
  const l4 = (p: ExternalPortIntent) => `${p.transport}/${p.port}`;
  for (const port of [...new Set(egress.toIntent().ports.map(l4))]) {
    const sharing = siblings.filter(e => guardedRangesOf(e).length > 0 && e.toIntent().ports.some(p => l4(p) === port));
    const covered = coveredFamilies(sharing.flatMap(e => guardedRangesOf(e)));
    if (covered.length === 0) continue;
    const listed = sharing.map(e => `${guardedRangesOf(e).map(describeRange).join(', ')} at ${e.node.path}`).join('; ');
    throw zeroTrustError(egress, `the address ranges ${key} may reach on ${port} add up to every ${covered.join(' and every ')} address (${listed})`,
      'name the provider\'s ranges instead, or set allowAnyAddressUnsafe: true on the declaration if you really mean the whole internet');
  }
  // Recorded only once accepted, so a refused declaration leaves nothing behind.
  byWorkload.set(key, siblings);
}

/** Accepted egress declarations per app and workload, so the union check stays linear in a workload's own declarations. */
const BY_WORKLOAD = new WeakMap<ZeroTrustRegistry, Map<string, ExternalEgressBase[]>>();

function describeRange(r: RangeWithExcepts): string {
  return r.except.length === 0 ? r.cidr.text : `${r.cidr.text} except ${r.except.map(e => e.text).join(', ')}`;
}

/** Canonical range with checked `except` entries (each strictly inside the range, sorted). */
function checkRange(
  scope: IConstruct, cidr: string, except: string[], allowAnyAddress: boolean,
): AddressRangeIntent & { parsed: ParsedCidr; parsedExcept: ParsedCidr[] } {
  const opt = { allowAnyAddress, optInName: 'allowAnyAddressUnsafe' };
  const outer = parseCidr(scope, 'CIDR', cidr, opt);
  const inner = except.map(e => parseCidr(scope, 'except entry', e, { allowAnyAddress: false, optInName: 'allowAnyAddressUnsafe' }));
  for (const e of inner) {
    if (!isStrictSubnet(e, outer)) {
      throw zeroTrustError(scope, `except entry "${e.text}" is not inside "${outer.text}"`,
        `list only sub-ranges of "${outer.text}" in "except" (NetworkPolicy rejects others)`);
    }
  }
  const unique = [...new Map(inner.sort(compareCidrs).map(e => [e.text, e])).values()];
  return { cidr: outer.text, except: unique.map(e => e.text), parsed: outer, parsedExcept: unique };
}
