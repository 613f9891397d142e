import { Construct, IConstruct } from 'constructs';
import { checkGatewayPorts, claimRouteName, EntryRouteOptions, resolveGatewayPorts, routeIntent } from './entry-route';
import { gatewayIntent, IngressGatewayOptions } from './ingress-gateway';
import { claimIntents, jwtIntent, OidcIssuer, RequiredClaim } from './oidc';
import { validateWith, zeroTrustError } from '../errors';
import { checkHttpMatch, HttpMatch } from '../link/http-match';
import { LinkPort } from '../link/link-port';
import { workloadIntent } from '../link/service-link';
import { ClaimIntent, EntryPointIntent, EntryRouteIntent, GatewayIntent, JwtIntent } from '../model/edge-intent';
import { ZeroTrustRegistry } from '../model/registry';
import { findZeroTrustNamespace } from '../namespace/lookup';
import {
  assertArray, assertConstructArgs, assertDns1123Label, assertOptionalArray, assertOptionalPlainObject, assertOptionalString,
  assertPlainObject, assertPortNumber, assertStringMap,
} from '../validation';
import { IZeroTrustWorkload, requireOwnedWorkload } from '../workload/workload';

/** Properties of an IdentityAwareEntryPoint. */
export interface IdentityAwareEntryPointProps {
  /** The application people reach; a workload of a ZeroTrustNamespace of this app. */
  readonly workload: IZeroTrustWorkload;
  /** Pod ports the gateway calls (TCP), as numbers, named ports or Service ports. */
  readonly ports: LinkPort[];
  /** The OIDC issuer whose tokens are accepted. */
  readonly oidc: OidcIssuer;
  /**
   * Claims every request's token must carry, all of them: e.g. group `engineering`
   * (`{ claim: 'groups', values: ['engineering'] }`) and MFA (`{ claim: 'amr', values: ['mfa'] }`).
   * May be empty only when `oidc.audiences` pins the tokens to this application.
   */
  readonly requiredClaims: RequiredClaim[];
  /**
   * Methods and paths people may use.
   * @default - any request on those ports
   */
  readonly http?: HttpMatch;
  /**
   * The ingress gateway.
   * @default - pods `istio: ingressgateway` in `istio-system`, ServiceAccount `istio-ingressgateway-service-account`
   */
  readonly gateway?: IngressGatewayOptions;
  /**
   * Also emit a Gateway and VirtualService publishing the app under these hosts.
   * @default - no routing objects (routing is managed elsewhere)
   */
  readonly route?: EntryRouteOptions;
  /**
   * Readable name (DNS-1123 label) used in object names.
   * @default - the workload name
   */
  readonly name?: string;
}

/**
 * People reach one application through the Istio ingress gateway, and only through it,
 * with a token from the organisation's issuer that carries the required claims.
 *
 * It opens, on the app: NetworkPolicy ingress from the gateway pods only, on those
 * ports; a RequestAuthentication for the issuer; and, in the app's one ALLOW policy, a
 * rule for the gateway's principal AND a request principal of that issuer AND every
 * required claim. A request without a token has no request principal, so it is refused.
 */
export class IdentityAwareEntryPoint extends Construct {
  /** The application people reach. */
  public readonly workload: IZeroTrustWorkload;
  /** Readable name used in object names. */
  public readonly name: string;
  private readonly ports: LinkPort[];
  /** The ingress gateway people come through. */
  public readonly gateway: GatewayIntent;
  private readonly jwt: JwtIntent;
  private readonly claims: ClaimIntent[];
  private readonly http?: HttpMatch;
  /** Where the app is published, when it is. */
  public readonly route?: EntryRouteIntent;

  constructor(scope: Construct, id: string, props: IdentityAwareEntryPointProps) {
    assertConstructArgs(scope, id, 'IdentityAwareEntryPoint');
    super(scope, id);
    checkEntryPointShape(this, props);
    this.workload = checkApp(this, props.workload);
    this.name = props.name ?? this.workload.name;
    assertDns1123Label(this, 'entry point name', this.name);
    this.ports = checkGatewayPorts(this, 'entry point', this.workload, props.ports);
    const trustDomain = findZeroTrustNamespace(this.workload)?.trustDomain ?? 'cluster.local';
    this.gateway = gatewayIntent(this, props.gateway ?? {}, trustDomain);
    this.jwt = jwtIntent(this, props.oidc);
    this.claims = claimIntents(this, props.requiredClaims ?? []);
    if (this.claims.length === 0 && !this.jwt.audiences) {
      throw zeroTrustError(this, `entry point to ${this.workload.namespace}/${this.workload.name} requires no claim and no audience, so any token "${this.jwt.issuer}" ever signed would enter`,
        'set requiredClaims (e.g. group and MFA) or oidc.audiences (the audience of this application)');
    }
    if (props.http !== undefined) {
      checkHttpMatch(this, props.http);
      this.http = { methods: props.http.methods && [...props.http.methods], paths: props.http.paths && [...props.http.paths] };
    }
    if (props.route) this.route = routeIntent(this, props.route, this.workload.name);
    if (this.route) claimRouteName(this, this.workload.namespace, this.name);
    ZeroTrustRegistry.of(this).addEdge(this);
    // Resolved once per synthesis: the namespaces' renderers read the same result.
    validateWith(this, () => ZeroTrustRegistry.of(this).resolved(this, () => this.toIntent()));
  }

