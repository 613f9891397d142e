import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { adoptMember } from './adopt';
import { AdoptedWorkloadProps } from './adopted';
import { overlapOf } from './disjoint';
import { checkOwnWaypoint, checkOwnWaypointService } from './own-waypoint';
import { ServicePortMapping, WorkloadPort } from './ports';
import { validateWith, zeroTrustError } from '../errors';
import { assertNoDuplicateServicePort } from '../link/resolve-ports';
import { ServiceLink, ServiceLinkOptions } from '../link/service-link';
import { TransportProtocol, ZeroTrustMode } from '../model/intent';
import { AUDIT_POD_LABEL } from '../model/labels';
import { sharedServiceAccountError, ZeroTrustRegistry } from '../model/registry';
import { findZeroTrustNamespace } from '../namespace/lookup';
import {
  assertArray, assertConstructArgs, assertDns1123Label, assertEnumValue, assertLabels, assertOptionalArray, assertStringMap,
  assertOptionalString, assertPlainObject, assertPortNumber, assertTrustDomain, describeValue,
} from '../validation';

/** The label the library puts on a workload's pods when none are given. */
export const WORKLOAD_NAME_LABEL = 'app.kubernetes.io/name';

/** A workload's identity and reachability, as links and renderers see it. */
export interface IZeroTrustWorkload extends IConstruct {
  /** Workload name. */
  readonly name: string;
  /** Namespace of its pods. */
  readonly namespace: string;
  /** ServiceAccount its pods run under. */
  readonly serviceAccountName: string;
  /** Labels that select exactly its pods. */
  readonly podLabels: { [key: string]: string };
  /** Istio principal, `<trust-domain>/ns/<namespace>/sa/<serviceAccount>`. */
  readonly principal: string;
  /** Container ports, for named-port resolution. */
  readonly ports: WorkloadPort[];
  /** Service ports, for Service-port resolution. */
  readonly servicePorts: ServicePortMapping[];
  /** True when a ZeroTrustNamespace of this app owns the workload and renders its policies. */
  readonly managed: boolean;
  /**
   * The workload's own mode, when it differs from its namespace's.
   * @default - the namespace's mode
   */
  readonly mode?: ZeroTrustMode;
}

/** Options for a workload declared in a zero-trust namespace. */
export interface ZeroTrustWorkloadOptions {
  /**
   * ServiceAccount name; the library creates it, with token automount off.
   * @default - the workload name
   */
  readonly serviceAccountName?: string;
  /**
   * Labels that select exactly this workload's pods. Put them on your pod template.
   * @default - `{ 'app.kubernetes.io/name': <name> }`
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Container ports of its pods.
   * @default - none; links must then use numeric ports
   */
  readonly ports?: WorkloadPort[];
  /**
   * Ports of its Service, so links can name a Service port (`LinkPort.service(443)`).
   * @default - none
   */
  readonly servicePorts?: ServicePortMapping[];
  /**
   * Audit this one workload while its namespace enforces (incremental rollout).
   * `ZeroTrustMode.AUDIT` adds the reserved label `cdk8s-zero-trust/audit: <name>` to its
   * `podLabels` (put them all on its pods), by which the namespace's default-deny and platform
   * policies leave exactly its pods out; holds back its own NetworkPolicies; gives it a
   * PERMISSIVE PeerAuthentication; marks its AuthorizationPolicy dry-run, beside a dry-run
   * `<name>-audit-allow-nothing`, so the dry-run report answers as enforce would; and admits
   * every request through an explicit `<name>-audit-allow-all` policy, so the namespace's
   * allow-nothing policy does not deny it.
   * @default - the namespace's mode
   */
  readonly mode?: ZeroTrustMode;
  /**
   * In an ambient namespace, enforce this workload's L7 rules (HTTP rules of links to it, its
   * entry points, public routes to it with HTTP rules) at a waypoint of its own: a Gateway
   * `<name>-waypoint` of class `istio-waypoint`, used by the workload's Services alone. Other
   * workloads keep the namespace waypoint. Nothing is emitted while the workload needs no L7
   * enforcement. The waypoint only sees traffic addressed to a Service, so the workload needs
   * one (adopt it with `services`). Refused in a sidecar namespace, where each pod's sidecar
   * enforces its own rules already.
   * @default false - the namespace waypoint, when the workload needs one
   */
  readonly ownWaypoint?: boolean;
}

