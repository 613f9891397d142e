import { PodIndex } from './index-pods';
import { PortSet } from './port-set';
import { Estate, Finding, NetworkPolicyInfo, NetworkPolicyPortInfo, NetworkPolicyRuleInfo, Workload } from '../estate/model';

/** A rule's `ports` before named ports are resolved against a destination pod. */
type PortsSpec = readonly NetworkPolicyPortInfo[] | 'any';

/** What one side (a pod's ingress or egress) admits, collected from every policy selecting it. */
interface Allowance {
  readonly isolated: boolean;
  /** Ports admitted for every peer (rules with absent/empty from/to, or no isolation at all). */
  readonly anyPeer: PortsSpec[];
  readonly perPeer: Map<string, PortsSpec[]>;
  readonly ipBlocks: { readonly cidr: string; readonly except: readonly string[]; readonly ports: PortsSpec; readonly policy: string }[];
}

export interface ExternalGrant {
  /** `0.0.0.0/0` for "anywhere" (no isolation, or a rule without peers). */
  readonly cidr: string;
  readonly except: readonly string[];
  readonly ports: PortSet;
  /** The NetworkPolicy that grants it, absent when the pod is simply not isolated. */
  readonly policy?: string;
}

export interface L4Result {
  /** source id → destination id → ports allowed by the source's egress AND the destination's ingress. */
  readonly allowed: ReadonlyMap<string, ReadonlyMap<string, PortSet>>;
  readonly egressToExternal: ReadonlyMap<string, readonly ExternalGrant[]>;
  readonly ingressFromExternal: ReadonlyMap<string, readonly ExternalGrant[]>;
  readonly ingressIsolated: ReadonlySet<string>;
  readonly egressIsolated: ReadonlySet<string>;
  /** Ports a source's egress admits towards a destination (for layer-by-layer explanations). */
  egressPorts(source: Workload, destination: Workload): PortSet;
  ingressPorts(source: Workload, destination: Workload): PortSet;
}

/**
 * Kubernetes NetworkPolicy semantics. Policies are additive; a connection needs the source's
 * egress AND the destination's ingress to admit it; a pod no policy isolates in a direction
 * admits everything in that direction. kube-dns and istiod are destinations only; the ingress
 * gateway and representative endpoints are also sources.
 */
export function evaluateL4(estate: Estate, findings: Finding[]): L4Result {
  const index = new PodIndex(estate);
  const ingress = new Map<string, Allowance>();
  const egress = new Map<string, Allowance>();
  for (const w of estate.workloads) {
    ingress.set(w.id, newAllowance());
    egress.set(w.id, newAllowance());
  }
  const peerCache = new Map<object, Workload[]>();
  for (const policy of estate.networkPolicies) {
    const selected = index.select(policy.namespace, policy.podSelector);
    if (selected.every(w => w.representative)) {
      findings.push({ kind: 'warning', subject: `NetworkPolicy ${policy.namespace}/${policy.name}`, message: 'selects no pod in these manifests (are the pods defined elsewhere?); it changes nothing here' });
    }
    if (policy.isolatesIngress) collect(policy, policy.ingress, selected, ingress, index, peerCache);
    if (policy.isolatesEgress) collect(policy, policy.egress, selected, egress, index, peerCache);
  }
  for (const a of [...ingress.values(), ...egress.values()]) {
    if (!a.isolated) a.anyPeer.push('any');
  }

  const byId = new Map(estate.workloads.map(w => [w.id, w]));
  const allowed = new Map<string, Map<string, PortSet>>();
  const egressToExternal = new Map<string, ExternalGrant[]>();
  const ingressFromExternal = new Map<string, ExternalGrant[]>();
  const unresolvable = new Set<string>();

  for (const source of estate.workloads) {
    if (!source.originates) continue;
    const out = egress.get(source.id)!;
    const candidates = out.anyPeer.length > 0 ? estate.workloads : [...out.perPeer.keys()].map(id => byId.get(id)!);
    const reach = new Map<string, PortSet>();
    for (const destination of candidates) {
      if (destination.id === source.id || !destination.receives) continue;
      // Between two endpoints outside the manifests nothing is known or asked.
      if (isOutside(source) && isOutside(destination)) continue;
      const into = ingress.get(destination.id)!;
      const inPorts = into.anyPeer.length > 0 || into.perPeer.has(source.id)
        ? resolveAll([...into.anyPeer, ...(into.perPeer.get(source.id) ?? [])], destination)
        : PortSet.empty();
      if (inPorts.isEmpty) continue;
      const ports = resolveAll([...out.anyPeer, ...(out.perPeer.get(destination.id) ?? [])], destination).intersect(inPorts);
      if (!ports.isEmpty) reach.set(destination.id, ports);
    }
    if (reach.size > 0) allowed.set(source.id, reach);
    if (isOutside(source)) continue;
    const external = externalGrants(out, `egress of ${source.id}`, unresolvable);
    if (external.length > 0) egressToExternal.set(source.id, external);
  }
  for (const destination of estate.workloads) {
    if (isOutside(destination)) continue;
    const external = externalGrants(ingress.get(destination.id)!, `ingress of ${destination.id}`, unresolvable, destination);
    if (external.length > 0) ingressFromExternal.set(destination.id, external);
  }
  for (const where of unresolvable) {
    findings.push({ kind: 'unsupported', subject: where, message: 'a named port towards an ipBlock cannot be resolved (no pod to look the name up in); those ports are not reported' });
  }

  const isolatedIds = (m: Map<string, Allowance>) => new Set([...m].filter(([, a]) => a.isolated).map(([id]) => id));
  return {
    allowed,
    egressToExternal,
    ingressFromExternal,
    ingressIsolated: isolatedIds(ingress),
    egressIsolated: isolatedIds(egress),
    egressPorts: (s, d) => resolveAll([...egress.get(s.id)!.anyPeer, ...(egress.get(s.id)!.perPeer.get(d.id) ?? [])], d),
    ingressPorts: (s, d) => resolveAll([...ingress.get(d.id)!.anyPeer, ...(ingress.get(d.id)!.perPeer.get(s.id) ?? [])], d),
  };
}

