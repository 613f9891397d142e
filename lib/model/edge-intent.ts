/**
 * Intent at the edges of the mesh: people entering through the ingress gateway and
 * workloads leaving the cluster. Like the core intent, it is resolved and validated;
 * renderers turn it into objects.
 */
import { PortIntent, TransportProtocol, WorkloadIntent } from './intent';
import { HttpMatch } from '../link/http-match';

/** How the mesh should treat traffic to an outside port (Istio ServiceEntry port protocol). */
export enum ExternalProtocol {
  /** TLS originated by the app; routed by SNI. */
  HTTPS = 'HTTPS',
  /** Any TLS; routed by SNI. */
  TLS = 'TLS',
  /** Plain HTTP; routed by Host header. */
  HTTP = 'HTTP',
  /** Opaque TCP; routed by destination address and port only. */
  TCP = 'TCP',
  /** UDP: enforced by NetworkPolicy only (the sidecar does not proxy UDP). */
  UDP = 'UDP',
}

/** An outside port a workload may call. */
export interface ExternalPortIntent {
  /** Port number on the outside host. */
  readonly port: number;
  /** How the mesh treats it. */
  readonly protocol: ExternalProtocol;
  /** Transport the NetworkPolicy sees (UDP for UDP, TCP otherwise). */
  readonly transport: TransportProtocol;
}

/** An outside address range, as NetworkPolicy `ipBlock` sees it. */
export interface AddressRangeIntent {
  /** CIDR in canonical form (`203.0.113.0/24`). */
  readonly cidr: string;
  /** Sub-ranges of `cidr` that stay closed, canonical and sorted. */
  readonly except: string[];
}

/** What an egress declaration names on the outside. */
export enum ExternalTargetKind {
  /** Address ranges only (NetworkPolicy ipBlock; a ServiceEntry with `addresses`). */
  ADDRESS = 'address',
  /** A DNS host (ServiceEntry with DNS resolution), plus the address ranges it lives in at L4. */
  HOST = 'host',
}

/** One declared call from a workload to the outside world. */
export interface ExternalEgressIntent {
  /** Construct path of the declaration. */
  readonly path: string;
  /** Readable name of the target (`api-stripe-com`, `cidr-203-0-113-0-24`), used in object names. */
  readonly name: string;
  /** The client workload (owned by a zero-trust namespace). */
  readonly from: WorkloadIntent;
  /** Address ranges or host. */
  readonly kind: ExternalTargetKind;
  /**
   * The outside host, for HOST targets (`api.stripe.com`).
   * @default - none (ADDRESS targets)
   */
  readonly host?: string;
  /** Address ranges opened at L4, sorted. */
  readonly addresses: AddressRangeIntent[];
  /** Ports, sorted. */
  readonly ports: ExternalPortIntent[];
}

/** The Istio ingress gateway people come through. */
export interface GatewayIntent {
  /** Namespace of the gateway pods. */
  readonly namespace: string;
  /** Labels of the gateway pods. */
  readonly podLabels: { [key: string]: string };
  /** Istio principal of the gateway's ServiceAccount. */
  readonly principal: string;
}

/** The OIDC issuer whose tokens an entry point accepts. */
export interface JwtIntent {
  /** Issuer (`iss` claim), an https URL. */
  readonly issuer: string;
  /**
   * URL of the issuer's JSON Web Key Set.
   * @default - `jwks` is set instead
   */
  readonly jwksUri?: string;
  /**
   * Inline JSON Web Key Set.
   * @default - `jwksUri` is set instead
   */
  readonly jwks?: string;
  /**
   * Accepted `aud` values.
   * @default - any audience
   */
  readonly audiences?: string[];
}

/** A claim a token must carry: claim `claim` equals (or, for a list claim, contains) one of `values`. */
export interface ClaimIntent {
  /** Claim path: top-level name first, then nested names (`['groups']`, `['device', 'compliant']`). */
  readonly claim: string[];
  /** Accepted values (any one matches). */
  readonly values: string[];
}

/** Where an entry point is published on the gateway. */
export interface EntryRouteIntent {
  /** Hostnames people type. */
  readonly hosts: string[];
  /** Kubernetes Secret (in the gateway namespace) holding the TLS certificate. */
  readonly tlsCredentialName: string;
  /** Service of the app. */
  readonly serviceName: string;
  /** Service port the gateway forwards to. */
  readonly servicePort: number;
}

/** People reach one workload through the ingress gateway, with a token carrying the required claims. */
export interface EntryPointIntent {
  /** Construct path of the declaration. */
  readonly path: string;
  /** Readable name (DNS-1123 label). */
  readonly name: string;
  /** The application. */
  readonly workload: WorkloadIntent;
  /** Pod ports the gateway calls, sorted. */
  readonly ports: PortIntent[];
  /** The gateway. */
  readonly gateway: GatewayIntent;
  /** The token issuer. */
  readonly jwt: JwtIntent;
  /** Claims every request's token must carry (all of them). */
  readonly claims: ClaimIntent[];
  /**
   * Methods and paths people may use.
   * @default - any request on those ports
   */
  readonly http?: HttpMatch;
  /**
   * Gateway + VirtualService publishing the app.
   * @default - routing is managed elsewhere
   */
  readonly route?: EntryRouteIntent;
}

/**
 * Anyone reaches one workload through the ingress gateway, without a token: the gateway's
 * pods at L4 and the gateway's principal (with the declared operations) at L7.
 */
export interface PublicRouteIntent {
  /** Construct path of the declaration. */
  readonly path: string;
  /** Readable name (DNS-1123 label). */
  readonly name: string;
  /** The application. */
  readonly workload: WorkloadIntent;
  /** Pod ports the gateway calls, sorted. */
  readonly ports: PortIntent[];
  /** The gateway. */
  readonly gateway: GatewayIntent;
  /**
   * Methods and paths the public may use.
   * @default - any request on those ports
   */
  readonly http?: HttpMatch;
  /**
   * Gateway + VirtualService publishing the app.
   * @default - routing is managed elsewhere
   */
  readonly route?: EntryRouteIntent;
}

/**
 * Clients outside the mesh reach one workload from an address range, on its ports:
 * NetworkPolicy `ipBlock` at L4; at L7 plaintext accepted on exactly those ports
 * (port-level PERMISSIVE mTLS) and an ALLOW rule on the connection's source address.
 */
export interface AddressIngressIntent {
  /** Construct path of the declaration. */
  readonly path: string;
  /** Readable name of the range (`cidr-198-51-100-0-24`). */
  readonly name: string;
  /** The workload reached. */
  readonly to: WorkloadIntent;
  /** The range (with its closed sub-ranges). */
  readonly address: AddressRangeIntent;
  /** Pod ports opened, sorted. */
  readonly ports: PortIntent[];
}
