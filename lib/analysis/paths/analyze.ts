import { Estate, Finding, Workload } from '../estate/model';
import { evaluateL4, ExternalGrant, isOutside, L4Result } from '../l4/evaluate';
import { formatRange, PortSet, PROTOCOLS } from '../l4/port-set';
import { decidePort, L7Decision, L7Source, PolicyScope } from '../l7/authorization';
import { l7CandidateSources, sourceIndex } from '../l7/candidates';
import { AccessPath, AnalysisFinding, WorkloadSummary } from '../types';
import { formatShape } from './format';
import { l7CutPoints, PortSegment, segmentsOf, servicePortsFor } from './segments';
import { pushTo } from '../multimap';
import { compareText } from '../order';

export interface Analysis {
  readonly estate: Estate;
  readonly l4: L4Result;
  readonly workloads: WorkloadSummary[];
  /** Every (source, destination, port range) that some layer opens, sorted. */
  readonly paths: AccessPath[];
  readonly findings: AnalysisFinding[];
}

const NO_SIDECAR_SOURCE: L7Source = { sidecar: false };

/** Runs both layers over an estate and joins them into per-port verdicts. */
export function analyzeEstate(estate: Estate): Analysis {
  const findings: Finding[] = [...estate.findings];
  const l4 = evaluateL4(estate, findings);
  const scope = new PolicyScope(estate);
  const cutPointCache = new Map<string, Set<number>>();
  const cutPointsOf = (w: Workload): Set<number> => {
    let hit = cutPointCache.get(w.id);
    if (!hit) {
      hit = w.sidecar ? l7CutPoints(estate, scope.of(w), w) : new Set();
      cutPointCache.set(w.id, hit);
    }
    return hit;
  };
  const byId = new Map(estate.workloads.map(w => [w.id, w]));
  const paths: AccessPath[] = [];
  const sourceOf = (w: Workload): L7Source => ({ workload: w, sidecar: w.sidecar });

  const pairs = new Map<string, Map<string, PortSet>>();
  for (const [src, m] of l4.allowed) pairs.set(src, new Map(m));

  // Paths open at L7 but closed at L4: only sources an ALLOW policy names are candidates.
  const sources = sourceIndex(estate);
  for (const destination of estate.workloads) {
    if (!destination.sidecar || isOutside(destination) || !destination.receives) continue;
    const candidates = l7CandidateSources(estate, scope, destination, sources);
    if (candidates === 'all') {
      const policies = scope.of(destination).enforced;
      findings.push({
        kind: 'gap',
        subject: destination.id,
        message: policies.some(p => p.action === 'ALLOW')
          ? 'an ALLOW rule admits sources without naming principals, namespaces or ServiceAccounts (no `from`, or only negative, JWT or IP conditions): L7 alone does not narrow who can connect'
          : 'no ALLOW AuthorizationPolicy applies: L7 admits every source the mTLS mode lets in',
      });
      continue;
    }
    for (const source of candidates) {
      if (!source.originates || source.id === destination.id || (isOutside(source) && isOutside(destination))) continue;
      if (!pairs.has(source.id)) pairs.set(source.id, new Map());
      if (!pairs.get(source.id)!.has(destination.id)) pairs.get(source.id)!.set(destination.id, PortSet.empty());
    }
  }


  for (const [srcId, dsts] of pairs) {
    const source = byId.get(srcId)!;
    for (const [dstId, l4Ports] of dsts) {
      const destination = byId.get(dstId)!;
      const cuts = cutPointsOf(destination);
      const l7Only = l7OnlyPorts(destination, cuts, l4Ports);
      const segments = segmentsOf(l7Only.isEmpty ? l4Ports : l4Ports.union(l7Only), destination, cuts);
      const egressIsolated = source.originates && l4.egressIsolated.has(srcId);
      paths.push(...pathsFor(estate, scope, srcId, sourceOf(source), destination, segments, l4Ports, egressIsolated));
    }
  }

  for (const [srcId, grants] of l4.egressToExternal) {
    for (const grant of grants) paths.push(...externalEgress(srcId, grant));
  }
  for (const [dstId, grants] of l4.ingressFromExternal) {
    const destination = byId.get(dstId)!;
    for (const grant of grants) {
      const segments = segmentsOf(grant.ports, destination, cutPointsOf(destination));
      paths.push(...pathsFor(estate, scope, externalName(grant), externalSource(grant), destination, segments, grant.ports, false)
        .map(p => ({ ...p, reasons: [...p.reasons, `L4: ${grant.policy ? `ipBlock in ${grant.policy}` : 'no NetworkPolicy isolates its ingress'}`] })));
    }
  }

  warnAuthorizationPoliciesSelectingNoPod(estate, findings);

  for (const p of paths) {
    if (p.gap) findings.push({ kind: 'gap', subject: `${p.source} -> ${p.destination} ${p.protocol}/${p.port}`, message: p.gap });
  }

  paths.sort(comparePaths);
  return {
    estate,
    l4,
    workloads: estate.workloads.map(w => ({
      id: w.id,
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      serviceAccount: w.serviceAccount,
      sidecar: w.sidecar,
      platform: w.platform,
      representative: w.representative !== undefined,
      ports: w.ports.map(c => `${c.protocol}/${c.port}${c.name ? ` (${c.name})` : ''}`),
      ingressIsolated: l4.ingressIsolated.has(w.id),
      egressIsolated: l4.egressIsolated.has(w.id),
    })),
    paths,
    findings: dedupeFindings(findings),
  };
}

