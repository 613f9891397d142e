import { App, Chart } from 'cdk8s';
import { buildEstate } from './estate/build';
import { AnalysisInputError } from './estate/errors';
import { loadManifests } from './estate/load';
import { Estate, Finding, Workload } from './estate/model';
import { toDot } from './graph/dot';
import { toMermaid } from './graph/mermaid';
import { buildGraph, GraphModel } from './graph/model';
import { toProtocol } from './l4/port-set';
import { decideRequest, PolicyScope } from './l7/authorization';
import { analyzeEstate, Analysis } from './paths/analyze';
import { blastRadiusOf } from './paths/blast-radius';
import { diffPaths } from './paths/diff';
import { pathLines } from './paths/format';
import { reviewAccess } from './telemetry/review';
import { suggestLinks } from './telemetry/suggest';
import { Telemetry } from './telemetry/telemetry';
import { Review, Suggestion, SuggestOptions } from './telemetry/types';
import { AccessDiff, AccessPath, AnalysisFinding, BlastRadius, WorkloadSummary } from './types';

/** How manifests are interpreted. */
export interface ReachabilityOptions {
  /**
   * Namespace of namespaced objects that carry none.
   * @default 'default'
   */
  readonly defaultNamespace?: string;
  /**
   * SPIFFE trust domain in workload principals (`<trust-domain>/ns/<ns>/sa/<sa>`).
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * Istio root namespace, whose policies without selector apply mesh-wide.
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
  /**
   * Assume kube-dns (`kube-system`, `k8s-app: kube-dns`, UDP/TCP 53), istiod
   * (`istio-system`, `app: istiod`, TCP 15012) and the Istio ingress gateway (`istio-system`,
   * `istio: ingressgateway`, ServiceAccount `istio-ingressgateway-service-account`) when the
   * manifests do not define them.
   * @default true
   */
  readonly platformWorkloads?: boolean;
}

/** Filters for the lists of allowed paths. */
export interface PathFilter {
  /**
   * Include paths to assumed platform endpoints (kube-dns, istiod).
   * @default true
   */
  readonly platform?: boolean;
  /**
   * Include paths from or to networks outside the manifests (`internet`, `external`, `cidr`).
   * @default true
   */
  readonly external?: boolean;
  /**
   * Include paths from the ingress gateway and from representative endpoints (pods a policy
   * names that the manifests do not hold).
   * @default true
   */
  readonly outside?: boolean;
  /**
   * Only paths from this source (`<namespace>/<workload>`).
   * @default - every source
   */
  readonly source?: string;
}

/** One concrete connection or HTTP request to check. */
export interface AccessQuery {
  /** `<namespace>/<workload>`. */
  readonly source: string;
  /** `<namespace>/<workload>`. */
  readonly destination: string;
  /** Destination container port. */
  readonly port: number;
  /**
   * `tcp`, `udp` or `sctp`.
   * @default 'tcp'
   */
  readonly protocol?: string;
  /**
   * HTTP method; with `path`, the request is checked as HTTP.
   * @default - a raw TCP connection
   */
  readonly method?: string;
  /**
   * HTTP path.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Claims of the request's JWT, e.g. `{ iss: 'https://login.example.com', sub: 'alice',
   * aud: 'admin-panel', groups: ['engineering'], amr: ['mfa'] }`. The token is validated
   * against the destination's RequestAuthentications (issuer, audiences); its signature and
   * lifetime are assumed valid.
   * @default - the request carries no token, so it has no request principal
   */
  readonly jwt?: { [claim: string]: any };
}

/** The verdict on one connection or HTTP request. */
export interface AccessCheck {
  /** `allow` or `deny`. */
  readonly l4: string;
  /** `allow`, `deny`, `unknown` or `n/a`. */
  readonly l7: string;
  /** `allow`, `deny` or `unknown`. */
  readonly verdict: string;
  /** Why each layer decided as it did. */
  readonly reasons: string[];
  /** What limits the verdict (CUSTOM policies, unresolvable conditions). */
  readonly caveats: string[];
}

/**
 * Who can reach what, computed from Kubernetes manifests alone: NetworkPolicy (L4) and Istio
 * PeerAuthentication/AuthorizationPolicy (L7), joined per source, destination and port.
 */
export class Reachability {
  /** Analyzes Kubernetes objects, e.g. `chart.toJson()` or parsed YAML documents. */
  public static fromManifests(manifests: any[], options: ReachabilityOptions = {}): Reachability {
    return new Reachability(analyzeEstate(buildEstate(manifests, options)));
  }

