import { compareText } from '../order';
import { AccessPath } from '../types';
import { Evidence, windowText } from './evidence';
import { resolveObservations, ResolvedCall } from './resolve';
import { Telemetry } from './telemetry';
import { DeniedCall, PathUsage, Review } from './types';
import { admits, AnalysisView, familyMatches, inRange } from './view';
import { pathKey } from '../paths/format';

const isExternal = (p: AccessPath) => p.source.startsWith('external (') || p.destination.startsWith('internet (') || p.destination.startsWith('cidr ');

/**
 * Which allowed workload-to-workload paths the telemetry used, which request families were never
 * used, and which observed calls were (or, once enforced, would be) denied.
 */
export function reviewAccess(view: AnalysisView, telemetry: Telemetry): Review {
  const resolution = resolveObservations(view.estate, telemetry._aggregates());
  // A representative endpoint stands for pods the manifests do not hold, so no observed workload can
  // be matched to it: its paths (such as monitoring scrapes) would always read as unused.
  const representative = new Set(view.estate.workloads.filter(w => w.representative).map(w => w.id));
  const declared = view.paths.filter(p => p.verdict === 'allow' && !p.platform && !isExternal(p)
    && !representative.has(p.source) && !representative.has(p.destination));
  const usage = new Map<AccessPath, { calls: Evidence; families: Set<string> }>();
  const declaredByPair = new Map<string, AccessPath[]>();
  for (const p of declared) {
    usage.set(p, { calls: new Evidence(), families: new Set() });
    const key = `${p.source}|${p.destination}|${p.protocol}`;
    if (!declaredByPair.has(key)) declaredByPair.set(key, []);
    declaredByPair.get(key)!.push(p);
  }
  const denied = new Map<string, { kind: string; reason: string; evidence: Evidence }>();
  const deny = (call: ResolvedCall, kind: string, reason: string) => {
    const key = `${call.source.id} -> ${call.destination.id} ${call.transport}/${call.port ?? call.candidates.join('|')}${call.method ? ` ${call.method} ${call.path}` : ''}`;
    const id = `${key}\u0000${kind}`;
    if (!denied.has(id)) denied.set(id, { kind, reason, evidence: new Evidence() });
    denied.get(id)!.evidence.add(call.aggregate);
  };
  let first: number | undefined;
  let last: number | undefined;

  for (const call of resolution.calls) {
    const a = call.aggregate;
    if (a.first !== undefined) first = first === undefined ? a.first : Math.min(first, a.first);
    if (a.last !== undefined) last = last === undefined ? a.last : Math.max(last, a.last);
    const ports = call.port !== undefined ? [call.port] : call.candidates;
    const onPorts = (declaredByPair.get(`${call.source.id}|${call.destination.id}|${call.transport}`) ?? [])
      .filter(p => ports.some(port => inRange(p.port, port)));
    for (const p of onPorts) {
      const u = usage.get(p)!;
      u.calls.add(a);
      for (const f of requestAtoms(p)) {
        if (call.http && call.method ? familyMatches(f, call.method, call.path) : true) u.families.add(f);
      }
    }
    if (call.outcome === 'denied') {
      deny(call, 'denied', 'refused in the telemetry (RBAC 403, policy drop or registry-only egress)');
      continue;
    }
    if (call.outcome === 'audit') deny(call, 'audit', 'passed only because of audit mode: enforcing would drop it');
    if (call.port === undefined) {
      if (onPorts.length === 0) deny(call, 'would-deny', `the manifests allow none of ${call.candidates.join(', ')}`);
      continue;
    }
    if (!admits(view, call, call.port)) {
      deny(call, 'would-deny', 'observed passing, but the manifests do not allow it: enforcing them would break it');
      continue;
    }
    const dryRun = onPorts.some(p => p.dryRunL7 === 'deny');
    if (dryRun) deny(call, 'audit', 'dry-run AuthorizationPolicies would deny it once enforced');
  }

  const used: PathUsage[] = [];
  const unused: PathUsage[] = [];
  for (const [p, u] of usage) {
    const entry: PathUsage = {
      path: pathKey(p),
      calls: u.calls.count,
      unusedRequests: requestAtoms(p).filter(f => !u.families.has(f)),
      declaredBy: declaredBy(p),
    };
    (u.calls.count > 0 ? used : unused).push(entry);
  }
  const byPath = (x: PathUsage, y: PathUsage) => compareText(x.path, y.path);
  const deniedCalls: DeniedCall[] = [...denied.entries()].map(([id, d]) => ({ call: id.split('\u0000')[0], count: d.evidence.count, kind: d.kind, reason: d.reason }))
    .sort((x, y) => compareText(x.call, y.call) || compareText(x.kind, y.kind));
  return {
    used: used.sort(byPath),
    unused: unused.sort(byPath),
    denied: deniedCalls,
    unattributed: resolution.unattributed.map(u => `${u.reason}: ${u.count} call${u.count === 1 ? '' : 's'} (first at ${u.origin})`),
    window: first === undefined ? 'unknown' : windowText(first, last),
  };
}

/** The manifests carry no construct paths; the link that opens a workload path is named by its ends. */
function declaredBy(p: AccessPath): string {
  return `a ServiceLink (or allowFrom) from ${p.source} to ${p.destination} on ${p.protocol}/${p.port}`;
}

/** `GET,POST /a,/b` → `GET /a`, `GET /b`, `POST /a`, `POST /b`: review reports each method and path. */
function requestAtoms(p: AccessPath): string[] {
  const out = new Set<string>();
  for (const family of p.requests) {
    const [methods, paths = '*', ...rest] = family.split(' ');
    const suffix = rest.length > 0 ? ` ${rest.join(' ')}` : '';
    for (const m of methods.split(',')) for (const path of paths.split(',')) out.add(`${m} ${path}${suffix}`);
  }
  return [...out].sort(compareText);
}
