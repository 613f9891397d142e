import { Estate, MtlsMode, PeerAuthenticationInfo, Workload } from '../estate/model';
import { selectorMatches } from '../l4/selectors';
import { compareText } from '../order';

export interface EffectiveMtls {
  readonly mode: Exclude<MtlsMode, 'UNSET'>;
  /** The PeerAuthentication (and level) that decided, or the mesh default. */
  readonly decidedBy: string;
}

/**
 * Istio's precedence for the server side: the workload's own PeerAuthentication (port-level
 * setting first), then the namespace-wide one, then the root namespace's, then PERMISSIVE.
 * UNSET at any level inherits from the next.
 */
export function effectiveMtls(estate: Estate, destination: Workload, port: number): EffectiveMtls {
  let memo = MEMO.get(estate);
  if (!memo) {
    memo = new Map();
    MEMO.set(estate, memo);
  }
  const key = `${destination.id}|${port}`;
  let hit = memo.get(key);
  if (!hit) {
    hit = resolveMtls(estate, destination, port);
    memo.set(key, hit);
  }
  return hit;
}

// Asked once per path and port; the answer only depends on the estate.
const MEMO = new WeakMap<Estate, Map<string, EffectiveMtls>>();

function resolveMtls(estate: Estate, destination: Workload, port: number): EffectiveMtls {
  const inNamespace = estate.peerAuthentications.filter(p => p.namespace === destination.namespace);
  const workloadLevel = inNamespace
    .filter(p => p.selector && Object.keys(p.selector).length > 0 && selectorMatches({ matchLabels: p.selector }, destination.labels))
    .sort(byName)[0];
  const namespaceLevel = inNamespace.filter(p => !p.selector || Object.keys(p.selector).length === 0).sort(byName)[0];
  const meshLevel = estate.peerAuthentications
    .filter(p => p.namespace === estate.settings.rootNamespace && (!p.selector || Object.keys(p.selector).length === 0))
    .sort(byName)[0];

  const chain: Array<[MtlsMode | undefined, string]> = [
    [workloadLevel?.portLevel.get(port), `PeerAuthentication ${ref(workloadLevel)} port ${port}`],
    [workloadLevel?.mode, `PeerAuthentication ${ref(workloadLevel)}`],
    [namespaceLevel?.mode, `PeerAuthentication ${ref(namespaceLevel)}`],
    [meshLevel?.mode, `PeerAuthentication ${ref(meshLevel)} (mesh-wide)`],
  ];
  for (const [mode, decidedBy] of chain) {
    if (mode && mode !== 'UNSET') return { mode, decidedBy };
  }
  return { mode: 'PERMISSIVE', decidedBy: 'Istio default (no PeerAuthentication)' };
}

function byName(a: PeerAuthenticationInfo, b: PeerAuthenticationInfo): number {
  return compareText(a.name, b.name);
}

function ref(p: PeerAuthenticationInfo | undefined): string {
  return p ? `${p.namespace}/${p.name}` : '';
}