/** Options for adopting one more workload into an existing identity (`ZeroTrustWorkload.adopt`). */
export interface AdoptIntoOptions {
  /**
   * More Services in front of the identity's pods, so links can name their ports.
   * @default - none
   */
  readonly services?: kplus.Service[];
}

/** Properties of a ZeroTrustWorkload. */
export interface ZeroTrustWorkloadProps extends ZeroTrustWorkloadOptions {
  /**
   * Workload name (DNS-1123 label).
   * @default - the construct id
   */
  readonly name?: string;
}

/** Attributes of a workload that this app does not own (another team's chart, a Helm release). */
export interface ZeroTrustWorkloadAttributes {
  /** Workload name, used in reports and policy names. */
  readonly name: string;
  /** Namespace of its pods. */
  readonly namespace: string;
  /** ServiceAccount its pods run under. */
  readonly serviceAccountName: string;
  /** Labels that select exactly its pods (must not be empty). */
  readonly podLabels: { [key: string]: string };
  /**
   * Container ports, for named-port resolution.
   * @default - none
   */
  readonly ports?: WorkloadPort[];
  /**
   * Service ports, for Service-port resolution.
   * @default - none
   */
  readonly servicePorts?: ServicePortMapping[];
  /**
   * Trust domain of its mesh.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
}

/**
 * A workload in a zero-trust namespace: a ServiceAccount (token automount off), so a
 * SPIFFE identity, plus pod labels and named ports that links resolve against.
 *
 * Create it with `ZeroTrustNamespace.addWorkload()` or `ZeroTrustNamespace.adopt()`.
 */
export class ZeroTrustWorkload extends Construct implements IZeroTrustWorkload {
  /** References a workload owned elsewhere. Its own namespace must open the other side of any link. */
  public static fromAttributes(scope: Construct, id: string, attrs: ZeroTrustWorkloadAttributes): IZeroTrustWorkload {
    return new ReferencedWorkload(scope, id, attrs);
  }

  public readonly name: string;
  public readonly namespace: string;
  public readonly serviceAccountName: string;
  public readonly podLabels: { [key: string]: string };
  public readonly principal: string;
  public readonly managed = true;
  /** The workload's own mode, when set (see ZeroTrustWorkloadOptions.mode). */
  public readonly mode?: ZeroTrustMode;
  /** True when the workload's L7 rules are enforced by a waypoint of its own (ambient only, see ZeroTrustWorkloadOptions.ownWaypoint). */
  public readonly ownWaypoint: boolean;
  /** The ServiceAccount the library created, or the one an adopted workload already had. */
  public readonly serviceAccount: kplus.IServiceAccount;

  private readonly portSources: Array<() => WorkloadPort[]> = [];
  private readonly servicePortSources: Array<() => ServicePortMapping[]> = [];

