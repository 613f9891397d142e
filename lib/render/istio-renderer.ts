import { linksByWorkload } from './group';
import { addAuditSidecar, addRegistryOnlySidecar, addRequestAuthentication, addRoute, addServiceEntry, entryPointRules, REGISTRY_ONLY_SIDECAR } from './istio-edges';
import { getOrCreate, lazyFrom, perContext } from './lazy';
import { isAuditing } from './network-policy-edges';
import { DeclaredEntryPoint, DeclaredLink, ILayerRenderer, IRenderLayer } from './renderer';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpecAction,
  AuthorizationPolicySpecRules,
  AuthorizationPolicySpecRulesToOperation,
  PeerAuthentication,
  PeerAuthenticationSpecMtlsMode,
} from '../imports/istio-security.istio.io';
import { EntryPointIntent, ExternalEgressIntent } from '../model/edge-intent';
import { LinkIntent, TransportProtocol, WorkloadIntent, ZeroTrustMode } from '../model/intent';
import { compareStrings, sortedLabels } from '../model/order';

/** Makes an AuthorizationPolicy report what it would do instead of enforcing it. */
export const ISTIO_DRY_RUN_ANNOTATION = 'istio.io/dry-run';

/**
 * The L7 layer: Istio mTLS and authorization.
 *
 * Per namespace: a namespace-wide PeerAuthentication (STRICT, or PERMISSIVE in audit
 * mode) and an allow-nothing AuthorizationPolicy. Per server workload: one ALLOW policy
 * with a rule per group of client principals, on pod ports and, for HTTP, methods and
 * paths, plus a rule per entry point (gateway principal AND token AND claims).
 * The edges (RequestAuthentication, Gateway routes, ServiceEntries, the registry-only
 * Sidecar, per-workload audit objects) are built in istio-edges.ts and placed here.
 */
export class IstioRenderer implements ILayerRenderer {
  public readonly layerName = 'Istio';

  public addNamespace(layer: IRenderLayer): void {
    const ns = layer.namespace;
    const audit = ns.mode === ZeroTrustMode.AUDIT;
    new PeerAuthentication(layer.scope, 'default', {
      metadata: { name: 'default', namespace: ns.name },
      spec: { mtls: { mode: audit ? PeerAuthenticationSpecMtlsMode.PERMISSIVE : PeerAuthenticationSpecMtlsMode.STRICT } },
    });
    // `spec: {}` selects every workload and matches nothing: deny unless another ALLOW matches.
    new AuthorizationPolicy(layer.scope, 'allow-nothing', {
      metadata: { name: 'allow-nothing', namespace: ns.name, annotations: audit ? DRY_RUN : undefined },
      spec: {},
    });
  }

  public addWorkload(layer: IRenderLayer, w: WorkloadIntent): void {
    if (layer.namespace.mode === ZeroTrustMode.AUDIT || w.mode !== ZeroTrustMode.AUDIT) return;
    addAuditObjects(layer, w);
    if (layer.scope.node.tryFindChild(REGISTRY_ONLY_SIDECAR)) addAuditSidecar(layer.scope, layer.namespace.name, w);
  }

  public addLink(layer: IRenderLayer, link: DeclaredLink): void {
    if (link.to.managed && link.to.namespace === layer.namespace.name) this.ingressPolicy(layer, link.to);
    // The registry-only Sidecar imports the namespaces its links call: its spec reads outbound links at synth.
  }

  public addEntryPoint(layer: IRenderLayer, ep: DeclaredEntryPoint): void {
    const ns = layer.namespace;
    const server = ep.workload;
    this.ingressPolicy(layer, server);
    // RequestAuthentication has no dry-run and rejects bad tokens outright: held back while auditing.
    if (!isAuditing(server, ns.mode)) addRequestAuthentication(layer, server);
    if (ep.route) addRoute(layer.scope, ns.name, ep);
  }

  public addExternalEgress(layer: IRenderLayer, egress: ExternalEgressIntent): void {
    const ns = layer.namespace;
    addServiceEntry(layer, egress);
    // Registry-only mode has no dry-run either: only an enforcing namespace with declared egress gets it.
    if (ns.mode === ZeroTrustMode.AUDIT || layer.scope.node.tryFindChild(REGISTRY_ONLY_SIDECAR)) return;
    addRegistryOnlySidecar(layer);
    for (const w of layer.declaredWorkloads().filter(x => x.mode === ZeroTrustMode.AUDIT)) addAuditSidecar(layer.scope, ns.name, w);
  }

  /** The server's one ALLOW policy: a rule per group of principals, plus one per entry point. */
  private ingressPolicy(layer: IRenderLayer, server: WorkloadIntent): void {
    const ns = layer.namespace;
    const name = `${server.name}-ingress`;
    getOrCreate(layer.scope, name, () => new AuthorizationPolicy(layer.scope, name, {
      metadata: { name, namespace: ns.name, annotations: isAuditing(server, ns.mode) ? DRY_RUN : undefined },
      spec: lazyFrom(layer, ctx => ({
        selector: { matchLabels: sortedLabels(server.podLabels) },
        action: AuthorizationPolicySpecAction.ALLOW,
        rules: [
          ...allowRules(tcpLinksTo(ctx).get(server.name) ?? []),
          ...entryPointRules(entriesTo(ctx).get(server.name) ?? []),
        ],
      })),
    }));
  }
}