  /** Analyzes the objects one chart synthesizes. */
  public static fromChart(chart: Chart, options: ReachabilityOptions = {}): Reachability {
    return Reachability.fromManifests(chart.toJson(), options);
  }

  /** Analyzes every chart of an app together (cross-namespace links need all of them). */
  public static fromApp(app: App, options: ReachabilityOptions = {}): Reachability {
    return Reachability.fromManifests(app.charts.flatMap(c => c.toJson()), options);
  }

  /** Analyzes YAML/JSON files and directories (multi-document, read recursively). */
  public static fromFiles(paths: string[], options: ReachabilityOptions = {}): Reachability {
    return new Reachability(analyzeEstate(estateFromFiles(paths, options)));
  }

  private constructor(private readonly analysis: Analysis) {}

  /** Every path some layer opens, with the verdict of each layer. */
  public paths(): AccessPath[] {
    return [...this.analysis.paths];
  }

  /**
   * Paths both layers admit, one readable line per request family, sorted:
   * `production/checkout-api -> production/payment-service tcp/8080 POST /v1/charges`.
   */
  public allowedPaths(filter: PathFilter = {}): string[] {
    return this.lines('allow', filter);
  }

  /** Paths L4 admits but whose L7 verdict depends on data the manifests do not hold. */
  public uncertainPaths(filter: PathFilter = {}): string[] {
    return this.lines('unknown', filter);
  }

  /** Paths where the layers disagree (a defense-in-depth gap), with the disagreement. */
  public gaps(): string[] {
    return this.analysis.paths.filter(p => p.gap).map(p => `${pathLines(p)[0]}: ${p.gap}`);
  }

  /** What the analyzer does not model, assumed, or found suspicious (gaps included). */
  public findings(): AnalysisFinding[] {
    return [...this.analysis.findings];
  }

  /** Every workload found in the manifests, plus the assumed platform endpoints. */
  public workloads(): WorkloadSummary[] {
    return [...this.analysis.workloads];
  }

  /** What a compromised workload reaches directly, and by pivoting through what it reaches. */
  public blastRadius(workload: string): BlastRadius {
    const w = this.workload(workload);
    const pivotable = new Set(this.analysis.estate.workloads.filter(x => !x.platform).map(x => x.id));
    return blastRadiusOf(w, this.analysis.paths, pivotable);
  }

  /** What changes from this (base) analysis to `head`. */
  public diff(head: Reachability): AccessDiff {
    return diffPaths(this.analysis.paths, head.analysis.paths);
  }

  /** Checks one concrete connection or HTTP request at both layers. */
  public check(query: AccessQuery): AccessCheck {
    const estate = this.analysis.estate;
    const source = estate.workloads.find(w => w.id === this.workload(query.source))!;
    const destination = estate.workloads.find(w => w.id === this.workload(query.destination))!;
    const protocol = toProtocol(query.protocol ?? 'tcp');
    if (!protocol) throw new AnalysisInputError(`unknown protocol '${query.protocol}' (expected tcp, udp or sctp)`);
    const l4 = this.analysis.l4.allowed.get(source.id)?.get(destination.id)?.contains(protocol, query.port) ?? false;
    if (query.jwt !== undefined && (query.jwt === null || typeof query.jwt !== 'object' || Array.isArray(query.jwt))) {
      throw new AnalysisInputError(`jwt must be an object of claims, got ${JSON.stringify(query.jwt)}`);
    }
    if (query.jwt && !query.method) throw new AnalysisInputError('a token is only read from HTTP requests: give a method (and path) with jwt');
    const http = query.method ? { method: query.method, path: query.path ?? '/' } : undefined;
    const l7 = protocol === 'tcp'
      ? decideRequest(estate, new PolicyScope(estate), { workload: source, sidecar: source.sidecar }, destination, query.port, http, query.jwt)
      : { verdict: 'n/a', reasons: [`Istio authorization does not apply to ${protocol.toUpperCase()}`], caveats: [] as string[] };
    const servicePort = servicePortNote(estate, destination, protocol, query.port);
    const verdict = !l4 ? 'deny' : l7.verdict === 'unknown' ? 'unknown' : l7.verdict === 'deny' ? 'deny' : 'allow';
    return {
      l4: l4 ? 'allow' : 'deny',
      l7: l7.verdict,
      verdict,
      reasons: [`L4: ${l4 ? 'admitted by NetworkPolicy' : 'refused by NetworkPolicy'}`, ...l7.reasons.map(r => `L7: ${r}`)],
      caveats: [...(servicePort ? [servicePort] : []), ...l7.caveats],
    };
  }