/**
 * A selector that matches no pod changes nothing: say so. Pods are indexed by one label pair
 * (per namespace, and across namespaces for the root namespace), so each policy tests only the
 * pods carrying its first pair, not every pod of the estate.
 */
function warnAuthorizationPoliciesSelectingNoPod(estate: Estate, findings: Finding[]): void {
  const inNamespace = new Map<string, Workload[]>();
  const anywhere = new Map<string, Workload[]>();
  for (const w of estate.workloads) {
    if (w.representative) continue;
    for (const [k, v] of Object.entries(w.labels)) {
      pushTo(inNamespace, `${w.namespace}\u0000${k}\u0000${v}`, w);
      pushTo(anywhere, `${k}\u0000${v}`, w);
    }
  }
  for (const p of estate.authorizationPolicies) {
    if (!p.selector || Object.keys(p.selector).length === 0 || p.hasTargetRefs) continue;
    const pairs = Object.entries(p.selector);
    const [k0, v0] = pairs[0];
    const candidates = p.namespace === estate.settings.rootNamespace
      ? anywhere.get(`${k0}\u0000${v0}`)
      : inNamespace.get(`${p.namespace}\u0000${k0}\u0000${v0}`);
    if (!(candidates ?? []).some(w => pairs.every(([k, v]) => w.labels[k] === v))) {
      findings.push({ kind: 'warning', subject: `AuthorizationPolicy ${p.namespace}/${p.name}`, message: 'its selector matches no pod in these manifests (are the pods defined elsewhere?); it changes nothing here' });
    }
  }
}


/** A plaintext peer known by the range an `ipBlock` grants (`0.0.0.0/0` when not isolated), so `ipBlocks` rules can be decided. */
function externalSource(grant: ExternalGrant): L7Source {
  return { ...NO_SIDECAR_SOURCE, address: { cidr: grant.cidr, except: grant.except } };
}

/** TCP ports where L7 might admit traffic that L4 refuses: declared ports and ports policies name. */
function l7OnlyPorts(destination: Workload, cuts: ReadonlySet<number>, l4Ports: PortSet): PortSet {
  if (!destination.sidecar) return PortSet.empty();
  const ports = [...destination.ports.filter(c => c.protocol === 'tcp').map(c => c.port), ...cuts].filter(p => !l4Ports.contains('tcp', p));
  return ports.length === 0 ? PortSet.empty() : PortSet.ofPorts('tcp', ports);
}

