import { Workload } from '../estate/model';
import { compareText } from '../order';
import { Evidence } from './evidence';
import { generalisePaths, istioPathMatches } from './generalise';
import { OutsideCall, resolveObservations, ResolvedCall } from './resolve';
import { renderSuggestionCode } from './suggest-code';
import { Telemetry } from './telemetry';
import { SuggestedLink, Suggestion, SuggestOptions } from './types';
import { admits, AnalysisView, allowedOn } from './view';

export const DEFAULT_PATH_THRESHOLD = 5;

interface Draft {
  readonly from: Workload;
  readonly to: Workload;
  readonly ports: string[];
  readonly methods?: string[];
  readonly paths?: string[];
  readonly evidence: Evidence;
}

/** Links for every observed workload-to-workload call the manifests do not allow yet. */
export function suggestLinks(view: AnalysisView, telemetry: Telemetry, options: SuggestOptions = {}): Suggestion {
  const threshold = options.pathThreshold ?? DEFAULT_PATH_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 2) throw new RangeError(`pathThreshold must be an integer of at least 2, got ${threshold}`);
  const resolution = resolveObservations(view.estate, telemetry._aggregates());
  const comments: string[] = [];
  let alreadyAllowed = 0;
  const groups = new Map<string, ResolvedCall[]>();
  const denied = new Map<string, Evidence>();
  const unknownPort = new Map<string, { call: ResolvedCall; evidence: Evidence }>();

  for (const call of resolution.calls) {
    if (call.outcome === 'denied' && !options.includeDenied) {
      const key = `${call.source.id} -> ${call.destination.id} ${call.transport}/${call.port ?? '?'}${call.method ? ` ${call.method} ${call.path}` : ''}`;
      if (!denied.has(key)) denied.set(key, new Evidence());
      denied.get(key)!.add(call.aggregate);
      continue;
    }
    if (call.port === undefined) {
      if (call.candidates.some(p => allowedOn(view, call.source.id, call.destination.id, call.transport, p).length > 0)) {
        alreadyAllowed++;
        continue;
      }
      const key = `${call.source.id} -> ${call.destination.id}`;
      if (!unknownPort.has(key)) unknownPort.set(key, { call, evidence: new Evidence() });
      unknownPort.get(key)!.evidence.add(call.aggregate);
      continue;
    }
    if (admits(view, call, call.port)) {
      alreadyAllowed++;
      continue;
    }
    const key = JSON.stringify([call.source.id, call.destination.id, call.transport, call.port]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(call);
  }

  const drafts: Draft[] = [];
  for (const calls of groups.values()) drafts.push(...draftsFor(calls, threshold));
  // Calls whose port the telemetry lacks but another record of the same pair pins down are covered there.
  for (const [key, { call, evidence }] of unknownPort) {
    if (drafts.some(d => d.from.id === call.source.id && d.to.id === call.destination.id)) continue;
    comments.push(`${key}: ${evidence.lines()[0]}, but the telemetry carries no port and ${call.destination.id} has several (${call.candidates.join(', ')}); add access logs or Hubble flows, or a destination_port label, to pick one`);
  }
  for (const [key, evidence] of [...denied.entries()].sort((x, y) => compareText(x[0], y[0]))) {
    comments.push(`${key}: denied in the telemetry (${evidence.lines().join('; ')}); not suggested: allow it only if it is legitimate (--include-denied)`);
  }
  comments.push(...outsideComments(resolution.outside));

  const links = name(merge(drafts));
  const suggestion = {
    links,
    comments,
    alreadyAllowed,
    unattributed: resolution.unattributed.map(u => `${u.reason}: ${u.count} call${u.count === 1 ? '' : 's'} (first at ${u.origin})`),
  };
  return { ...suggestion, code: renderSuggestionCode(suggestion, options) };
}

function draftsFor(calls: ResolvedCall[], threshold: number): Draft[] {
  const { source, destination, transport, port } = { ...calls[0], port: calls[0].port! };
  // A Service port equal to the pod port reads better as the pod port; a different one is kept as observed.
  const viaService = calls.map(c => c.servicePort).filter((p): p is number => p !== undefined && p !== port);
  const portExpr = transport === 'udp' ? `LinkPort.udp(${port})`
    : viaService.length > 0 && new Set(viaService).size === 1 ? `LinkPort.service(${viaService[0]})` : `LinkPort.tcp(${port})`;
  const requests = calls.filter(c => c.http && c.method && c.path !== undefined);
  // Raw TCP seen by Istio would be refused by an HTTP match: then the link opens the port.
  const rawTcp = calls.some(c => !c.http && !c.l4Only);
  if (rawTcp || requests.length === 0 || transport !== 'tcp') {
    const evidence = new Evidence();
    for (const c of calls) evidence.add(c.aggregate, c.method ? `${c.method} ${c.path}` : undefined);
    return [{ from: source, to: destination, ports: [portExpr], evidence }];
  }
  const patterns = generalisePaths(requests.map(c => c.path!), threshold);
  const byMethods = new Map<string, { methods: string[]; paths: string[]; evidence: Evidence }>();
  for (const pattern of patterns) {
    const covered = requests.filter(c => istioPathMatches(pattern, c.path!));
    const methods = [...new Set(covered.map(c => c.method!))].sort();
    const key = methods.join(',');
    if (!byMethods.has(key)) byMethods.set(key, { methods, paths: [], evidence: new Evidence() });
    const group = byMethods.get(key)!;
    group.paths.push(pattern);
    for (const c of covered) group.evidence.add(c.aggregate, `${c.method} ${c.path}`);
  }
  // Records without method/path (metrics, L4 flows) of this port add to the first link's evidence.
  const blind = calls.filter(c => !(c.http && c.method && c.path !== undefined));
  const out: Draft[] = [...byMethods.values()].map(g => ({
    from: source,
    to: destination,
    ports: [portExpr],
    methods: g.methods,
    paths: g.paths.includes('*') ? undefined : g.paths.sort(),
    evidence: g.evidence,
  }));
  for (const c of blind) out[0].evidence.add(c.aggregate);
  return out;
}