  /** One entry point per workload and issuer: a second one would be a duplicate rule. */
  public get declarationKey(): string {
    return `entry point ${this.workload.namespace}/${this.workload.name} for issuer ${this.jwt.issuer}`;
  }

  /** The declaration as renderers see it; throws a ZeroTrustError when a port cannot be resolved. */
  public toIntent(): EntryPointIntent {
    const ports = resolveGatewayPorts(this, this.workload, this.ports, this.route);
    return {
      path: this.node.path,
      name: this.name,
      workload: workloadIntent(this.workload),
      ports,
      gateway: this.gateway,
      jwt: this.jwt,
      claims: this.claims,
      ...(this.http ? { http: this.http } : {}),
      ...(this.route ? { route: this.route } : {}),
    };
  }
}

/** The shape of the props, before any of them is read (jsii callers can pass anything). */
function checkEntryPointShape(scope: IConstruct, props: IdentityAwareEntryPointProps): void {
  assertPlainObject(scope, 'IdentityAwareEntryPoint props', props, 'pass { workload, ports, oidc, requiredClaims }');
  assertOptionalString(scope, 'name', props.name, 'pass the entry point name as a string, e.g. name: "admin-panel"');
  assertArray(scope, 'ports', props.ports, 'list the pod ports the gateway calls, e.g. ports: [LinkPort.named("http")]');
  assertPlainObject(scope, 'oidc', props.oidc, 'describe the issuer, e.g. oidc: { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks" }');
  assertOptionalString(scope, 'oidc.issuer', props.oidc.issuer, 'pass the issuer URL as a string');
  assertOptionalString(scope, 'oidc.jwksUri', props.oidc.jwksUri, 'pass the JWKS URL as a string');
  assertOptionalString(scope, 'oidc.jwks', props.oidc.jwks, 'pass the key set as a JSON string');
  assertOptionalArray(scope, 'oidc.audiences', props.oidc.audiences, 'list the audiences, e.g. audiences: ["admin-panel"]');
  if (props.requiredClaims !== undefined) {
    assertArray(scope, 'requiredClaims', props.requiredClaims, 'list the claims, e.g. requiredClaims: [{ claim: "groups", values: ["engineering"] }]');
    props.requiredClaims.forEach((c, i) => {
      assertPlainObject(scope, `requiredClaims[${i}]`, c, 'describe each claim as { claim: "groups", values: ["engineering"] }');
      assertArray(scope, `requiredClaims[${i}].values`, c.values, 'list the accepted values, e.g. values: ["engineering"]');
      assertOptionalArray(scope, `requiredClaims[${i}].nested`, c.nested, 'list the nested claim names, e.g. nested: ["posture"]');
    });
  }
  assertOptionalPlainObject(scope, 'http', props.http, 'pass { methods: ["GET"], paths: ["/admin/*"] }, or omit http');
  assertOptionalPlainObject(scope, 'gateway', props.gateway, 'pass the gateway options as an object, or omit gateway');
  if (props.gateway?.podLabels !== undefined) assertStringMap(scope, 'gateway.podLabels', props.gateway.podLabels);
  assertOptionalPlainObject(scope, 'route', props.route, 'pass { hosts, tlsCredentialName, servicePort }, or omit route');
  if (props.route !== undefined) {
    assertArray(scope, 'route.hosts', props.route.hosts, 'list the hostnames people use, e.g. hosts: ["admin.example.com"]');
    if (typeof props.route.servicePort !== 'number') assertPortNumber(scope, 'route.servicePort', props.route.servicePort);
  }
}

function checkApp(scope: IConstruct, workload: IZeroTrustWorkload): IZeroTrustWorkload {
  return requireOwnedWorkload(scope, 'workload', workload, 'its policies could not be emitted',
    'declare the application with zeroTrustNamespace.addWorkload() or adopt()');
}