function pathsFor(
  estate: Estate, scope: PolicyScope, sourceName: string, source: L7Source, destination: Workload,
  segments: PortSegment[], l4Ports: PortSet, sourceEgressIsolated: boolean,
): AccessPath[] {
  const out: AccessPath[] = [];
  let pending: { segment: PortSegment; path: AccessPath } | undefined;
  const flush = () => {
    if (pending) out.push(pending.path);
    pending = undefined;
  };
  for (const segment of segments) {
    const l4Allowed = l4Ports.contains(segment.protocol, segment.range.from);
    const l7: L7Decision = segment.protocol === 'tcp'
      ? decidePort(estate, scope, source, destination, segment.range.from)
      : { verdict: 'n/a', requests: [], reasons: [`Istio authorization does not apply to ${segment.protocol.toUpperCase()}`], caveats: [] };
    if (!l4Allowed && l7.verdict !== 'allow') continue;
    const l7Open = l7.verdict === 'allow' || l7.verdict === 'n/a';
    const verdict = !l4Allowed ? 'deny' : l7.verdict === 'unknown' ? 'unknown' : l7Open ? 'allow' : 'deny';
    const gap = l4Allowed && l7.verdict === 'deny' ? 'open at L4, closed at L7'
      : !l4Allowed && l7.verdict === 'allow' ? 'open at L7, closed at L4' : undefined;
    const path: AccessPath = {
      source: sourceName,
      destination: destination.id,
      protocol: segment.protocol,
      port: formatRange(segment.range),
      portName: segment.declaredName,
      servicePorts: segment.range.from === segment.range.to ? servicePortsFor(estate, destination, segment.protocol, segment.range.from) : [],
      l4: l4Allowed ? 'allow' : 'deny',
      l7: l7.verdict,
      verdict,
      requests: l7.verdict === 'allow' ? l7.requests.map(formatShape) : [],
      reasons: [
        `L4: ${l4Allowed ? (sourceEgressIsolated ? 'egress and ingress NetworkPolicies admit it' : 'ingress admits it; the source has no egress isolation') : 'refused by NetworkPolicy'}`,
        ...l7.reasons.map(r => `L7: ${r}`),
        ...(estate.pairNotes?.get(`${sourceName} ${destination.id}`) ?? []).map(n => `ambient: ${n}`),
      ],
      caveats: [...l7.caveats],
      mtls: l7.mtls,
      dryRunL7: l7.dryRunVerdict,
      gap,
      platform: destination.platform,
    };
    // Adjacent ranges with the same outcome read better as one range (`tcp/any`, not three rows).
    if (pending && pending.segment.protocol === segment.protocol
      && pending.segment.range.to + 1 === segment.range.from && sameOutcome(pending.path, path)) {
      const range = { from: pending.segment.range.from, to: segment.range.to };
      pending = {
        segment: { ...segment, range, declared: false },
        path: { ...pending.path, port: formatRange(range), portName: undefined, servicePorts: [] },
      };
      continue;
    }
    flush();
    pending = { segment, path };
  }
  flush();
  return out;
}

function sameOutcome(a: AccessPath, b: AccessPath): boolean {
  const key = (p: AccessPath) => JSON.stringify([p.l4, p.l7, p.verdict, p.requests, p.caveats, p.dryRunL7, p.gap, p.mtls]);
  return key(a) === key(b);
}

function externalName(grant: ExternalGrant): string {
  return grant.cidr === '0.0.0.0/0' && grant.except.length === 0 ? 'external (0.0.0.0/0)' : `external (${cidrText(grant)})`;
}

function cidrText(grant: ExternalGrant): string {
  return `${grant.cidr}${grant.except.length > 0 ? ` except ${grant.except.join(',')}` : ''}`;
}

function externalEgress(sourceId: string, grant: ExternalGrant): AccessPath[] {
  const destination = grant.cidr === '0.0.0.0/0' && grant.except.length === 0 ? 'internet (0.0.0.0/0)' : `cidr ${cidrText(grant)}`;
  const out: AccessPath[] = [];
  for (const protocol of PROTOCOLS) {
    for (const range of grant.ports.rangesOf(protocol)) {
      out.push({
        source: sourceId,
        destination,
        protocol,
        port: formatRange(range),
        servicePorts: [],
        l4: 'allow',
        l7: 'n/a',
        verdict: 'allow',
        requests: [],
        reasons: [`L4: ${grant.policy ? `ipBlock in ${grant.policy}` : 'no NetworkPolicy isolates its egress'}`, 'L7: traffic leaving the cluster is not checked by the destination sidecar'],
        caveats: grant.cidr === '0.0.0.0/0' ? ['includes every cluster IP not matched by a pod selector'] : [],
        platform: false,
      });
    }
  }
  return out;
}

function comparePaths(a: AccessPath, b: AccessPath): number {
  return compareText(a.source, b.source) || compareText(a.destination, b.destination)
    || compareText(a.protocol, b.protocol) || portStart(a.port) - portStart(b.port);
}

function portStart(port: string): number {
  return port === 'any' ? 1 : Number(port.split('-')[0]);
}

function dedupeFindings(findings: Finding[]): AnalysisFinding[] {
  const seen = new Map<string, AnalysisFinding>();
  for (const f of findings) seen.set(`${f.kind}|${f.subject}|${f.message}`, { kind: f.kind, subject: f.subject, message: f.message });
  return [...seen.values()].sort((a, b) => compareText(a.kind, b.kind) || compareText(a.subject, b.subject) || compareText(a.message, b.message));
}
