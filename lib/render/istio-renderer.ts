import { Construct } from 'constructs';
import { linksByWorkload } from './group';
import {
  addAuditSidecar, addPlaintextPorts, addRegistryOnlySidecar, addRequestAuthentication, addRoute, addServiceEntries,
  addressIngressRules, edgeServers, entryPointRules, publicRouteRules,
} from './istio-edges';
import { ILayerRenderer, NamespaceRenderContext } from './renderer';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpecAction,
  AuthorizationPolicySpecRules,
  AuthorizationPolicySpecRulesToOperation,
  PeerAuthentication,
  PeerAuthenticationSpecMtlsMode,
} from '../imports/istio-security.istio.io';
import { EntryPointIntent } from '../model/edge-intent';
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
 * paths, plus a rule per entry point (gateway principal AND token AND claims), per public
 * route's gateway principal, and per set of outside address ranges (with their plaintext ports).
 * The edges (RequestAuthentication, Gateway routes, ServiceEntries, the registry-only
 * Sidecar, per-workload audit objects) are built in istio-edges.ts and placed here.
 */
export class IstioRenderer implements ILayerRenderer {
  public readonly layerName = 'Istio';

  public render(ctx: NamespaceRenderContext): void {
    const ns = ctx.namespace;
    const audit = ns.mode === ZeroTrustMode.AUDIT;
    const scope = new Construct(ctx.scope, this.layerName);
    const auditing = (w: WorkloadIntent) => audit || w.mode === ZeroTrustMode.AUDIT;
    const dryRun = (w?: WorkloadIntent) => (w ? auditing(w) : audit) ? { [ISTIO_DRY_RUN_ANNOTATION]: 'true' } : undefined;

    new PeerAuthentication(scope, 'default', {
      metadata: { name: 'default', namespace: ns.name },
      spec: { mtls: { mode: audit ? PeerAuthenticationSpecMtlsMode.PERMISSIVE : PeerAuthenticationSpecMtlsMode.STRICT } },
    });
    // `spec: {}` selects every workload and matches nothing: deny unless another ALLOW matches.
    new AuthorizationPolicy(scope, 'allow-nothing', {
      metadata: { name: 'allow-nothing', namespace: ns.name, annotations: dryRun() },
      spec: {},
    });

    // UDP is not proxied by the sidecar, so only TCP links become authorization rules.
    const tcpInbound = ctx.inbound.filter(l => l.ports.some(p => p.protocol === TransportProtocol.TCP));
    const linksTo = linksByWorkload(tcpInbound, l => l.to);
    const entriesTo = new Map<string, EntryPointIntent[]>();
    for (const ep of ctx.entryPoints) entriesTo.set(ep.workload.name, [...(entriesTo.get(ep.workload.name) ?? []), ep]);
    const servers = new Map<string, WorkloadIntent>([
      ...[...linksTo.entries()].map(([n, ls]) => [n, ls[0].to] as [string, WorkloadIntent]),
      ...[...entriesTo.entries()].map(([n, eps]) => [n, eps[0].workload] as [string, WorkloadIntent]),
      ...edgeServers(ctx.publicRoutes, ctx.addressIngress),
    ]);
    for (const name of [...servers.keys()].sort(compareStrings)) {
      const server = servers.get(name)!;
      const entries = entriesTo.get(name) ?? [];
      const routes = ctx.publicRoutes.filter(r => r.workload.name === name);
      const ranges = ctx.addressIngress.filter(a => a.to.name === name);
      new AuthorizationPolicy(scope, `${name}-ingress`, {
        metadata: { name: `${name}-ingress`, namespace: ns.name, annotations: dryRun(server) },
        spec: {
          selector: { matchLabels: sortedLabels(server.podLabels) },
          action: AuthorizationPolicySpecAction.ALLOW,
          rules: [...allowRules(linksTo.get(name) ?? []), ...entryPointRules(entries), ...publicRouteRules(routes), ...addressIngressRules(ranges)],
        },
      });
      // RequestAuthentication has no dry-run and rejects bad tokens outright: held back while auditing.
      if (entries.length > 0 && !auditing(server)) addRequestAuthentication(scope, ns.name, server, entries);
      // While auditing, mTLS is PERMISSIVE already, and a second workload-level PeerAuthentication would conflict.
      if (!auditing(server)) addPlaintextPorts(scope, ns.name, server, ranges);
    }
    for (const ep of [...ctx.entryPoints, ...ctx.publicRoutes].filter(e => e.route)) addRoute(scope, ns.name, ep);

    addServiceEntries(scope, ns.name, ctx.externalEgress);
    // Registry-only mode has no dry-run either: only an enforcing namespace with declared egress gets it.
    const sidecar = !audit && ctx.externalEgress.length > 0;
    if (sidecar) addRegistryOnlySidecar(scope, ns, ctx.outbound);

    if (audit) return;
    for (const w of ctx.workloads.filter(x => x.mode === ZeroTrustMode.AUDIT)) {
      const name = `${w.name}-audit`;
      const selector = { matchLabels: sortedLabels(w.podLabels) };
      new PeerAuthentication(scope, `PeerAuthentication-${name}`, {
        metadata: { name, namespace: ns.name },
        spec: { selector, mtls: { mode: PeerAuthenticationSpecMtlsMode.PERMISSIVE } },
      });
      // Asked for by name (mode: AUDIT): admits every request, so the enforced allow-nothing
      // policy does not deny this workload while its own policy only reports (dry-run).
      new AuthorizationPolicy(scope, `${w.name}-audit-allow-all`, {
        metadata: { name: `${w.name}-audit-allow-all`, namespace: ns.name },
        spec: { selector, action: AuthorizationPolicySpecAction.ALLOW, rules: [{}] },
      });
      if (sidecar) addAuditSidecar(scope, ns.name, w);
    }
  }
}