  constructor(scope: Construct, id: string, props: ZeroTrustWorkloadProps = {}) {
    assertConstructArgs(scope, id, 'ZeroTrustWorkload');
    super(scope, id);
    checkWorkloadProps(this, props);
    const ns = findZeroTrustNamespace(this);
    if (!ns) {
      throw zeroTrustError(this, 'a ZeroTrustWorkload must be created inside a ZeroTrustNamespace',
        'create it with zeroTrustNamespace.addWorkload(name) or zeroTrustNamespace.adopt(deployment)');
    }
    this.name = props.name ?? id;
    this.namespace = ns.name;
    this.serviceAccountName = props.serviceAccountName ?? this.name;
    const ownLabels = { ...(props.podLabels ?? { [WORKLOAD_NAME_LABEL]: this.name }) };
    this.principal = `${ns.trustDomain}/ns/${this.namespace}/sa/${this.serviceAccountName}`;
    assertDns1123Label(this, 'workload name', this.name);
    assertDns1123Label(this, 'ServiceAccount name', this.serviceAccountName);
    assertLabels(this, 'podLabels', ownLabels);
    refuseReservedLabel(this, ownLabels);
    this.mode = checkWorkloadMode(this, props.mode, ns.mode);
    // An auditing workload's pods carry the reserved label: the namespace's policies leave out exactly them.
    this.podLabels = this.mode === ZeroTrustMode.AUDIT ? { ...ownLabels, [AUDIT_POD_LABEL]: this.name } : ownLabels;
    this.ownWaypoint = checkOwnWaypoint(this, props.ownWaypoint, ns);
    const adopted = (props as AdoptedWorkloadProps).adopted;
    // Checked before they join the live port sources, which flatten whatever they are given.
    assertOptionalArray(this, 'ports', props.ports, 'pass a list of container ports, e.g. ports: [{ number: 8080, name: "http" }]');
    assertOptionalArray(this, 'servicePorts', props.servicePorts, 'pass a list of Service ports, e.g. servicePorts: [{ port: 443, targetPort: 8443 }]');
    this.portSources.push(adopted?.ports ?? (() => props.ports ?? []));
    this.servicePortSources.push(adopted?.servicePorts ?? (() => props.servicePorts ?? []));
    checkPorts(this, this, this.ports, this.servicePorts);
    ZeroTrustRegistry.of(this).addWorkload(this);
    this.serviceAccount = adopted?.serviceAccount ?? new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName },
      automountToken: false,
    });
    // Ports of adopted workloads are read live, so they are checked again once the app is complete.
    validateWith(this, () => {
      const overlap = overlapOf(this);
      if (overlap) throw overlap;
      checkPorts(this, this, this.ports, this.servicePorts);
      if (this.ownWaypoint) checkOwnWaypointService(this);
    });
  }

  /** Container ports of its pods: the declared ones and those of every adopted workload, each once. */
  public get ports(): WorkloadPort[] {
    return uniqueBy(this.portSources.flatMap(f => f()), p => `${p.number}/${p.protocol ?? TransportProtocol.TCP}/${p.name ?? ''}`);
  }

  /** Ports of its Services: the declared ones and those of every Service passed when adopting, each once. */
  public get servicePorts(): ServicePortMapping[] {
    return uniqueBy(this.servicePortSources.flatMap(f => f()),
      p => `${p.port}/${p.protocol ?? TransportProtocol.TCP}/${p.targetPort ?? ''}/${p.targetPortName ?? ''}`);
  }

  /**
   * Adopts one more cdk8s-plus-28 Deployment, StatefulSet, DaemonSet or Job into this identity:
   * its pods carry this workload's labels and run under its ServiceAccount, so they share its
   * principal, and every link to or from this workload covers them too. This is how several
   * Deployments (versions of one service, like Bookinfo's reviews-v1/v2/v3) are one identity;
   * the ServiceAccount is emitted once.
   */
  public adopt(workload: kplus.Workload, options: AdoptIntoOptions = {}): void {
    const sources = adoptMember(this, workload, [...(options.services ?? [])]);
    this.portSources.push(sources.ports);
    this.servicePortSources.push(sources.servicePorts);
    checkPorts(this, this, this.ports, this.servicePorts);
  }

  /**
   * Lets `client` call this workload: shorthand for `new ServiceLink(this, …, { from: client, to: this, … })`.
   */
  public allowFrom(client: IZeroTrustWorkload, options: ServiceLinkOptions): ServiceLink {
    assertPlainObject(this, 'allowFrom() options', options, 'pass the link options, e.g. { ports: [LinkPort.tcp(8080)] }');
    checkLinkEnd(this, 'client', client);
    const base = `AllowFrom-${client.namespace}-${client.name}`;
    let id = base;
    for (let i = 2; this.node.tryFindChild(id); i++) id = `${base}-${i}`;
    return new ServiceLink(this, id, { ...options, from: client, to: this });
  }

  /**
   * Lets this workload call `server`: shorthand for `new ServiceLink(this, …, { from: this, to: server, … })`,
   * the client-side reading of `server.allowFrom(this, …)` (cdk8s-plus names both directions).
   */
  public allowTo(server: IZeroTrustWorkload, options: ServiceLinkOptions): ServiceLink {
    const base = `AllowTo-${server.namespace}-${server.name}`;
    let id = base;
    for (let i = 2; this.node.tryFindChild(id); i++) id = `${base}-${i}`;
    return new ServiceLink(this, id, { ...options, from: this, to: server });
  }

  /** Adds an annotation to the workload's ServiceAccount (for example an IRSA role ARN). */
  public addServiceAccountAnnotation(key: string, value: string): void {
    assertLabels(this, 'ServiceAccount annotation key', { [checkedString(this, 'annotation key', key)]: 'x' });
    checkedString(this, `annotation "${key}"`, value);
    ApiObject.of(this.serviceAccount as unknown as IConstruct).metadata.addAnnotation(key, value);
  }
}

