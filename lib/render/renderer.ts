import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HttpMatch } from '../link/http-match';
import {
  AddressIngressIntent, AddressRangeIntent, EntryPointIntent, EntryRouteIntent, ExternalEgressIntent, GatewayIntent, PublicRouteIntent,
} from '../model/edge-intent';
import { DataPlane, LinkIntent, NamespaceIntent, WorkloadIntent } from '../model/intent';

/** Everything one layer needs to compute the specs of one zero-trust namespace, resolved at synth. */
export interface NamespaceRenderContext {
  /** The namespace's settings. */
  readonly namespace: NamespaceIntent;
  /** Workloads the namespace owns, sorted by name. */
  readonly workloads: WorkloadIntent[];
  /** Links whose server is owned by this namespace, sorted. */
  readonly inbound: LinkIntent[];
  /** Links whose client is owned by this namespace, sorted. */
  readonly outbound: LinkIntent[];
  /** Calls from this namespace's workloads to the outside world, sorted by workload then name. */
  readonly externalEgress: ExternalEgressIntent[];
  /** Entry points for people into this namespace's workloads, sorted by workload then name. */
  readonly entryPoints: EntryPointIntent[];
  /** Public routes (no token) through the gateway into this namespace's workloads, sorted by workload then name. */
  readonly publicRoutes: PublicRouteIntent[];
  /** Ingress from outside address ranges into this namespace's workloads, sorted by workload then range. */
  readonly addressIngress: AddressIngressIntent[];
}

/**
 * A link as it is known when declared: its ends and HTTP rules. Its ports are resolved only
 * at synth (a named or Service port may depend on containers added later).
 */
export interface DeclaredLink {
  /** Construct path of the declaration. */
  readonly path: string;
  /** The client. */
  readonly from: WorkloadIntent;
  /** The server. */
  readonly to: WorkloadIntent;
  /**
   * HTTP constraints.
   * @default - any request on the link's ports
   */
  readonly http?: HttpMatch;
}

/** An entry point as it is known when declared (its ports are resolved at synth). */
export interface DeclaredEntryPoint {
  /** Construct path of the declaration. */
  readonly path: string;
  /** Readable name (DNS-1123 label). */
  readonly name: string;
  /** The application. */
  readonly workload: WorkloadIntent;
  /** The gateway people come through. */
  readonly gateway: GatewayIntent;
  /**
   * Gateway + VirtualService publishing the app.
   * @default - routing is managed elsewhere
   */
  readonly route?: EntryRouteIntent;
}

/**
 * A way in from outside the mesh without a token, as known when declared: a public route
 * through the gateway (`gateway` set) or clients from an address range (`address` set).
 * Its ports are resolved at synth.
 */
export interface DeclaredIngress {
  /** Construct path of the declaration. */
  readonly path: string;
  /** Readable name (DNS-1123 label). */
  readonly name: string;
  /** The workload reached. */
  readonly workload: WorkloadIntent;
  /**
   * The gateway the public comes through (a public route).
   * @default - none: the clients come from an address range
   */
  readonly gateway?: GatewayIntent;
  /**
   * Methods and paths the public may use (a public route only).
   * @default - any request on the route's ports, or an address range (no HTTP rules)
   */
  readonly http?: HttpMatch;
  /**
   * Gateway + VirtualService publishing the workload (a public route only).
   * @default - routing is managed elsewhere
   */
  readonly route?: EntryRouteIntent;
  /**
   * The address range the clients come from (an address ingress).
   * @default - none: the clients come through the gateway
   */
  readonly address?: AddressRangeIntent;
  /**
   * Every port is declared UDP, which the sidecar does not proxy: only L4 layers apply.
   * @default false
   */
  readonly udpOnly?: boolean;
}

/** The waypoint proxy (Gateway of class `istio-waypoint`) that enforces L7 rules in an ambient namespace. */
export interface WaypointIntent {
  /** Name of the Gateway (and of the ServiceAccount Istio gives its pods). */
  readonly name: string;
  /** Namespace of the Gateway. */
  readonly namespace: string;
  /** Labels Istio puts on the waypoint's pods. */
  readonly podLabels: { [key: string]: string };
  /** The waypoint's principal, the identity the destination ztunnel sees for calls it forwards. */
  readonly principal: string;
}

