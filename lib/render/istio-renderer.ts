import { Construct } from 'constructs';
import { linksByWorkload } from './group';
import { ILayerRenderer, NamespaceRenderContext } from './renderer';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpecAction,
  AuthorizationPolicySpecRules,
  AuthorizationPolicySpecRulesToOperation,
  PeerAuthentication,
  PeerAuthenticationSpecMtlsMode,
} from '../imports/istio-security.istio.io';
import { LinkIntent, TransportProtocol, ZeroTrustMode } from '../model/intent';
import { compareStrings, sortedLabels } from '../model/order';

/** Makes an AuthorizationPolicy report what it would do instead of enforcing it. */
export const ISTIO_DRY_RUN_ANNOTATION = 'istio.io/dry-run';

/**
 * The L7 layer: Istio mTLS and authorization.
 *
 * Per namespace: a namespace-wide PeerAuthentication (STRICT, or PERMISSIVE in audit
 * mode) and an allow-nothing AuthorizationPolicy. Per server workload: one ALLOW policy
 * with a rule per group of client principals, on pod ports and, for HTTP, methods and paths.
 */
export class IstioRenderer implements ILayerRenderer {
  public readonly layerName = 'Istio';

  public render(ctx: NamespaceRenderContext): void {
    const ns = ctx.namespace;
    const audit = ns.mode === ZeroTrustMode.AUDIT;
    const scope = new Construct(ctx.scope, this.layerName);
    const annotations = audit ? { [ISTIO_DRY_RUN_ANNOTATION]: 'true' } : undefined;

    new PeerAuthentication(scope, 'default', {
      metadata: { name: 'default', namespace: ns.name },
      spec: { mtls: { mode: audit ? PeerAuthenticationSpecMtlsMode.PERMISSIVE : PeerAuthenticationSpecMtlsMode.STRICT } },
    });
    // `spec: {}` selects every workload and matches nothing: deny unless another ALLOW matches.
    new AuthorizationPolicy(scope, 'allow-nothing', {
      metadata: { name: 'allow-nothing', namespace: ns.name, annotations },
      spec: {},
    });

    // UDP is not proxied by the sidecar, so only TCP links become authorization rules.
    const tcpInbound = ctx.inbound.filter(l => l.ports.some(p => p.protocol === TransportProtocol.TCP));
    for (const [name, links] of linksByWorkload(tcpInbound, l => l.to)) {
      new AuthorizationPolicy(scope, `${name}-ingress`, {
        metadata: { name: `${name}-ingress`, namespace: ns.name, annotations },
        spec: {
          selector: { matchLabels: sortedLabels(links[0].to.podLabels) },
          action: AuthorizationPolicySpecAction.ALLOW,
          rules: allowRules(links),
        },
      });
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
