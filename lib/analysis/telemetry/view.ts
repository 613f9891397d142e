import { Estate } from '../estate/model';
import { AccessCheck, AccessQuery } from '../reachability';
import { AccessPath } from '../types';
import { istioPathMatches } from './generalise';
import { ResolvedCall } from './resolve';

/** What suggest and review need from an analysis: the estate, its allowed set and a checker. */
export interface AnalysisView {
  readonly estate: Estate;
  readonly paths: readonly AccessPath[];
  readonly check: (q: AccessQuery) => AccessCheck;
}

// Looked up once per observed call: index the allowed paths by pair and protocol once per analysis.
const ALLOWED_INDEX = new WeakMap<readonly AccessPath[], Map<string, AccessPath[]>>();

/** Allowed paths between these two workloads on this port. */
export function allowedOn(view: AnalysisView, source: string, destination: string, protocol: string, port: number): AccessPath[] {
  let index = ALLOWED_INDEX.get(view.paths);
  if (!index) {
    index = new Map();
    for (const p of view.paths) {
      if (p.verdict !== 'allow') continue;
      const key = `${p.source}|${p.destination}|${p.protocol}`;
      if (!index.has(key)) index.set(key, []);
      index.get(key)!.push(p);
    }
    ALLOWED_INDEX.set(view.paths, index);
  }
  return (index.get(`${source}|${destination}|${protocol}`) ?? []).filter(p => inRange(p.port, port));
}

export function inRange(range: string, port: number): boolean {
  if (range === 'any') return true;
  const [a, b] = range.split('-').map(Number);
  return port >= a && port <= (b ?? a);
}

/**
 * Whether the manifests admit an observed call. A request with method and path is checked as
 * such; a connection whose content the telemetry could not see (metrics without path, Hubble
 * without L7) counts as admitted when some allowed path opens that port.
 */
export function admits(view: AnalysisView, call: ResolvedCall, port: number): boolean {
  const open = allowedOn(view, call.source.id, call.destination.id, call.transport, port);
  if (open.length === 0) return false;
  if (call.http && call.method && call.path !== undefined) {
    return view.check({ source: call.source.id, destination: call.destination.id, port, protocol: call.transport, method: call.method, path: call.path }).verdict === 'allow';
  }
  if (!call.http && !call.l4Only) return open.some(p => p.requests.length === 0);
  return true;
}

/** Whether a request family (`GET,POST /orders/*`, `* *`) covers a request. */
export function familyMatches(family: string, method: string | undefined, path: string | undefined): boolean {
  const [methods, paths] = family.split(' ');
  const methodOk = methods === '*' || (method !== undefined && methods.split(',').includes(method));
  const pathOk = paths === undefined || paths === '*' || (path !== undefined && paths.split(',').some(p => istioPathMatches(p, path)));
  return methodOk && pathOk;
}
