import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { markZeroTrustNamespace } from './lookup';
import { sortManifests } from './manifest-order';
import { ControlPlaneOptions, DnsOptions, MonitoringOptions, PodSecurityLevel } from './options';
import { IdentityAwareEntryPoint } from '../access/identity-aware-entry-point';
import { PublicRoute } from '../access/public-route';
import { AddressEgress, HostEgress } from '../egress/external-egress';
import { zeroTrustError } from '../errors';
import { AddressIngress } from '../ingress/address-ingress';
import { portKey } from '../link/resolve-ports';
import { ServiceLink, workloadIntent } from '../link/service-link';
import { LinkIntent, NamespaceIntent, TransportProtocol, ZeroTrustMode } from '../model/intent';
import { sortBy } from '../model/order';
import { ZeroTrustRegistry } from '../model/registry';
import { IstioRenderer } from '../render/istio-renderer';
import { NetworkPolicyRenderer, SIDECAR_METRICS_PORTS } from '../render/network-policy-renderer';
import { ILayerRenderer } from '../render/renderer';
import { assertDns1123Label, assertLabels, assertPortNumber, assertTrustDomain } from '../validation';
import { adoptWorkload, AdoptOptions } from '../workload/adopt';
import { ZeroTrustWorkload, ZeroTrustWorkloadOptions } from '../workload/workload';

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
   * Enforcement layers that turn the declarations into objects.
   * @default - NetworkPolicy and Istio: `[new NetworkPolicyRenderer(), new IstioRenderer()]`
   */
  readonly renderers?: ILayerRenderer[];
}

const RENDERED = 'Rendered';

/**
 * A namespace that is locked down by default, as a cdk8s Chart of its own.
 *
 * It emits the Namespace (sidecar injection and Pod Security labels), default-deny
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
  private readonly intent: NamespaceIntent;
  private readonly renderers: ILayerRenderer[];

  constructor(scope: Construct, id: string, props: ZeroTrustNamespaceProps = {}) {
    const name = props.name ?? id;
    super(scope, id, { namespace: name });
    this.name = name;
    this.trustDomain = props.trustDomain ?? 'cluster.local';
    this.mode = props.mode ?? ZeroTrustMode.ENFORCE;
    assertDns1123Label(this, 'namespace name', name);
    assertTrustDomain(this, this.trustDomain);
    if (!Object.values(ZeroTrustMode).includes(this.mode)) {
      throw zeroTrustError(this, `mode "${this.mode}" is unknown`, 'use ZeroTrustMode.ENFORCE or ZeroTrustMode.AUDIT');
    }
    this.intent = resolveIntent(this, name, this.trustDomain, this.mode, props);
    this.renderers = props.renderers ?? [new NetworkPolicyRenderer(), new IstioRenderer()];
    markZeroTrustNamespace(this);
    ZeroTrustRegistry.of(this).addNamespace(this);
    this.addNamespaceObject(props);
  }

  /** Declares a workload identity in this namespace (ServiceAccount, pod labels, ports). */
  public addWorkload(name: string, options: ZeroTrustWorkloadOptions = {}): ZeroTrustWorkload {
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

  /** Renders every layer from the app's declarations, then returns the manifests in a stable order. */
  public toJson(): any[] {
    this.renderLayers();
    return sortManifests(super.toJson());
  }

  // Re-rendered on every synth so the output always reflects the latest declarations.
  private renderLayers(): void {
    this.node.tryRemoveChild(RENDERED);
    const scope = new Construct(this, RENDERED);
    const registry = ZeroTrustRegistry.of(this);
    const touching = registry.links<ServiceLink>().filter(l => l.from.namespace === this.name || l.to.namespace === this.name);
    const links = sortBy(touching.map(l => l.toIntent()), linkKey);
    const context = {
      scope,
      namespace: this.intent,
      workloads: registry.workloadsIn<ZeroTrustWorkload>(this.name).map(workloadIntent),
      inbound: links.filter(l => l.to.managed && l.to.namespace === this.name),
      outbound: links.filter(l => l.from.managed && l.from.namespace === this.name),
      externalEgress: sortBy([...registry.edges(AddressEgress), ...registry.edges(HostEgress)]
        .filter(e => e.from.namespace === this.name).map(e => e.toIntent()), e => edgeSortKey(e.from.name, e.name, e)),
      entryPoints: sortBy(registry.edges(IdentityAwareEntryPoint)
        .filter(e => e.workload.namespace === this.name).map(e => e.toIntent()), e => edgeSortKey(e.workload.name, e.name, e)),
      publicRoutes: sortBy(registry.edges(PublicRoute)
        .filter(e => e.workload.namespace === this.name).map(e => e.toIntent()), e => edgeSortKey(e.workload.name, e.name, e)),
      addressIngress: sortBy(registry.edges(AddressIngress)
        .filter(e => e.to.namespace === this.name).map(e => e.toIntent()), e => edgeSortKey(e.to.name, e.name, e)),
    };
    for (const renderer of this.renderers) renderer.render(context);
  }

  private addNamespaceObject(props: ZeroTrustNamespaceProps): void {
    const revision = props.controlPlane?.revision;
    const labels: { [key: string]: string } = {
      ...(props.labels ?? {}),
      ...(revision ? { 'istio.io/rev': revision } : { 'istio-injection': 'enabled' }),
      'pod-security.kubernetes.io/enforce': props.podSecurity ?? PodSecurityLevel.RESTRICTED,
    };
    const ns = new kplus.k8s.KubeNamespace(this, 'Namespace', { metadata: { name: this.name, labels } });
    // A Namespace is cluster-scoped; the chart would otherwise stamp its own namespace on it.
    ApiObject.of(ns).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}

function resolveIntent(scope: Construct, name: string, trustDomain: string, mode: ZeroTrustMode, props: ZeroTrustNamespaceProps): NamespaceIntent {
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
  for (const [key, value] of Object.entries(props.labels ?? {})) assertLabels(scope, 'namespace labels', { [key]: value });
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

/** Workload, name, then the declaration itself (without its path), so ties never depend on declaration order. */
function edgeSortKey(workload: string, name: string, intent: { path: string }): string {
  return `${workload} ${name} ${JSON.stringify({ ...intent, path: undefined })}`;
}

function linkKey(l: LinkIntent): string {
  const http = l.http ? `${(l.http.methods ?? []).join(',')} ${(l.http.paths ?? []).join(',')}` : '';
  return `${l.from.namespace}/${l.from.name} ${l.to.namespace}/${l.to.name} ${l.ports.map(portKey).join(',')} ${http}`;
}
