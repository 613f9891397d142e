import { Construct } from 'constructs';
import { AddressIngressIntent, EntryPointIntent, ExternalEgressIntent, PublicRouteIntent } from '../model/edge-intent';
import { LinkIntent, NamespaceIntent, WorkloadIntent } from '../model/intent';

/** Everything one layer needs to render one zero-trust namespace. */
export interface NamespaceRenderContext {
  /** Where to add the layer's objects (they land in the namespace's manifest). */
  readonly scope: Construct;
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
 * One enforcement layer (NetworkPolicy, Istio, or a CNI's or mesh's own policy).
 *
 * A layer turns intent into objects and never changes intent, so adding one
 * touches no construct.
 */
export interface ILayerRenderer {
  /** Short name of the layer, used in construct ids. */
  readonly layerName: string;
  /** Adds this layer's objects for one namespace to `context.scope`. */
  render(context: NamespaceRenderContext): void;
}