/** One rule per set of principals that share exactly the same operations. */
function allowRules(links: LinkIntent[]): AuthorizationPolicySpecRules[] {
  const opsByPrincipal = new Map<string, Map<string, AuthorizationPolicySpecRulesToOperation>>();
  for (const link of links) {
    const ops = opsByPrincipal.get(link.from.principal) ?? new Map();
    const op = operationOf(link);
    ops.set(JSON.stringify(op), op);
    opsByPrincipal.set(link.from.principal, ops);
  }
  const principalsByOps = new Map<string, { principals: string[]; ops: AuthorizationPolicySpecRulesToOperation[] }>();
  for (const [principal, ops] of opsByPrincipal) {
    const keys = [...ops.keys()].sort(compareStrings);
    const key = keys.join('|');
    const entry = principalsByOps.get(key) ?? { principals: [], ops: keys.map(k => ops.get(k)!) };
    entry.principals.push(principal);
    principalsByOps.set(key, entry);
  }
  return [...principalsByOps.values()]
    .map(e => ({ principals: e.principals.sort(compareStrings), ops: e.ops }))
    .sort((a, b) => compareStrings(a.principals[0], b.principals[0]))
    .map(e => ({
      from: [{ source: { principals: e.principals } }],
      to: e.ops.map(operation => ({ operation })),
    }));
}

/** Istio lists ports as strings and has no ranges, so a range is spelled out port by port. */
function operationOf(link: LinkIntent): AuthorizationPolicySpecRulesToOperation {
  const ports: string[] = [];
  for (const p of link.ports.filter(x => x.protocol === TransportProtocol.TCP)) {
    for (let port = p.port; port <= (p.endPort ?? p.port); port++) ports.push(String(port));
  }
  return {
    ports: [...new Set(ports)],
    ...(link.http?.methods ? { methods: [...link.http.methods].sort(compareStrings) } : {}),
    ...(link.http?.paths ? { paths: [...link.http.paths].sort(compareStrings) } : {}),
  };
}
