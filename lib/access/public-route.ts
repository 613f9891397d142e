import { Construct, IConstruct } from 'constructs';
import { checkGatewayPorts, claimRouteName, EntryRouteOptions, resolveGatewayPorts, routeIntent } from './entry-route';
import { IdentityAwareEntryPoint } from './identity-aware-entry-point';
import { gatewayIntent, IngressGatewayOptions } from './ingress-gateway';
import { validateWith, zeroTrustError } from '../errors';
import { checkHttpMatch, HttpMatch } from '../link/http-match';
import { LinkPort } from '../link/link-port';
import { workloadIntent } from '../link/service-link';
import { EntryRouteIntent, GatewayIntent, PublicRouteIntent } from '../model/edge-intent';
import { ZeroTrustRegistry } from '../model/registry';
import { findZeroTrustNamespace } from '../namespace/lookup';
import { assertConstructArgs, assertDns1123Label, assertPlainObject } from '../validation';
import { IZeroTrustWorkload, requireOwnedWorkload } from '../workload/workload';

/** Properties of a PublicRoute. */
export interface PublicRouteProps {
  /** The workload the public reaches; a workload of a ZeroTrustNamespace of this app. */
  readonly workload: IZeroTrustWorkload;
  /** Pod ports the gateway calls (TCP), as numbers, named ports or Service ports; must not be empty. */
  readonly ports: LinkPort[];
  /**
   * Methods and paths anyone may use, e.g. `{ methods: ['GET', 'POST'] }` or
   * `{ paths: ['/', '/cart/*'] }`. A path of `*` alone is refused: omit `http` instead.
   * @default - any request on those ports
   */
  readonly http?: HttpMatch;
  /**
   * The ingress gateway (the same options as IdentityAwareEntryPoint's).
   * @default - pods `istio: ingressgateway` in `istio-system`, ServiceAccount `istio-ingressgateway-service-account`
   */
  readonly gateway?: IngressGatewayOptions;
  /**
   * Also emit a Gateway and VirtualService publishing the workload under these hosts
   * (the same options as IdentityAwareEntryPoint's).
   * @default - no routing objects (routing is managed elsewhere)
   */
  readonly route?: EntryRouteOptions;
  /**
   * Readable name (DNS-1123 label), used in object names and to tell two public routes
   * of one workload apart.
   * @default - the workload name
   */
  readonly name?: string;
}

/**
 * PUBLIC: anyone on the internet reaches one workload through the Istio ingress
 * gateway, with no token. Use it for a shop's front door; when people must prove who
 * they are, use IdentityAwareEntryPoint instead.
 *
 * It opens, on the workload: NetworkPolicy ingress from the gateway pods only, on those
 * ports; and, in the workload's one ALLOW policy, a rule for the gateway's principal on
 * those ports and (when given) those methods and paths. Nothing else: a neighbour in the
 * mesh, a pod outside it, or the gateway on another port or path is still refused.
 *
 * In an ambient namespace the gateway tunnels to the workload over HBONE (15008): its principal
 * is admitted by the workload's ztunnel on those ports or, when the workload has a waypoint
 * (HTTP rules need one), by the waypoint, with the methods and paths, the workload's Services
 * then asking the gateway to use it (`istio.io/ingress-use-waypoint`).
 */
export class PublicRoute extends Construct {
  /** The workload the public reaches. */
  public readonly workload: IZeroTrustWorkload;
  /** Readable name used in object names. */
  public readonly name: string;
  /** Where the workload is published, when it is. */
  public readonly route?: EntryRouteIntent;
  /** The ingress gateway the public comes through. */
  public readonly gateway: GatewayIntent;
  /** Methods and paths anyone may use, when restricted. */
  public readonly http?: HttpMatch;
  private readonly ports: LinkPort[];

  constructor(scope: Construct, id: string, props: PublicRouteProps) {
    assertConstructArgs(scope, id, 'PublicRoute');
    super(scope, id);
    assertPlainObject(this, 'PublicRoute props', props, 'pass { workload, ports }');
    this.workload = checkWorkload(this, props.workload);
    this.name = props.name ?? this.workload.name;
    assertDns1123Label(this, 'public route name', this.name);
    this.ports = checkGatewayPorts(this, 'public route', this.workload, props.ports);
    const trustDomain = findZeroTrustNamespace(this.workload)?.trustDomain ?? 'cluster.local';
    this.gateway = gatewayIntent(this, props.gateway ?? {}, trustDomain);
    if (props.http !== undefined) {
      checkHttpMatch(this, props.http);
      this.http = { methods: props.http.methods && [...props.http.methods], paths: props.http.paths && [...props.http.paths] };
    }
    if (props.route) this.route = routeIntent(this, props.route, this.workload.name);
    if (this.route) claimRouteName(this, this.workload.namespace, this.name);
    ZeroTrustRegistry.of(this).addEdge(this);
    // Resolved once per synthesis: the namespaces' renderers read the same result.
    validateWith(this, () => checkBesideEntryPoints(this, ZeroTrustRegistry.of(this).resolved(this, () => this.toIntent())));
  }

  /** One public route per workload and name: give a second route of the same workload its own name. */
  public get declarationKey(): string {
    return `public route "${this.name}" to ${this.workload.namespace}/${this.workload.name}`;
  }

  /** The declaration as renderers see it; throws a ZeroTrustError when a port cannot be resolved. */
  public toIntent(): PublicRouteIntent {
    return {
      path: this.node.path,
      name: this.name,
      workload: workloadIntent(this.workload),
      ports: resolveGatewayPorts(this, this.workload, this.ports, this.route),
      gateway: this.gateway,
      ...(this.http ? { http: copyHttp(this.http) } : {}),
      ...(this.route ? { route: this.route } : {}),
    };
  }
}

/** A copy without absent keys, so the intent serializes the same whichever fields were given. */
function copyHttp(http: HttpMatch): HttpMatch {
  return { ...(http.methods ? { methods: [...http.methods] } : {}), ...(http.paths ? { paths: [...http.paths] } : {}) };
}

/**
 * A public rule without paths, on a port where an IdentityAwareEntryPoint requires a token,
 * would let every request of those methods in without one: the entry point's promise would
 * silently stop holding. Public and token-protected parts of one app are told apart by path.
 */
function checkBesideEntryPoints(route: PublicRoute, intent: PublicRouteIntent): void {
  if (intent.http?.paths) return;
  for (const ep of ZeroTrustRegistry.of(route).edges(IdentityAwareEntryPoint)) {
    if (ep.workload.namespace !== route.workload.namespace || ep.workload.name !== route.workload.name) continue;
    const shared = ep.toIntent().ports.find(p => intent.ports.some(q => q.protocol === p.protocol
      && q.port <= (p.endPort ?? p.port) && p.port <= (q.endPort ?? q.port)));
    if (shared) {
      throw zeroTrustError(route, `public route to ${route.workload.namespace}/${route.workload.name} admits every path on port ${shared.port}, where ${ep.node.path} requires a token, so requests would enter there without one`,
        'list the public paths in http.paths (e.g. ["/", "/static/*"]) and keep the token-protected paths out of them');
    }
  }
}

function checkWorkload(scope: IConstruct, workload: IZeroTrustWorkload): IZeroTrustWorkload {
  return requireOwnedWorkload(scope, 'workload', workload, 'its policies could not be emitted',
    'declare the workload with zeroTrustNamespace.addWorkload() or adopt()');
}