class ReferencedWorkload extends Construct implements IZeroTrustWorkload {
  public readonly name: string;
  public readonly namespace: string;
  public readonly serviceAccountName: string;
  public readonly podLabels: { [key: string]: string };
  public readonly principal: string;
  public readonly ports: WorkloadPort[];
  public readonly servicePorts: ServicePortMapping[];
  public readonly managed = false;

  constructor(scope: Construct, id: string, attrs: ZeroTrustWorkloadAttributes) {
    assertConstructArgs(scope, id, 'ZeroTrustWorkload reference');
    super(scope, id);
    assertPlainObject(this, 'fromAttributes() attributes', attrs,
      'pass { name, namespace, serviceAccountName, podLabels } of the workload');
    assertOptionalArray(this, 'ports', attrs.ports, 'pass a list of container ports, e.g. ports: [{ number: 8080, name: "http" }]');
    assertOptionalArray(this, 'servicePorts', attrs.servicePorts, 'pass a list of Service ports, e.g. servicePorts: [{ port: 443, targetPort: 8443 }]');
    const trustDomain = attrs.trustDomain ?? 'cluster.local';
    assertDns1123Label(this, 'workload name', attrs.name);
    assertDns1123Label(this, 'namespace', attrs.namespace);
    assertDns1123Label(this, 'ServiceAccount name', attrs.serviceAccountName);
    assertLabels(this, 'podLabels', attrs.podLabels);
    assertTrustDomain(this, trustDomain);
    this.name = attrs.name;
    this.namespace = attrs.namespace;
    this.serviceAccountName = attrs.serviceAccountName;
    this.podLabels = { ...attrs.podLabels };
    this.principal = `${trustDomain}/ns/${attrs.namespace}/sa/${attrs.serviceAccountName}`;
    this.ports = [...(attrs.ports ?? [])];
    this.servicePorts = [...(attrs.servicePorts ?? [])];
    checkPorts(this, this, this.ports, this.servicePorts);
    const registry = ZeroTrustRegistry.of(this);
    registry.addReference(this);
    validateWith(this, () => {
      const shared = registry.sharedServiceAccountOf(this);
      if (shared) throw sharedServiceAccountError(this, shared);
      const overlap = overlapOf(this);
      if (overlap) throw overlap;
    });
  }
}

const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map(i => [key(i), i])).values()];
}

