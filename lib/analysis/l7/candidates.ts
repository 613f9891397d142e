import { PolicyScope } from './authorization';
import { istioMatch } from './tri';
import { Estate, Workload } from '../estate/model';
import { pushTo } from '../multimap';

/**
 * Sources an L7 policy could admit to a destination, used to find paths that are open at L7
 * but closed at L4 without testing every pair. 'all' when the policies do not narrow sources
 * to principals or namespaces (no ALLOW policy, a rule without `from`, only negative fields other than
 * `notPrincipals: ["*"]`, which leaves only peers without a mesh identity).
 */
export function l7CandidateSources(estate: Estate, scope: PolicyScope, destination: Workload, index: SourceIndex): Workload[] | 'all' {
  const byPrincipal = index.byPrincipal;
  const allow = scope.of(destination).enforced.filter(p => p.action === 'ALLOW');
  if (allow.length === 0) return 'all';
  const out = new Set<Workload>();
  for (const p of allow) {
    for (const rule of p.rules) {
      if (!rule.from) return 'all';
      for (const s of rule.from) {
        if (s.principals) {
          for (const pattern of s.principals) {
            const exact = byPrincipal.get(pattern);
            if (exact && !pattern.includes('*')) exact.forEach(w => out.add(w));
            else for (const [principal, ws] of byPrincipal) if (istioMatch(pattern, principal)) ws.forEach(w => out.add(w));
          }
        } else if (s.namespaces) {
          for (const n of s.namespaces) {
            if (!n.includes('*')) index.byNamespace.get(n)?.forEach(w => out.add(w));
            else for (const w of estate.workloads) if (istioMatch(n, w.namespace)) out.add(w);
          }
        } else if (s.serviceAccounts) {
          for (const w of estate.workloads) if (s.serviceAccounts.some(n => istioMatch(n, `${w.namespace}/${w.serviceAccount}`))) out.add(w);
        } else if (s.notPrincipals?.includes('*')) {
          // Peers without a mesh identity only: pods without a sidecar (outside peers come from L4's ipBlock grants).
          index.withoutSidecar.forEach(w => out.add(w));
        } else {
          return 'all';
        }
      }
    }
  }
  // A representative's ServiceAccount is unknown: it stays a candidate whenever sources are narrowed.
  index.representatives.forEach(w => out.add(w));
  return [...out];
}

/** The estate's workloads looked up by principal and namespace, built once so each destination costs only its own rules. */
export interface SourceIndex {
  readonly byPrincipal: Map<string, Workload[]>;
  readonly byNamespace: Map<string, Workload[]>;
  readonly representatives: readonly Workload[];
  readonly withoutSidecar: readonly Workload[];
}

export function sourceIndex(estate: Estate): SourceIndex {
  const index = {
    byPrincipal: new Map<string, Workload[]>(),
    byNamespace: new Map<string, Workload[]>(),
    representatives: [] as Workload[],
    withoutSidecar: [] as Workload[],
  };
  for (const w of estate.workloads) {
    pushTo(index.byNamespace, w.namespace, w);
    if (!w.sidecar) index.withoutSidecar.push(w);
    if (w.representative) {
      index.representatives.push(w);
      continue;
    }
    pushTo(index.byPrincipal, `${estate.settings.trustDomain}/ns/${w.namespace}/sa/${w.serviceAccount}`, w);
  }
  return index;
}