  /** ServiceLinks for observed calls these manifests do not allow yet, as data and as TypeScript. */
  public suggest(telemetry: Telemetry, options: SuggestOptions = {}): Suggestion {
    return suggestLinks(this.telemetryView(), telemetry, options);
  }

  /** Which allowed paths the telemetry used, which it never used, and which observed calls were denied. */
  public review(telemetry: Telemetry): Review {
    return reviewAccess(this.telemetryView(), telemetry);
  }

  /**
   * Mermaid flowchart of the admitted paths.
   * @param platform draw paths to kube-dns and istiod (default true)
   */
  public toMermaid(platform?: boolean): string {
    return toMermaid(this.graph(platform));
  }

  /**
   * Graphviz DOT of the admitted paths (the CLI's `graph --format svg` renders it).
   * @param platform draw paths to kube-dns and istiod (default true)
   */
  public toDot(platform?: boolean): string {
    return toDot(this.graph(platform));
  }

  private telemetryView() {
    return { estate: this.analysis.estate, paths: this.analysis.paths, check: (q: AccessQuery) => this.check(q) };
  }

  private graph(platform?: boolean): GraphModel {
    const byNs = new Map<string, string[]>();
    for (const w of this.analysis.estate.workloads) {
      if (w.platform) continue;
      if (!byNs.has(w.namespace)) byNs.set(w.namespace, []);
      byNs.get(w.namespace)!.push(w.id);
    }
    return buildGraph(this.analysis.paths, byNs, { platform });
  }

  /** Accepts `<namespace>/<name>` or a bare name when it is unique. */
  private workload(ref: string): string {
    const ws = this.analysis.estate.workloads;
    if (ws.some(w => w.id === ref)) return ref;
    const byName = ws.filter(w => w.name === ref);
    if (byName.length === 1) return byName[0].id;
    if (byName.length > 1) throw new AnalysisInputError(`workload '${ref}' is ambiguous: ${byName.map(w => w.id).join(', ')}; use <namespace>/<name>`);
    throw new AnalysisInputError(`unknown workload '${ref}'; known workloads: ${ws.map(w => w.id).join(', ')}`);
  }

  private lines(verdict: string, filter: PathFilter): string[] {
    const outside = new Set(this.analysis.estate.workloads.filter(w => w.platform || w.representative).map(w => w.id));
    return this.analysis.paths
      .filter(p => p.verdict === verdict)
      .filter(p => filter.platform ?? true ? true : !p.platform)
      .filter(p => filter.external ?? true ? true : !isExternal(p))
      .filter(p => filter.outside ?? true ? true : !outside.has(p.source))
      .filter(p => !filter.source || p.source === this.workload(filter.source))
      .flatMap(pathLines)
      .sort();
  }
}

/** `--port` names a Service port, not a pod port: say so and name the pod port it maps to. */
function servicePortNote(estate: Estate, destination: Workload, protocol: string, port: number): string | undefined {
  if (destination.ports.some(c => c.port === port && c.protocol === protocol)) return undefined;
  for (const s of estate.services) {
    if (s.namespace !== destination.namespace || !s.selector || Object.keys(s.selector).length === 0) continue;
    if (!Object.entries(s.selector).every(([k, v]) => destination.labels[k] === v)) continue;
    const sp = s.ports.find(p => p.port === port && p.protocol === protocol);
    if (!sp) continue;
    const target = typeof sp.targetPort === 'number' ? sp.targetPort : destination.ports.find(c => c.name === sp.targetPort)?.port;
    return `port ${port} is the port of Service ${s.namespace}/${s.name}, not a pod port; policies see the pod port it maps to${target ? `: check --port ${target}` : ` (targetPort '${sp.targetPort}' names no container port)`}`;
  }
  return undefined;
}

function isExternal(p: AccessPath): boolean {
  return p.source.startsWith('external (') || p.destination.startsWith('internet (') || p.destination.startsWith('cidr ');
}

/** The estate of some files. The parsed documents stay in here, so the analysis that follows does not keep them alive. */
function estateFromFiles(paths: string[], options: ReachabilityOptions): Estate {
  const loaded = loadManifests(paths);
  const skipped: Finding[] = [
    ...loaded.skipped.map(file => ({ kind: 'unsupported' as const, subject: file, message: 'not a Kubernetes manifest (no apiVersion and kind); skipped' })),
    ...loaded.special.map(file => ({ kind: 'unsupported' as const, subject: file, message: 'not a regular file (a FIFO, socket or device); skipped, never read' })),
    ...loaded.notes.map(note => ({ kind: 'warning' as const, subject: note.split(': ')[0], message: note.slice(note.indexOf(': ') + 2) })),
  ];
  return buildEstate(loaded.objects, options, skipped);
}