/** An assumed platform endpoint or a representative of pods the manifests do not hold. */
export function isOutside(w: Workload): boolean {
  return w.platform || w.representative !== undefined;
}

function newAllowance(): Allowance & { isolated: boolean } {
  return { isolated: false, anyPeer: [], perPeer: new Map(), ipBlocks: [] };
}

function collect(
  policy: NetworkPolicyInfo,
  rules: readonly NetworkPolicyRuleInfo[],
  selected: Workload[],
  sides: Map<string, Allowance>,
  index: PodIndex,
  peerCache: Map<object, Workload[]>,
): void {
  const policyName = `${policy.namespace}/${policy.name}`;
  for (const pod of selected) {
    const side = sides.get(pod.id)! as Allowance & { isolated: boolean };
    side.isolated = true;
    for (const rule of rules) {
      if (rule.peers === 'any') {
        side.anyPeer.push(rule.ports);
        continue;
      }
      for (const peer of rule.peers) {
        if (peer.kind === 'ipBlock') {
          side.ipBlocks.push({ cidr: peer.cidr, except: peer.except, ports: rule.ports, policy: policyName });
          continue;
        }
        let pods = peerCache.get(peer);
        if (!pods) {
          pods = peerPods(peer, policy.namespace, index);
          peerCache.set(peer, pods);
        }
        for (const p of pods) {
          const list = side.perPeer.get(p.id);
          if (list) list.push(rule.ports);
          else side.perPeer.set(p.id, [rule.ports]);
        }
      }
    }
  }
}

/** podSelector alone: the policy's namespace; namespaceSelector alone: every pod there; both: AND. */
function peerPods(peer: { namespaceSelector?: any; podSelector?: any }, policyNamespace: string, index: PodIndex): Workload[] {
  const namespaces = peer.namespaceSelector ? index.namespaces(peer.namespaceSelector) : [policyNamespace];
  const podSelector = peer.podSelector ?? {};
  return namespaces.flatMap(ns => index.select(ns, podSelector));
}

function resolveAll(specs: readonly PortsSpec[], destination: Workload): PortSet {
  let out = PortSet.empty();
  for (const spec of specs) out = out.union(resolve(spec, destination));
  return out;
}

/** Named ports resolve against the destination pod's container ports of the same protocol. */
function resolve(spec: PortsSpec, destination: Workload | undefined): PortSet {
  if (spec === 'any') return PortSet.all();
  let out = PortSet.empty();
  for (const p of spec) {
    if (p.port === undefined) {
      out = out.union(PortSet.allOf(p.protocol));
    } else if (typeof p.port === 'number') {
      out = out.union(PortSet.range(p.protocol, p.port, p.endPort ?? p.port));
    } else if (destination) {
      for (const c of destination.ports) {
        if (c.name === p.port && c.protocol === p.protocol) out = out.union(PortSet.range(c.protocol, c.port));
      }
    }
  }
  return out;
}

function hasNamedPort(spec: PortsSpec): boolean {
  return spec !== 'any' && spec.some(p => typeof p.port === 'string');
}

function externalGrants(side: Allowance, where: string, unresolvable: Set<string>, destination?: Workload): ExternalGrant[] {
  const grants: ExternalGrant[] = [];
  // On ingress the pod itself resolves named ports; on egress an external peer has no names.
  const anyPorts = side.anyPeer.reduce((acc, spec) => acc.union(resolve(spec, destination)), PortSet.empty());
  if (!destination && side.anyPeer.some(hasNamedPort)) unresolvable.add(where);
  if (!anyPorts.isEmpty) grants.push({ cidr: '0.0.0.0/0', except: [], ports: anyPorts, policy: side.isolated ? 'rule without peers' : undefined });
  for (const b of side.ipBlocks) {
    if (!destination && hasNamedPort(b.ports)) unresolvable.add(where);
    const ports = resolve(b.ports, destination);
    if (!ports.isEmpty) grants.push({ cidr: b.cidr, except: b.except, ports, policy: b.policy });
  }
  return grants;
}