/** Refuses ports that Kubernetes would reject or that make names ambiguous. */
export function checkPorts(
  scope: IConstruct, owner: { namespace: string; name: string }, ports: WorkloadPort[], servicePorts: ServicePortMapping[],
): void {
  assertArray(scope, 'ports', ports, 'pass a list of container ports, e.g. ports: [{ number: 8080, name: "http" }]');
  assertArray(scope, 'servicePorts', servicePorts, 'pass a list of Service ports, e.g. servicePorts: [{ port: 443, targetPort: 8443 }]');
  const names = new Set<string>();
  for (const p of ports) {
    assertPlainObject(scope, 'a container port', p, 'describe each port as { number: 8080, name: "http" }');
    assertPortNumber(scope, 'container port', p.number);
    assertOptionalString(scope, `the name of container port ${p.number}`, p.name, 'name the port with a string, e.g. name: "http"');
    checkProtocol(scope, p.protocol);
    if (p.name === undefined) continue;
    if (p.name.length > 15 || !PORT_NAME.test(p.name)) {
      throw zeroTrustError(scope, `container port name "${p.name}" is not a valid IANA service name`,
        'use at most 15 lower-case letters, digits and "-", with at least one letter');
    }
    if (names.has(p.name)) {
      // Identical ports of several adopted Deployments are merged before this check, so a clash means two numbers.
      const numbers = ports.filter(q => q.name === p.name).map(q => `${q.protocol ?? TransportProtocol.TCP}/${q.number}`);
      throw zeroTrustError(scope, `container port name "${p.name}" is used twice (${numbers.join(' and ')})`,
        'give each container port a distinct name; Deployments adopted into one identity must agree on what each port name means');
    }
    names.add(p.name);
  }
  for (const sp of servicePorts) {
    assertPlainObject(scope, 'a Service port', sp, 'describe each Service port as { port: 443, targetPort: 8443 }');
    assertPortNumber(scope, 'Service port', sp.port);
    assertOptionalString(scope, `targetPortName of Service port ${sp.port}`, sp.targetPortName, 'name the target container port with a string, e.g. targetPortName: "http"');
    assertNoDuplicateServicePort(scope, owner, servicePorts.filter(other => other.port === sp.port));
    checkProtocol(scope, sp.protocol);
    if (sp.targetPort !== undefined) assertPortNumber(scope, 'Service targetPort', sp.targetPort);
    if (sp.targetPortName !== undefined && !names.has(sp.targetPortName)) {
      throw zeroTrustError(scope, `Service port ${sp.port} targets unknown container port name "${sp.targetPortName}"`,
        `use one of the workload's port names (${[...names].sort().join(', ') || 'none declared'})`);
    }
  }
}

/** A workload may audit inside an enforcing namespace, never the reverse (its platform egress would be held back). */
function checkWorkloadMode(scope: IConstruct, mode: ZeroTrustMode | undefined, namespaceMode: ZeroTrustMode | undefined): ZeroTrustMode | undefined {
  if (mode === undefined) return undefined;
  if (!Object.values(ZeroTrustMode).includes(mode)) {
    throw zeroTrustError(scope, `mode "${mode}" is unknown`, 'use ZeroTrustMode.ENFORCE or ZeroTrustMode.AUDIT');
  }
  if (mode === ZeroTrustMode.ENFORCE && namespaceMode === ZeroTrustMode.AUDIT) {
    throw zeroTrustError(scope, 'mode "enforce" on a workload of an audit-mode namespace is not supported: the namespace holds back DNS and istiod egress, which the workload would then lose',
      'switch the namespace to enforce and set mode: ZeroTrustMode.AUDIT on the workloads still auditing');
  }
  return mode;
}

