import { pathKey } from '../paths/format';
import { Reachability } from '../reachability';
import { AccessDiff, AccessPath, AnalysisFinding, BlastRadius } from '../types';
import { Section } from './document';

export function portText(p: AccessPath): string {
  const name = p.portName ? ` (${p.portName})` : '';
  const via = p.servicePorts.length > 0 ? ` via ${p.servicePorts.join(', ')}` : '';
  return `${p.protocol}/${p.port}${name}${via}`;
}

function requestsText(p: AccessPath): string {
  if (p.verdict === 'unknown') return 'depends on unresolved attributes';
  return p.requests.length > 0 ? p.requests.join('; ') : (p.l7 === 'n/a' ? 'any (no L7 check)' : 'any');
}

const isExternal = (p: AccessPath) => p.source.startsWith('external (') || p.destination.startsWith('internet (') || p.destination.startsWith('cidr ');

/** The sections of `reach`: workload paths, DNS/control plane, external, gaps, findings. */
export function reachSections(reach: Reachability): Section[] {
  const paths = reach.paths();
  const admitted = paths.filter(p => p.verdict === 'allow');
  const outside = new Set(reach.workloads().filter(w => w.platform || w.representative).map(w => w.id));
  const workloadPaths = admitted.filter(p => !p.platform && !isExternal(p) && !outside.has(p.source));
  const sections: Section[] = [{
    title: `Allowed paths between workloads (${workloadPaths.length})`,
    table: {
      headers: ['SOURCE', 'DESTINATION', 'PORT', 'REQUESTS', 'L4', 'L7'],
      rows: workloadPaths.map(p => [p.source, p.destination, portText(p), requestsText(p), p.l4, p.l7]),
    },
  }];
  const entering = admitted.filter(p => outside.has(p.source));
  if (entering.length > 0) {
    sections.push({
      title: `From pods outside the manifests: ingress gateway and representative endpoints (${entering.length})`,
      table: { headers: ['SOURCE', 'PORT', 'REQUESTS', 'DESTINATIONS'], rows: groupDestinations(entering, reach) },
    });
  }
  const platform = admitted.filter(p => p.platform);
  if (platform.length > 0) sections.push({ title: 'DNS and control plane', table: { headers: ['DESTINATION', 'PORT', 'SOURCES'], rows: groupSources(platform, reach) } });
  const external = admitted.filter(isExternal);
  if (external.length > 0) {
    sections.push({
      title: `Paths to or from outside the manifests (${external.length})`,
      table: { headers: ['SOURCE', 'DESTINATION', 'PORT', 'L7'], rows: external.map(p => [p.source, p.destination, portText(p), p.l7]) },
    });
  }
  const uncertain = paths.filter(p => p.verdict === 'unknown');
  if (uncertain.length > 0) {
    sections.push({
      title: `Uncertain at L7 (${uncertain.length})`,
      table: { headers: ['SOURCE', 'DESTINATION', 'PORT', 'WHY'], rows: uncertain.map(p => [p.source, p.destination, portText(p), [...p.reasons.filter(r => r.startsWith('L7')), ...p.caveats].join('; ')]) },
    });
  }
  const gaps = paths.filter(p => p.gap);
  if (gaps.length > 0) {
    sections.push({
      title: `Defense-in-depth gaps: the layers disagree (${gaps.length})`,
      table: { headers: ['SOURCE', 'DESTINATION', 'PORT', 'GAP', 'WHY'], rows: gaps.map(p => [p.source, p.destination, portText(p), p.gap!, p.reasons.join('; ')]) },
    });
  }
  const openL7 = reach.findings().filter(f => f.kind === 'gap' && !f.subject.includes(' -> '));
  if (openL7.length > 0) {
    sections.push({ title: `Workloads whose L7 policy does not narrow sources (${openL7.length})`, lines: openL7.map(f => `- ${f.subject}: ${f.message}`) });
  }
  const dryRun = paths.filter(p => p.dryRunL7);
  if (dryRun.length > 0) {
    sections.push({
      title: `Dry-run policies would change (${dryRun.length})`,
      table: { headers: ['SOURCE', 'DESTINATION', 'PORT', 'L7 NOW', 'L7 IF ENFORCED'], rows: dryRun.map(p => [p.source, p.destination, portText(p), p.l7, p.dryRunL7!]) },
    });
  }
  const caveated = admitted.filter(p => p.caveats.length > 0);
  if (caveated.length > 0) {
    sections.push({ title: 'Caveats on allowed paths', lines: caveated.map(p => `- ${pathKey(p)}: ${p.caveats.join('; ')}`) });
  }
  sections.push(findingsSection(reach.findings()));
  return sections;
}

