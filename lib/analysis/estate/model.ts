import { Protocol } from '../l4/port-set';
import { LabelSelector, Labels } from '../l4/selectors';

/** The analyzer's normalized view of a set of manifests. Internal: not part of the jsii API. */
export interface Estate {
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly workloads: readonly Workload[];
  readonly services: readonly ServiceInfo[];
  readonly networkPolicies: readonly NetworkPolicyInfo[];
  readonly peerAuthentications: readonly PeerAuthenticationInfo[];
  readonly authorizationPolicies: readonly AuthorizationPolicyInfo[];
  readonly requestAuthentications: readonly RequestAuthenticationInfo[];
  readonly destinationRules: readonly DestinationRuleInfo[];
  /** Things the analyzer read but does not model, or input it had to interpret. */
  readonly findings: readonly Finding[];
  readonly settings: EstateSettings;
  /**
   * Notes on single source → destination pairs, keyed `<source id> <destination id>`, added to
   * each path's reasons (in ambient: what a call addressed to the pod, skipping the waypoint, gets).
   */
  readonly pairNotes?: ReadonlyMap<string, readonly string[]>;
}

export interface EstateSettings {
  readonly trustDomain: string;
  readonly rootNamespace: string;
}

export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Labels;
  /** False when the namespace is only referenced, never declared. */
  readonly declared: boolean;
}

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Workload {
  /** `<namespace>/<name>`: the name used in every report. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly labels: Labels;
  readonly serviceAccount: string;
  readonly ports: readonly ContainerPort[];
  readonly sidecar: boolean;
  /** An assumed platform endpoint (kube-dns, istiod, the ingress gateway) that the manifests did not define. */
  readonly platform: boolean;
  /**
   * A representative endpoint: the pods a policy peer names that are not in the manifests
   * ("pods with labels L in namespaces matching S"). Its ServiceAccount is unknown.
   */
  readonly representative?: { readonly namespaceKnown: boolean };
  /** Whether its outbound traffic is analysed (false for kube-dns and istiod: destinations only). */
  readonly originates: boolean;
  /** Whether traffic towards it is analysed (false for the ingress gateway and ingress-only representatives). */
  readonly receives: boolean;
  /** An Istio gateway: it sends mTLS with its own identity but enforces no sidecar policy inbound. */
  readonly gateway?: boolean;
}

export interface ServicePortInfo {
  readonly name?: string;
  readonly port: number;
  readonly targetPort: number | string;
  readonly protocol: Protocol;
}

export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  readonly selector?: Labels;
  readonly ports: readonly ServicePortInfo[];
}

export interface NetworkPolicyPortInfo {
  readonly protocol: Protocol;
  /** Undefined means every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

export type NetworkPolicyPeerInfo =
  | { readonly kind: 'pods'; readonly namespaceSelector?: LabelSelector; readonly podSelector?: LabelSelector }
  | { readonly kind: 'ipBlock'; readonly cidr: string; readonly except: readonly string[] };

export interface NetworkPolicyRuleInfo {
  /** 'any' when `from`/`to` is absent or empty: every source or destination, IPs included. */
  readonly peers: readonly NetworkPolicyPeerInfo[] | 'any';
  /** 'any' when `ports` is absent or empty. */
  readonly ports: readonly NetworkPolicyPortInfo[] | 'any';
}

export interface NetworkPolicyInfo {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  readonly isolatesIngress: boolean;
  readonly isolatesEgress: boolean;
  readonly ingress: readonly NetworkPolicyRuleInfo[];
  readonly egress: readonly NetworkPolicyRuleInfo[];
}

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET';

export interface PeerAuthenticationInfo {
  readonly namespace: string;
  readonly name: string;
  readonly selector?: Labels;
  readonly mode: MtlsMode;
  readonly portLevel: ReadonlyMap<number, MtlsMode>;
}

export interface IstioSource {
  readonly principals?: readonly string[];
  readonly notPrincipals?: readonly string[];
  readonly requestPrincipals?: readonly string[];
  readonly notRequestPrincipals?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly notNamespaces?: readonly string[];
  readonly ipBlocks?: readonly string[];
  readonly notIpBlocks?: readonly string[];
  readonly remoteIpBlocks?: readonly string[];
  readonly notRemoteIpBlocks?: readonly string[];
  readonly serviceAccounts?: readonly string[];
  readonly notServiceAccounts?: readonly string[];
  readonly trustDomains?: readonly string[];
  readonly notTrustDomains?: readonly string[];
  /** Fields the analyzer does not know: every answer that depends on this source is unknown. */
  readonly unknownFields?: readonly string[];
}

export interface IstioOperation {
  readonly hosts?: readonly string[];
  readonly notHosts?: readonly string[];
  readonly ports?: readonly string[];
  readonly notPorts?: readonly string[];
  readonly methods?: readonly string[];
  readonly notMethods?: readonly string[];
  readonly paths?: readonly string[];
  readonly notPaths?: readonly string[];
  readonly unknownFields?: readonly string[];
}

export interface IstioCondition {
  readonly key: string;
  readonly values?: readonly string[];
  readonly notValues?: readonly string[];
  readonly unknownFields?: readonly string[];
}

export interface IstioRule {
  readonly from?: readonly IstioSource[];
  readonly to?: readonly IstioOperation[];
  readonly when?: readonly IstioCondition[];
  readonly unknownFields?: readonly string[];
}

export type AuthorizationAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

export interface AuthorizationPolicyInfo {
  readonly namespace: string;
  readonly name: string;
  readonly apiVersion: string;
  readonly selector?: Labels;
  readonly hasTargetRefs: boolean;
  readonly action: AuthorizationAction;
  readonly rules: readonly IstioRule[];
  readonly dryRun: boolean;
}

/** One `jwtRules` entry: which tokens the selected workloads validate. */
export interface JwtRuleInfo {
  readonly issuer: string;
  /** Empty: Istio accepts any audience. */
  readonly audiences: readonly string[];
}

export interface RequestAuthenticationInfo {
  readonly namespace: string;
  readonly name: string;
  readonly selector?: Labels;
  readonly jwtRules: readonly JwtRuleInfo[];
}

/** Client-side TLS of a DestinationRule: only what decides plaintext versus Istio mTLS. */
export interface DestinationRuleInfo {
  readonly namespace: string;
  readonly name: string;
  /** As written: `svc`, `svc.ns`, `svc.ns.svc.cluster.local`, `*.ns.svc.cluster.local`, `*`. */
  readonly host: string;
  /** `trafficPolicy.tls.mode`, if set. */
  readonly mode?: string;
  /** `portLevelSettings[].tls.mode` by service port number. */
  readonly portModes: ReadonlyMap<number, string>;
  /** `exportTo` contains only `.` (visible in its own namespace only). */
  readonly privateToNamespace: boolean;
  readonly workloadSelector?: Labels;
}

export type FindingKind = 'unsupported' | 'assumption' | 'gap' | 'warning';

export interface Finding {
  readonly kind: FindingKind;
  /** What the finding is about: `<kind> <namespace>/<name>` or a workload id. */
  readonly subject: string;
  readonly message: string;
}