/** The audit label is the library's own: on any other pod it would take that pod out of default-deny. */
export function refuseReservedLabel(scope: IConstruct, labels: { [key: string]: string }): void {
  if (labels[AUDIT_POD_LABEL] !== undefined) {
    throw zeroTrustError(scope, `label "${AUDIT_POD_LABEL}" is reserved: the library puts it on the pods of workloads auditing on their own, and the namespace's default-deny leaves those pods out`,
      `remove "${AUDIT_POD_LABEL}" from the labels; to audit this workload, set mode: ZeroTrustMode.AUDIT`);
  }
}

function checkProtocol(scope: IConstruct, protocol: TransportProtocol | undefined): void {
  if (protocol !== undefined && protocol !== TransportProtocol.TCP && protocol !== TransportProtocol.UDP) {
    const shown = typeof protocol === 'string' ? `"${protocol}"` : `(${describeValue(protocol)})`;
    throw zeroTrustError(scope, `protocol ${shown} is not supported`, 'use TransportProtocol.TCP or TransportProtocol.UDP');
  }
}

/** The shape of workload options, before anything reads them. */
function checkWorkloadProps(scope: IConstruct, props: ZeroTrustWorkloadProps): void {
  assertPlainObject(scope, 'workload options', props, 'pass an object of options, e.g. { ports: [{ number: 8080, name: "http" }] }');
  if (props.name !== undefined) assertDns1123Label(scope, 'workload name', props.name);
  if (props.serviceAccountName !== undefined) assertDns1123Label(scope, 'ServiceAccount name', props.serviceAccountName);
  if (props.podLabels !== undefined) assertStringMap(scope, 'podLabels', props.podLabels);
  if (props.mode !== undefined) assertEnumValue(scope, 'mode', props.mode, ZeroTrustMode as unknown as { [key: string]: string }, 'ZeroTrustMode');
}

function checkedString(scope: IConstruct, what: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw zeroTrustError(scope, `${what} must be a string, but it is ${describeValue(value)}`, `pass the ${what} as a string`);
  }
  return value;
}

/**
 * Refuses anything that is not a workload as a link end, and a workload of another cdk8s
 * App: that app's namespace would never render this link, so only one side would open.
 */
export function checkLinkEnd(scope: IConstruct, which: string, end: IZeroTrustWorkload): IZeroTrustWorkload {
  const looksLikeWorkload = !!end && typeof end === 'object' && typeof end.principal === 'string' && typeof end.namespace === 'string'
    && typeof end.name === 'string' && typeof end.managed === 'boolean' && !!end.podLabels && typeof end.podLabels === 'object'
    && Object.keys(end.podLabels).length > 0;
  if (!looksLikeWorkload) {
    throw zeroTrustError(scope, `"${which}" (${describeValue(end)}) is not a workload of a zero-trust namespace and has no explicit attributes`,
      'adopt it with zeroTrustNamespace.adopt(deployment), declare it with addWorkload(), or reference it with ZeroTrustWorkload.fromAttributes()');
  }
  const root = (end as unknown as IConstruct).node?.root;
  if (root !== undefined && root !== scope.node.root) {
    throw zeroTrustError(scope, `"${which}" (${(end as unknown as IConstruct).node.path}) belongs to another cdk8s App, whose namespaces never see this link, so only one side of it would open`,
      'declare both workloads in one App, or reference the other app\'s workload in this one with ZeroTrustWorkload.fromAttributes()');
  }
  return end;
}

/**
 * Refuses anything but a workload this app's zero-trust namespaces own: only those have
 * policies the library emits, so a declaration on anything else would silently do nothing.
 */
export function requireOwnedWorkload(
  scope: IConstruct, role: string, workload: IZeroTrustWorkload, consequence: string, fix: string,
): IZeroTrustWorkload {
  if (!workload || typeof workload.principal !== 'string' || workload.managed !== true) {
    throw zeroTrustError(scope, `"${role}" (${describeValue(workload)}) is not a workload of a zero-trust namespace of this app, so ${consequence}`, fix);
  }
  return checkLinkEnd(scope, role, workload);
}