/** Platform endpoints are reached by nearly everyone: list sources per namespace instead of per row. */
function groupSources(paths: AccessPath[], reach: Reachability): string[][] {
  const perTarget = new Map<string, Set<string>>();
  for (const p of paths) {
    const key = `${p.destination}\u0000${p.protocol}/${p.port}`;
    if (!perTarget.has(key)) perTarget.set(key, new Set());
    perTarget.get(key)!.add(p.source);
  }
  const byNamespace = namespaceMembers(reach);
  return [...perTarget].map(([key, sources]) => {
    const [destination, port] = key.split('\u0000');
    const parts: string[] = [];
    const rest = new Set(sources);
    for (const [ns, ids] of byNamespace) {
      if (ids.length > 0 && ids.every(id => sources.has(id))) {
        parts.push(`all ${ids.length} workload${ids.length === 1 ? '' : 's'} of ${ns}`);
        ids.forEach(id => rest.delete(id));
      }
    }
    parts.push(...[...rest].sort());
    return [destination, port, parts.join(', ')];
  });
}

/** A representative (monitoring/*) often reaches every workload on one port: one row per source, port and requests. */
function groupDestinations(paths: AccessPath[], reach: Reachability): string[][] {
  const groups = new Map<string, Set<string>>();
  for (const p of paths) {
    const key = [p.source, `${p.protocol}/${p.port}`, requestsText(p)].join('\u0000');
    if (!groups.has(key)) groups.set(key, new Set());
    groups.get(key)!.add(p.destination);
  }
  const byNamespace = namespaceMembers(reach);
  return [...groups].map(([key, destinations]) => [...key.split('\u0000'), collapse(destinations, byNamespace)]);
}

function namespaceMembers(reach: Reachability): Map<string, string[]> {
  const byNamespace = new Map<string, string[]>();
  for (const w of reach.workloads()) {
    if (w.platform || w.representative) continue;
    if (!byNamespace.has(w.namespace)) byNamespace.set(w.namespace, []);
    byNamespace.get(w.namespace)!.push(w.id);
  }
  return byNamespace;
}

function collapse(members: Set<string>, byNamespace: Map<string, string[]>): string {
  const parts: string[] = [];
  const rest = new Set(members);
  for (const [ns, ids] of byNamespace) {
    if (ids.length > 1 && ids.every(id => members.has(id))) {
      parts.push(`all ${ids.length} workloads of ${ns}`);
      ids.forEach(id => rest.delete(id));
    }
  }
  parts.push(...[...rest].sort());
  return parts.join(', ');
}

export function findingsSection(findings: readonly AnalysisFinding[]): Section {
  const interesting = findings.filter(f => f.kind !== 'gap');
  return {
    title: 'Not modelled, assumed or suspicious',
    lines: interesting.length === 0 ? ['(none)'] : interesting.map(f => `- [${f.kind}] ${f.subject}: ${f.message}`),
  };
}

export function blastSections(blast: BlastRadius): Section[] {
  const row = (n: BlastRadius['direct'][number]) => [n.node, String(n.hops), n.via.join(' -> '), n.paths.map(p => p.split(' -> ')[1].split(' ').slice(1).join(' ')).join('; '), n.uncertain ? 'yes' : ''];
  const headers = ['REACHES', 'HOPS', 'VIA', 'ON', 'UNCERTAIN'];
  return [
    { title: `Direct reach (${blast.direct.length})`, table: { headers, rows: blast.direct.map(row) } },
    { title: `Transitive reach if compromised and pivoting (${blast.transitive.length})`, table: { headers, rows: blast.transitive.map(row) } },
  ];
}

export function diffSections(diff: AccessDiff): Section[] {
  const describe = (p?: AccessPath) => (p ? `${p.verdict}${p.requests.length > 0 ? ` (${p.requests.join('; ')})` : ''}` : '-');
  return [{
    title: `Access changes (${diff.widened} widened, ${diff.narrowed} narrowed)`,
    lines: diff.changes.length === 0 ? ['No change in access.'] : [],
    table: diff.changes.length === 0 ? undefined : {
      headers: ['PATH', 'L4', 'L7', 'COMBINED', 'BEFORE', 'AFTER'],
      rows: diff.changes.map(c => [c.path, c.l4, c.l7, c.combined, describe(c.before), describe(c.after)]),
    },
  }];
}