/** Where a layer adds its objects for one namespace, and how it reads the resolved intent. */
export interface IRenderLayer {
  /** The layer's own construct inside the namespace's chart: objects added here land in its manifest. */
  readonly scope: Construct;
  /** The namespace's settings (known at declaration). */
  readonly namespace: NamespaceIntent;
  /** Workloads declared in the namespace so far, sorted by name. */
  declaredWorkloads(): WorkloadIntent[];
  /**
   * The namespace's intent with every port resolved. Call it only while synthesizing (from a
   * cdk8s `Lazy`); it is computed once per synthesis and shared by every layer and object.
   */
  resolve(): NamespaceRenderContext;
  /** The data plane of a namespace of the app (a namespace outside the app counts as sidecar). */
  dataPlaneOf(namespace: string): DataPlane;
  /**
   * The waypoint a server's Services use: set for an ambient server with a link carrying HTTP
   * rules or an entry point. Read it at synth: a later declaration may add one.
   */
  waypointOf(server: WorkloadIntent): WaypointIntent | undefined;
  /** The Services in front of a workload of the app (those given to `adopt()`). */
  servicesOf(workload: WorkloadIntent): kplus.Service[];
}

/**
 * One enforcement layer (NetworkPolicy, Istio, or a CNI's or mesh's own policy).
 *
 * Objects exist in the construct tree from the moment a declaration needs them, so every
 * synthesis path (each `YamlOutputType`, `synthYaml()`, `Testing.synth()`, a user walking
 * `node.findAll()` to patch objects) sees the same ones. The namespace calls the layer once
 * when it is declared, then once per declaration touching one of its workloads, in
 * declaration order. A layer adds each object at most once (a call may repeat a workload),
 * and computes its spec lazily (cdk8s `Lazy`) from `layer.resolve()`.
 *
 * A layer turns intent into objects and never changes intent, so adding one touches no
 * construct. `LayerRenderer` implements every call as a no-op, to override what a layer needs.
 */
export interface ILayerRenderer {
  /** Short name of the layer, used in construct ids. */
  readonly layerName: string;
  /** The namespace was declared: add its namespace-wide objects. */
  addNamespace(layer: IRenderLayer): void;
  /** A workload was declared in the namespace. */
  addWorkload(layer: IRenderLayer, workload: WorkloadIntent): void;
  /** A link from or to a workload of the namespace was declared (either end, or both, may be here). */
  addLink(layer: IRenderLayer, link: DeclaredLink): void;
  /** An entry point into a workload of the namespace was declared. */
  addEntryPoint(layer: IRenderLayer, entryPoint: DeclaredEntryPoint): void;
  /** A call from a workload of the namespace to the outside world was declared (it needs no port resolution). */
  addExternalEgress(layer: IRenderLayer, egress: ExternalEgressIntent): void;
  /** A way in from outside the mesh without a token (a public route or an address range) was declared. */
  addIngress(layer: IRenderLayer, ingress: DeclaredIngress): void;
}

/** A layer that adds nothing: extend it and override the calls your layer needs. */
export abstract class LayerRenderer implements ILayerRenderer {
  /** Short name of the layer, used in construct ids. */
  public abstract readonly layerName: string;

  /** Adds nothing; override to add namespace-wide objects. */
  public addNamespace(_layer: IRenderLayer): void {
    return;
  }

  /** Adds nothing; override to add objects per workload. */
  public addWorkload(_layer: IRenderLayer, _workload: WorkloadIntent): void {
    return;
  }

  /** Adds nothing; override to add objects per link end. */
  public addLink(_layer: IRenderLayer, _link: DeclaredLink): void {
    return;
  }

  /** Adds nothing; override to add objects per entry point. */
  public addEntryPoint(_layer: IRenderLayer, _entryPoint: DeclaredEntryPoint): void {
    return;
  }

  /** Adds nothing; override to add objects per outside call. */
  public addExternalEgress(_layer: IRenderLayer, _egress: ExternalEgressIntent): void {
    return;
  }

  /** Adds nothing; override to add objects per public route or address range. */
  public addIngress(_layer: IRenderLayer, _ingress: DeclaredIngress): void {
    return;
  }
}
