// The public API: what users call, and nothing internal. One line per public symbol
// group, so a new construct is one more line in its section.

// --- namespaces, workloads, links ---------------------------------------------------------
export { ZeroTrustNamespace, type ZeroTrustNamespaceProps } from './namespace/zero-trust-namespace';
export {
  type ControlPlaneOptions, type DnsOptions, type MonitoringOptions, PodSecurityLevel,
} from './namespace/options';
export {
  type IZeroTrustWorkload, ZeroTrustWorkload, type ZeroTrustWorkloadAttributes,
  type ZeroTrustWorkloadOptions, type ZeroTrustWorkloadProps, type AdoptIntoOptions,
} from './workload/workload';
export { type ServicePortMapping, type WorkloadPort } from './workload/ports';
export { type AdoptOptions } from './workload/adopt';
export { ProjectedServiceAccountToken, type ProjectedServiceAccountTokenOptions } from './workload/projected-token';
export { LinkPort, LinkPortKind } from './link/link-port';
export { type HttpMatch } from './link/http-match';
export { ServiceLink, type ServiceLinkOptions, type ServiceLinkProps } from './link/service-link';

// --- edges of the mesh: people in, traffic out, alerts ------------------------------------
export { type OidcIssuer, type RequiredClaim } from './access/oidc';
export { type IngressGatewayOptions } from './access/ingress-gateway';
export { IdentityAwareEntryPoint, type IdentityAwareEntryPointProps } from './access/identity-aware-entry-point';
export { type EntryRouteOptions } from './access/entry-route';
export { PublicRoute, type PublicRouteProps } from './access/public-route';
export { AddressIngress, type AddressIngressProps } from './ingress/address-ingress';
export { ExternalPort } from './egress/external-port';
export {
  AddressEgress, type AddressEgressProps, type ExternalEgressBaseProps, HostEgress, type HostEgressProps,
} from './egress/external-egress';
export { type ZeroTrustAlertOptions, ZeroTrustAlerts, type ZeroTrustAlertsProps } from './alerts/zero-trust-alerts';

// --- the intent model and renderers (for a custom ILayerRenderer) -------------------------
export {
  DataPlane, type LinkIntent, type NamespaceIntent, type PlatformEndpointIntent, type PortIntent, TransportProtocol,
  type WorkloadIntent, ZeroTrustMode,
} from './model/intent';
export {
  type AddressIngressIntent, type AddressRangeIntent, type ClaimIntent, type EntryPointIntent, type EntryRouteIntent,
  type ExternalEgressIntent, type ExternalPortIntent, ExternalProtocol, ExternalTargetKind,
  type GatewayIntent, type JwtIntent, type PublicRouteIntent,
} from './model/edge-intent';
export {
  type DeclaredEntryPoint, type DeclaredIngress, type DeclaredLink, type ILayerRenderer, type IRenderLayer, LayerRenderer,
  type NamespaceRenderContext, type WaypointIntent,
} from './render/renderer';
export { NetworkPolicyRenderer } from './render/network-policy-renderer';
export { IstioRenderer } from './render/istio-renderer';
export { AmbientNetworkPolicyRenderer } from './render/ambient-network-policy-renderer';
export { AmbientIstioRenderer } from './render/ambient-istio-renderer';

// --- the analyzer ------------------------------------------------------------------------
export {
  type AccessChange, type AccessDiff, type AccessPath, type AnalysisFinding, type BlastRadius,
  type ReachedNode, type WorkloadSummary,
} from './analysis/types';
export {
  type AccessCheck, type AccessQuery, type PathFilter, Reachability, type ReachabilityOptions,
} from './analysis/reachability';
export { Telemetry, type TelemetryOptions } from './analysis/telemetry/telemetry';
export {
  type DeniedCall, type PathUsage, type Review, type SuggestedLink, type SuggestOptions, type Suggestion,
} from './analysis/telemetry/types';

// --- AWS identities: a jsii submodule, loaded only when used ------------------------------
// aws-cdk-lib is an optional peer. The build turns this re-export into a lazy getter
// (scripts/lazy-aws.js), so `require('cdk8s-zero-trust')` never loads aws-cdk-lib;
// TypeScript users import `cdk8s-zero-trust/aws` instead.
export * as aws from './aws';
