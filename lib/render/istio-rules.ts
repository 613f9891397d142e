/** Istio authorization rules shared by the sidecar and ambient layers, and the audit objects of a workload. */
import { IRenderLayer } from './renderer';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpecAction,
  AuthorizationPolicySpecRules,
  AuthorizationPolicySpecRulesToOperation,
  PeerAuthentication,
  PeerAuthenticationSpecMtlsMode,
} from '../imports/istio-security.istio.io';
import { LinkIntent, TransportProtocol, WorkloadIntent, ZeroTrustMode } from '../model/intent';
import { compareStrings, sortedLabels } from '../model/order';

/** Makes an AuthorizationPolicy report what it would do instead of enforcing it. */
export const DRY_RUN = { 'istio.io/dry-run': 'true' };

/**
 * A workload auditing inside an enforcing namespace: PERMISSIVE mTLS, an explicit allow-all
 * (asked for by name with mode: AUDIT) so the enforced allow-nothing does not deny it, and a
 * dry-run allow-nothing so the dry-run report is complete.
 */
export function addAuditObjects(layer: IRenderLayer, w: WorkloadIntent): void {
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
export function allowRules(links: LinkIntent[]): AuthorizationPolicySpecRules[] {
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
export function operationOf(link: LinkIntent): AuthorizationPolicySpecRulesToOperation {
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

/**
 * The namespace's mesh baseline, the same in both data planes: STRICT mTLS (PERMISSIVE while
 * auditing) and `spec: {}`, which selects every workload and matches nothing, so only an ALLOW
 * that matches admits a call (dry-run while auditing).
 */
export function addMeshBaseline(layer: IRenderLayer): void {
  const ns = layer.namespace;
  const audit = ns.mode === ZeroTrustMode.AUDIT;
  new PeerAuthentication(layer.scope, 'default', {
    metadata: { name: 'default', namespace: ns.name },
    spec: { mtls: { mode: audit ? PeerAuthenticationSpecMtlsMode.PERMISSIVE : PeerAuthenticationSpecMtlsMode.STRICT } },
  });
  new AuthorizationPolicy(layer.scope, 'allow-nothing', {
    metadata: { name: 'allow-nothing', namespace: ns.name, annotations: audit ? DRY_RUN : undefined },
    spec: {},
  });
}