const DRY_RUN = { [ISTIO_DRY_RUN_ANNOTATION]: 'true' };

/** UDP is not proxied by the sidecar, so only TCP links become authorization rules. */
const tcpLinksTo = perContext(ctx => linksByWorkload(ctx.inbound.filter(l => l.ports.some(p => p.protocol === TransportProtocol.TCP)), l => l.to));

/** Entry points per app workload, grouped once per synthesis. */
const entriesTo = perContext(ctx => {
  const out = new Map<string, EntryPointIntent[]>();
  for (const ep of ctx.entryPoints) out.set(ep.workload.name, [...(out.get(ep.workload.name) ?? []), ep]);
  return out;
});

/**
 * A workload auditing inside an enforcing namespace: PERMISSIVE mTLS, an explicit allow-all
 * (asked for by name with mode: AUDIT) so the enforced allow-nothing does not deny it, and a
 * dry-run allow-nothing so the dry-run report is complete.
 */
function addAuditObjects(layer: IRenderLayer, w: WorkloadIntent): void {
  const ns = layer.namespace.name;
  const name = `${w.name}-audit`;
  const selector = { matchLabels: sortedLabels(w.podLabels) };
  new PeerAuthentication(layer.scope, `PeerAuthentication-${name}`, {
    metadata: { name, namespace: ns },
    spec: { selector, mtls: { mode: PeerAuthenticationSpecMtlsMode.PERMISSIVE } },
  });
  new AuthorizationPolicy(layer.scope, `${w.name}-audit-allow-all`, {
    metadata: { name: `${w.name}-audit-allow-all`, namespace: ns },
    spec: { selector, action: AuthorizationPolicySpecAction.ALLOW, rules: [{}] },
  });
  // Istio's dry-run engine evaluates the dry-run policies alone, and reports nothing when none
  // selects the pod. This one (ALLOW, no rule: matches nothing) makes them answer as enforce
  // would: deny, unless a rule of the workload's own `-ingress` policy matches.
  new AuthorizationPolicy(layer.scope, `${w.name}-audit-allow-nothing`, {
    metadata: { name: `${w.name}-audit-allow-nothing`, namespace: ns, annotations: DRY_RUN },
    spec: { selector, action: AuthorizationPolicySpecAction.ALLOW },
  });
}

/**
 * One rule per set of principals that share exactly the same operations, TCP-only and HTTP
 * operations never in one rule: on a TCP filter chain Istio drops a whole ALLOW rule that has
 * any HTTP field, which would also drop the plain TCP operation beside it.
 */
function allowRules(links: LinkIntent[]): AuthorizationPolicySpecRules[] {
  const opsByPrincipal = new Map<string, Map<string, AuthorizationPolicySpecRulesToOperation>>();
  for (const link of links) {
    const op = operationOf(link);
    const key = `${link.from.principal} ${op.methods || op.paths ? 'http' : 'tcp'}`;
    let ops = opsByPrincipal.get(key);
    if (!ops) opsByPrincipal.set(key, ops = new Map());
    ops.set(JSON.stringify(op), op);
  }
  const principalsByOps = new Map<string, { principals: string[]; ops: AuthorizationPolicySpecRulesToOperation[]; http: boolean }>();
  for (const [principalAndKind, ops] of opsByPrincipal) {
    const space = principalAndKind.lastIndexOf(' ');
    const principal = principalAndKind.slice(0, space);
    const kind = principalAndKind.slice(space + 1);
    const keys = ops.size === 1 ? [...ops.keys()] : [...ops.keys()].sort(compareStrings);
    const key = `${kind} ${keys.join('|')}`;
    const entry = principalsByOps.get(key);
    if (entry) entry.principals.push(principal);
    else principalsByOps.set(key, { principals: [principal], ops: keys.map(k => ops.get(k)!), http: kind === 'http' });
  }
  return [...principalsByOps.values()]
    .map(e => ({ ...e, principals: e.principals.sort(compareStrings) }))
    .sort((a, b) => compareStrings(a.principals[0], b.principals[0]) || Number(a.http) - Number(b.http))
    .map(e => ({
      from: [{ source: { principals: e.principals } }],
      to: e.ops.map(operation => ({ operation })),
    }));
}

/** Istio lists ports as strings and has no ranges, so a range is spelled out port by port. */
function operationOf(link: LinkIntent): AuthorizationPolicySpecRulesToOperation {
  const ports: string[] = [];
  for (const p of link.ports) {
    if (p.protocol !== TransportProtocol.TCP) continue;
    for (let port = p.port; port <= (p.endPort ?? p.port); port++) ports.push(String(port));
  }
  return {
    ports: ports.length > 1 ? [...new Set(ports)] : ports,
    ...(link.http?.methods ? { methods: [...link.http.methods].sort(compareStrings) } : {}),
    ...(link.http?.paths ? { paths: [...link.http.paths].sort(compareStrings) } : {}),
  };
}
