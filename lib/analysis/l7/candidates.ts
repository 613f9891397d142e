import { PolicyScope } from './authorization';
import { istioMatch } from './tri';
import { Estate, Workload } from '../estate/model';

/**
 * Sources an L7 policy could admit to a destination, used to find paths that are open at L7
 * but closed at L4 without testing every pair. 'all' when the policies do not narrow sources
 * to principals or namespaces (no ALLOW policy, a rule without `from`, only negative fields other than
 * `notPrincipals: ["*"]`, which leaves only peers without a mesh identity).
 */
export function l7CandidateSources(estate: Estate, scope: PolicyScope, destination: Workload, byPrincipal: Map<string, Workload[]>): Workload[] | 'all' {
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
          for (const w of estate.workloads) if (s.namespaces.some(n => istioMatch(n, w.namespace))) out.add(w);
        } else if (s.serviceAccounts) {
          for (const w of estate.workloads) if (s.serviceAccounts.some(n => istioMatch(n, `${w.namespace}/${w.serviceAccount}`))) out.add(w);
        } else if (s.notPrincipals?.includes('*')) {
          // Peers without a mesh identity only: pods without a sidecar (outside peers come from L4's ipBlock grants).
          for (const w of estate.workloads) if (!w.sidecar) out.add(w);
        } else {
          return 'all';
        }
      }
    }
  }
  // A representative's ServiceAccount is unknown: it stays a candidate whenever sources are narrowed.
  for (const w of estate.workloads) if (w.representative) out.add(w);
  return [...out];
}

export function principalIndex(estate: Estate): Map<string, Workload[]> {
  const out = new Map<string, Workload[]>();
  for (const w of estate.workloads) {
    if (w.representative) continue;
    const principal = `${estate.settings.trustDomain}/ns/${w.namespace}/sa/${w.serviceAccount}`;
    if (!out.has(principal)) out.set(principal, []);
    out.get(principal)!.push(w);
  }
  return out;
}