/** Links of one pair with the same HTTP rule become one link with several ports. */
function merge(drafts: Draft[]): Draft[] {
  const byKey = new Map<string, Draft>();
  for (const d of drafts) {
    const key = JSON.stringify([d.from.id, d.to.id, d.methods ?? null, d.paths ?? null]);
    const hit = byKey.get(key);
    if (!hit) {
      byKey.set(key, { ...d, ports: [...d.ports] });
      continue;
    }
    hit.ports.push(...d.ports);
    for (const line of [d.evidence]) mergeEvidence(hit.evidence, line);
  }
  return [...byKey.values()].map(d => ({ ...d, ports: [...new Set(d.ports)].sort(comparePortExpr) }))
    .sort((x, y) => compareText(x.from.id, y.from.id) || compareText(x.to.id, y.to.id)
      || compareText(JSON.stringify(x.methods ?? []), JSON.stringify(y.methods ?? []))
      || compareText(JSON.stringify(x.paths ?? []), JSON.stringify(y.paths ?? [])));
}

function mergeEvidence(into: Evidence, from: Evidence): void {
  into.count += from.count;
  if (from.first !== undefined) into.first = into.first === undefined ? from.first : Math.min(into.first, from.first);
  if (from.last !== undefined) into.last = into.last === undefined ? from.last : Math.max(into.last, from.last);
  for (const [c, n] of from.codes) into.codes.set(c, (into.codes.get(c) ?? 0) + n);
  for (const f of from.formats) into.formats.add(f);
  for (const [r, n] of from.requests) into.requests.set(r, (into.requests.get(r) ?? 0) + n);
}

function comparePortExpr(a: string, b: string): number {
  const n = (s: string) => Number(/\((\d+)\)/.exec(s)?.[1] ?? 0);
  return n(a) - n(b) || compareText(a, b);
}

/** Stable, readable construct ids: `<from>-to-<to>`, namespaced only when names clash. */
function name(drafts: Draft[]): SuggestedLink[] {
  const short = (d: Draft) => `${d.from.name}-to-${d.to.name}`;
  const pairsPerShort = new Map<string, Set<string>>();
  for (const d of drafts) {
    if (!pairsPerShort.has(short(d))) pairsPerShort.set(short(d), new Set());
    pairsPerShort.get(short(d))!.add(`${d.from.id}>${d.to.id}`);
  }
  const used = new Map<string, number>();
  return drafts.map(d => {
    const base = pairsPerShort.get(short(d))!.size > 1 ? `${d.from.namespace}-${d.from.name}-to-${d.to.namespace}-${d.to.name}` : short(d);
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return {
      id: n === 1 ? base : `${base}-${n}`,
      from: d.from.id,
      to: d.to.id,
      ports: d.ports,
      methods: d.methods,
      paths: d.paths,
      evidence: d.evidence.lines(),
    };
  });
}

function outsideComments(outside: OutsideCall[]): string[] {
  const groups = new Map<string, { call: OutsideCall; evidence: Evidence }>();
  for (const o of outside) {
    const key = JSON.stringify([o.direction, o.workload.id, o.peer, o.port ?? null]);
    if (!groups.has(key)) groups.set(key, { call: o, evidence: new Evidence() });
    groups.get(key)!.evidence.add(o.aggregate);
  }
  const out: string[] = [];
  for (const { call: o, evidence } of groups.values()) {
    const seen = evidence.lines()[0];
    const w = `w['${o.workload.id}']`;
    if (o.direction === 'egress') {
      const port = o.port ?? 443;
      const ext = port === 443 ? 'ExternalPort.https()' : `ExternalPort.tcp(${port})`;
      out.push(o.host && !/^[\d.:]+$/.test(o.host)
        ? `${o.workload.id} calls ${o.host}:${port} outside the cluster (${seen}): declare new HostEgress(scope, '${o.workload.name}-to-${o.host.replace(/[^a-z0-9]+/gi, '-')}', { from: ${w}, host: '${o.host}', ports: [${ext}], addresses: [/* the provider's published ranges */] })`
        : `${o.workload.id} calls ${o.ip ?? o.peer}:${port} outside the cluster (${seen}): declare new AddressEgress(scope, '${o.workload.name}-to-${(o.ip ?? o.peer).replace(/[^a-z0-9]+/gi, '-')}', { from: ${w}, cidr: '${o.ip ?? o.peer}/32', ports: [${ext}] })`);
    } else {
      out.push(`${o.peer} calls ${o.workload.id}${o.port ? ` on port ${o.port}` : ''} from outside the manifests (${seen}): if it is the ingress gateway, declare an IdentityAwareEntryPoint (people with a token) or a PublicRoute (anyone) for ${w}; otherwise reference the caller with ZeroTrustWorkload.fromAttributes() and add a ServiceLink`);
    }
  }
  return out.sort(compareText);
}
