import { ApiObject, App, Chart, JsonPatch, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { markZeroTrustNamespace } from './lookup';
import { sortManifests } from './manifest-order';
import { checkNamespaceLabels, checkNamespaceProps } from './namespace-checks';
import { ControlPlaneOptions, DnsOptions, MonitoringOptions, PodSecurityLevel } from './options';
import { namespaceContext } from './resolution';
import { chartObjectsJson, insideAppSynthesis, trackSynthesis } from './synthesis';
import { checkWaypointNames, waypointOf } from './waypoints';
import { IdentityAwareEntryPoint } from '../access/identity-aware-entry-point';
import { PublicRoute } from '../access/public-route';
import { AddressEgress, HostEgress } from '../egress/external-egress';
import { validateWith, zeroTrustError } from '../errors';
import { AddressIngress } from '../ingress/address-ingress';
import { ServiceLink, workloadIntent } from '../link/service-link';
import { DataPlane, NamespaceIntent, TransportProtocol, WorkloadIntent, ZeroTrustMode } from '../model/intent';
import { ZeroTrustRegistry } from '../model/registry';
import { AmbientIstioRenderer } from '../render/ambient-istio-renderer';
import { AmbientNetworkPolicyRenderer } from '../render/ambient-network-policy-renderer';
import { DATAPLANE_MODE_LABEL } from '../render/hbone';
import { IstioRenderer } from '../render/istio-renderer';
import { NetworkPolicyRenderer, SIDECAR_METRICS_PORTS } from '../render/network-policy-renderer';
import { DeclaredEntryPoint, DeclaredIngress, DeclaredLink, ILayerRenderer, IRenderLayer, NamespaceRenderContext, WaypointIntent } from '../render/renderer';
import { assertConstructArgs, assertDns1123Label, assertPlainObject, assertLabels, assertPortNumber, assertStringMap, assertTrustDomain } from '../validation';
import { adoptWorkload, AdoptOptions } from '../workload/adopt';
import { servicesOf } from '../workload/services';
import { IZeroTrustWorkload, ZeroTrustWorkload, ZeroTrustWorkloadOptions } from '../workload/workload';

/** Properties of a ZeroTrustNamespace. */
export interface ZeroTrustNamespaceProps {
  /**
   * Namespace name (DNS-1123 label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * SPIFFE trust domain of the mesh; principals read `<trustDomain>/ns/<ns>/sa/<sa>`.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * Enforce now, or audit first (see ZeroTrustMode.AUDIT for exactly what is held back).
   * @default ZeroTrustMode.ENFORCE
   */
  readonly mode?: ZeroTrustMode;
  /**
   * Where istiod runs and which revision injects sidecars.
   * @default - istiod pods `app: istiod` in `istio-system`, port 15012, default revision
   */
  readonly controlPlane?: ControlPlaneOptions;
  /**
   * Where cluster DNS runs.
   * @default - pods `k8s-app: kube-dns` in `kube-system`, UDP and TCP 53
   */
  readonly dns?: DnsOptions;
  /**
   * Who may scrape sidecar metrics on TCP 15020 and 15090.
   * @default - nobody
   */
  readonly monitoring?: MonitoringOptions;
  /**
   * Pod Security Standard enforced on the namespace.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Extra labels for the Namespace object.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * The Istio data plane of the namespace: sidecars, or ambient (ztunnel and waypoints).
   * Links, entry points, egress and audit mode are declared the same way in both, and links
   * may cross between a sidecar namespace and an ambient one.
   * @default DataPlane.SIDECAR
   */
  readonly dataPlane?: DataPlane;
  /**
   * Enforcement layers that turn the declarations into objects.
   * @default - for sidecars `[new NetworkPolicyRenderer(), new IstioRenderer()]`; for ambient
   * `[new AmbientNetworkPolicyRenderer(), new AmbientIstioRenderer()]`
   */
  readonly renderers?: ILayerRenderer[];
}

const RENDERED = 'Rendered';

/**
 * A namespace that is locked down by default, as a cdk8s Chart of its own.
 *
 * It emits the Namespace (sidecar injection, or ambient with `dataPlane: DataPlane.AMBIENT`,
 * and Pod Security labels), default-deny
 * NetworkPolicies with DNS and istiod egress, STRICT mTLS and an allow-nothing
 * AuthorizationPolicy. Workloads declared in it get identities, and every ServiceLink
 * that touches them opens exactly its path, merged per workload.
 */
export class ZeroTrustNamespace extends Chart {
  /** Namespace name. */
  public readonly name: string;
  /** SPIFFE trust domain of the principals of its workloads. */
  public readonly trustDomain: string;
  /** Enforcement mode. */
  public readonly mode: ZeroTrustMode;
  /** Pod Security Standard the Namespace enforces; adopted pods are made to pass it, or refused. */
  public readonly podSecurity: PodSecurityLevel;
  /** The Istio data plane of its pods. */
  public readonly dataPlane: DataPlane;
  private readonly intent: NamespaceIntent;
  private readonly layers: Array<[ILayerRenderer, RenderLayer]>;

  constructor(scope: Construct, id: string, props: ZeroTrustNamespaceProps = {}) {
    assertConstructArgs(scope, id, 'ZeroTrustNamespace');
    const name = (props as ZeroTrustNamespaceProps | undefined)?.name ?? id;
    super(scope, id, { namespace: typeof name === 'string' ? name : id });
    checkNamespaceProps(this, props);
    this.name = name;
    this.trustDomain = props.trustDomain ?? 'cluster.local';
    this.mode = props.mode ?? ZeroTrustMode.ENFORCE;
    this.podSecurity = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    assertDns1123Label(this, 'namespace name', name);
    assertTrustDomain(this, this.trustDomain);
    if (!Object.values(ZeroTrustMode).includes(this.mode)) {
      throw zeroTrustError(this, `mode "${this.mode}" is unknown`, 'use ZeroTrustMode.ENFORCE or ZeroTrustMode.AUDIT');
    }
    this.dataPlane = props.dataPlane ?? DataPlane.SIDECAR;
    if (!Object.values(DataPlane).includes(this.dataPlane)) {
      throw zeroTrustError(this, `dataPlane "${this.dataPlane}" is unknown`, 'use DataPlane.SIDECAR or DataPlane.AMBIENT');
    }
    this.intent = { ...resolveIntent(this, name, this.trustDomain, this.mode, props), dataPlane: this.dataPlane };
    const renderers = props.renderers ?? (this.dataPlane === DataPlane.AMBIENT
      ? [new AmbientNetworkPolicyRenderer(), new AmbientIstioRenderer()]
      : [new NetworkPolicyRenderer(), new IstioRenderer()]);
    markZeroTrustNamespace(this);
    if (this.node.root instanceof App) trackSynthesis(this.node.root);
    const registry = ZeroTrustRegistry.of(this);
    registry.addNamespace(this);
    validateWith(this, () => refuseSharedResourceFolder(this, registry));
    if (this.dataPlane === DataPlane.AMBIENT) validateWith(this, () => checkWaypointNames(this, registry, name));
    this.addNamespaceObject(props);
    const rendered = new Construct(this, RENDERED);
    this.layers = renderers.map(r => [r, new RenderLayer(new Construct(rendered, r.layerName), this.intent, registry, this)]);
    this.layers.forEach(([r, layer]) => r.addNamespace(layer));
  }

  /** Declares a workload identity in this namespace (ServiceAccount, pod labels, ports). */
  public addWorkload(name: string, options: ZeroTrustWorkloadOptions = {}): ZeroTrustWorkload {
    // Checked here, before the construct id is used, so an empty name gets this error rather than the constructs library's.
    if (typeof name !== 'string' || name === '') assertDns1123Label(this, 'workload name', name);
    assertPlainObject(this, `options of workload "${name}"`, options, 'pass an object of options, e.g. { ports: [{ number: 8080, name: "http" }] }, or omit it');
    return new ZeroTrustWorkload(this, name, { ...options, name });
  }

  /**
   * Adopts a cdk8s-plus-28 Deployment, StatefulSet, DaemonSet or Job of this namespace:
   * its pods then run under the workload's ServiceAccount and carry its labels, and
   * its container ports (and the given Services' ports) become linkable.
   */
  public adopt(workload: kplus.Workload, options: AdoptOptions = {}): ZeroTrustWorkload {
    return adoptWorkload(this, workload, options);
  }

  /** This namespace's resolved settings, as renderers see them. */
  public toIntent(): NamespaceIntent {
    return this.intent;
  }

  /**
   * The manifests in a stable order (kind, then name). The objects themselves exist from
   * declaration on, so every other synthesis path emits the same ones.
   */
  public toJson(): any[] {
    // Inside app.synth() the whole app was validated and resolved just before; only a direct call prepares it again.
    return sortManifests(insideAppSynthesis(this) ? chartObjectsJson(this) : super.toJson());
  }

  /** @internal Adds each layer's objects for a declaration touching this namespace (called by the registry). */
  public _onDeclared(declaration: IConstruct): void {
    const name = this.name;
    const here = (w: IZeroTrustWorkload) => w.managed && w.namespace === name;
    if (declaration instanceof ZeroTrustWorkload) {
      if (declaration.namespace !== name) return;
      const w = workloadIntent(declaration);
      this.layers.forEach(([r, layer]) => r.addWorkload(layer, w));
    } else if (declaration instanceof ServiceLink) {
      if (!here(declaration.from) && !here(declaration.to)) return;
      const link: DeclaredLink = {
        path: declaration.node.path,
        from: workloadIntent(declaration.from),
        to: workloadIntent(declaration.to),
        ...(declaration.http ? { http: declaration.http } : {}),
      };
      this.layers.forEach(([r, layer]) => r.addLink(layer, link));
    } else if (declaration instanceof IdentityAwareEntryPoint) {
      if (!here(declaration.workload)) return;
      const ep: DeclaredEntryPoint = {
        path: declaration.node.path,
        name: declaration.name,
        workload: workloadIntent(declaration.workload),
        gateway: declaration.gateway,
        ...(declaration.route ? { route: declaration.route } : {}),
      };
      this.layers.forEach(([r, layer]) => r.addEntryPoint(layer, ep));
    } else if (declaration instanceof AddressEgress || declaration instanceof HostEgress) {
      if (!here(declaration.from)) return;
      const egress = declaration.toIntent();
      this.layers.forEach(([r, layer]) => r.addExternalEgress(layer, egress));
    } else if (declaration instanceof PublicRoute || declaration instanceof AddressIngress) {
      const workload = declaration instanceof PublicRoute ? declaration.workload : declaration.to;
      if (!here(workload)) return;
      this.layers.forEach(([r, layer]) => r.addIngress(layer, this.declaredIngress(declaration, workload)));
    }
  }

  /** A public route or an address range as the layers see it when declared. */
  private declaredIngress(declaration: PublicRoute | AddressIngress, workload: IZeroTrustWorkload): DeclaredIngress {
    const common = { path: declaration.node.path, name: declaration.name, workload: workloadIntent(workload) };
    if (declaration instanceof AddressIngress) {
      return { ...common, address: { cidr: declaration.cidr, except: [...declaration.except] }, ...(declaration._udpOnly ? { udpOnly: true } : {}) };
    }
    return {
      ...common,
      gateway: declaration.gateway,
      ...(declaration.http ? { http: declaration.http } : {}),
      ...(declaration.route ? { route: declaration.route } : {}),
    };
  }

  private addNamespaceObject(props: ZeroTrustNamespaceProps): void {
    const revision = props.controlPlane?.revision;
    // Ambient pods are captured by the node's ztunnel, so the namespace asks for ambient instead of injection.
    const mesh: { [key: string]: string } = this.dataPlane === DataPlane.AMBIENT
      ? { [DATAPLANE_MODE_LABEL]: 'ambient', ...(revision ? { 'istio.io/rev': revision } : {}) }
      : (revision ? { 'istio.io/rev': revision } : { 'istio-injection': 'enabled' });
    const labels: { [key: string]: string } = {
      ...(props.labels ?? {}),
      ...mesh,
      'pod-security.kubernetes.io/enforce': this.podSecurity,
    };
    const ns = new kplus.k8s.KubeNamespace(this, 'Namespace', { metadata: { name: this.name, labels } });
    // A Namespace is cluster-scoped; the chart would otherwise stamp its own namespace on it.
    ApiObject.of(ns).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}

function resolveIntent(scope: Construct, name: string, trustDomain: string, mode: ZeroTrustMode, props: ZeroTrustNamespaceProps): Omit<NamespaceIntent, 'dataPlane'> {
  const cp = props.controlPlane ?? {};
  const cpNamespace = cp.namespace ?? 'istio-system';
  const cpPort = cp.port ?? 15012;
  const cpLabels = cp.podLabels ?? { app: 'istiod', ...(cp.revision ? { 'istio.io/rev': cp.revision } : {}) };
  const dnsNamespace = props.dns?.namespace ?? 'kube-system';
  const dnsLabels = props.dns?.podLabels ?? { 'k8s-app': 'kube-dns' };
  assertDns1123Label(scope, 'control-plane namespace', cpNamespace);
  assertPortNumber(scope, 'control-plane port', cpPort);
  assertLabels(scope, 'control-plane podLabels', cpLabels);
  assertDns1123Label(scope, 'DNS namespace', dnsNamespace);
  assertLabels(scope, 'DNS podLabels', dnsLabels);
  if (cp.revision !== undefined) assertDns1123Label(scope, 'Istio revision', cp.revision);
  if (props.monitoring) {
    assertDns1123Label(scope, 'monitoring namespace', props.monitoring.namespace);
    if (props.monitoring.podLabels !== undefined) assertLabels(scope, 'monitoring podLabels', props.monitoring.podLabels);
  }
  if (props.labels !== undefined) {
    assertStringMap(scope, 'labels', props.labels);
    for (const [key, value] of Object.entries(props.labels)) assertLabels(scope, 'namespace labels', { [key]: value });
    checkNamespaceLabels(scope, props.labels);
  }
  const tcp = (port: number) => ({ port, protocol: TransportProtocol.TCP });
  return {
    name,
    trustDomain,
    mode,
    dns: { namespace: dnsNamespace, podLabels: { ...dnsLabels }, ports: [{ port: 53, protocol: TransportProtocol.UDP }, tcp(53)] },
    controlPlane: { namespace: cpNamespace, podLabels: { ...cpLabels }, ports: [tcp(cpPort)] },
    monitoring: props.monitoring
      ? { namespace: props.monitoring.namespace, podLabels: { ...(props.monitoring.podLabels ?? {}) }, ports: SIDECAR_METRICS_PORTS.map(tcp) }
      : undefined,
  };
}

/**
 * FILE_PER_RESOURCE writes every object of the app to `<kind>.<name>.k8s.yaml` in one folder,
 * so namespaces' same-named policies (default-deny, allow-nothing...) would overwrite each other
 * and leave all but one namespace open. Reported once, by every namespace but the first.
 */
function refuseSharedResourceFolder(ns: ZeroTrustNamespace, registry: ZeroTrustRegistry): void {
  const root = ns.node.root;
  if (!(root instanceof App) || root.yamlOutputType !== YamlOutputType.FILE_PER_RESOURCE) return;
  const first = registry.namespaceNames()[0];
  if (first === ns.name) return;
  throw zeroTrustError(ns, `YamlOutputType.FILE_PER_RESOURCE writes every object to one folder as <kind>.<name>.k8s.yaml, so the same-named policies of namespaces "${first}" and "${ns.name}" would overwrite each other and leave a namespace without its default-deny`,
    'use YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE (one folder per namespace) or FILE_PER_CHART');
}

/** One layer's place in one namespace; its resolved intent is shared by every layer of the namespace. */
class RenderLayer implements IRenderLayer {
  constructor(
    public readonly scope: Construct,
    public readonly namespace: NamespaceIntent,
    private readonly registry: ZeroTrustRegistry,
    private readonly owner: ZeroTrustNamespace,
  ) {}

  public declaredWorkloads(): WorkloadIntent[] {
    return this.registry.workloadsIn<ZeroTrustWorkload>(this.namespace.name).map(workloadIntent);
  }

  public resolve(): NamespaceRenderContext {
    return namespaceContext(this.owner, this.registry, this.namespace);
  }

  public dataPlaneOf(namespace: string): DataPlane {
    const ns = this.registry.namespace(namespace);
    return ns instanceof ZeroTrustNamespace ? (ns as ZeroTrustNamespace).dataPlane : DataPlane.SIDECAR;
  }

  public waypointOf(server: WorkloadIntent): WaypointIntent | undefined {
    return waypointOf(this.registry, server);
  }

  public servicesOf(workload: WorkloadIntent): kplus.Service[] {
    const w = this.registry.workloadsIn<ZeroTrustWorkload>(workload.namespace).find(x => x.name === workload.name);
    return w ? servicesOf(w) : [];
  }
}
