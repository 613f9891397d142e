/**
 * Istio ambient, lowered onto the analyzer's sidecar model so every report reads it unchanged.
 *
 * Ambient decides a call with: NetworkPolicy on the HBONE port (15008) between the pods on the
 * path (client → server, or client → waypoint → server); the server's ztunnel (policies bound
 * by `selector`, L4 only); and the waypoint (policies bound with `targetRefs` to the Service or
 * the waypoint Gateway, with the client's principal). Lowered:
 * - pods of ambient namespaces are in the mesh (mTLS identity, destination policies apply);
 * - a NetworkPolicy port 15008 opens every TCP port at L4 (ztunnel restricts the port);
 * - a peer naming a waypoint's pods is replaced by the pods on the waypoint's other side
 *   (its ingress peers for a server, its egress peers for a client), so a call is open only when
 *   all four hops are; the waypoint's own policies are consumed;
 * - a waypoint policy applies to the pods of the Services it covers, named `[waypoint]`; the
 *   ztunnel's admission of the waypoint's identity bounds its ports; ztunnel policies are named
 *   `[ztunnel]`, so each path's reasons say which point decided;
 * - the kubelet probe source 169.254.7.127 (ambient's SNAT) is the platform's, not an outside peer.
 */
import { AuthorizationPolicyInfo, Finding, IstioRule, NamespaceInfo, NetworkPolicyInfo, NetworkPolicyPeerInfo, NetworkPolicyPortInfo, NetworkPolicyRuleInfo, Workload } from './model';
import { Labels, selectorMatches } from '../l4/selectors';
import { pushTo } from '../multimap';

const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const HBONE_PORT = 15008;
const PROBE_SNAT = '169.254.7.127/32';

interface Waypoint {
  readonly namespace: string;
  readonly name: string;
  readonly podLabels: Labels;
  readonly principal: string;
}

export interface AmbientInput {
  readonly objects: readonly any[];
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly workloads: Workload[];
  readonly networkPolicies: NetworkPolicyInfo[];
  readonly authorizationPolicies: AuthorizationPolicyInfo[];
  readonly findings: Finding[];
  /** Filled with what a call addressed to the pod gets, for each pair whose path goes through a waypoint. */
  readonly pairNotes?: Map<string, string[]>;
  readonly trustDomain: string;
}

export function lowerAmbient(input: AmbientInput): void {
  const ambient = new Set([...input.namespaces.values()].filter(n => n.declared && n.labels['istio.io/dataplane-mode'] === 'ambient').map(n => n.name));
  if (ambient.size === 0) return;
  for (const ns of [...ambient].sort()) {
    input.findings.push({ kind: 'assumption', subject: `Namespace ${ns}`, message: 'ambient data plane: NetworkPolicy on HBONE (TCP 15008) is the tunnel between the pods on a path (client, waypoint, server), and the port is decided by the destination\'s ztunnel (selector-bound policies, L4) and the waypoint (targetRefs policies, with the client\'s identity); the ipBlock 169.254.7.127/32 is ambient\'s source for kubelet probes, not an outside network' });
  }
  for (let i = 0; i < input.workloads.length; i++) {
    const w = input.workloads[i];
    if (ambient.has(w.namespace) && !w.platform && !w.representative) input.workloads[i] = { ...w, sidecar: true };
  }
  const waypoints = input.objects
    .filter(o => o?.kind === 'Gateway' && String(o.apiVersion).startsWith('gateway.networking.k8s.io/') && o.spec?.gatewayClassName === 'istio-waypoint')
    .map(o => {
      const namespace = o.metadata.namespace ?? 'default';
      return { namespace, name: o.metadata.name, podLabels: { [GATEWAY_NAME_LABEL]: o.metadata.name }, principal: `${input.trustDomain}/ns/${namespace}/sa/${o.metadata.name}` };
    });
  lowerNetworkPolicies(input, ambient, waypoints);
  lowerAuthorizationPolicies(input, ambient, waypoints);
}

function peerSelectsWaypoint(peer: NetworkPolicyPeerInfo, policyNs: string, wp: Waypoint, namespaces: ReadonlyMap<string, NamespaceInfo>): boolean {
  if (peer.kind !== 'pods' || !peer.podSelector || Object.keys(peer.podSelector.matchLabels ?? {}).length === 0) return false;
  const nsOk = peer.namespaceSelector === undefined ? policyNs === wp.namespace
    : selectorMatches(peer.namespaceSelector, namespaces.get(wp.namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: wp.namespace });
  return nsOk && selectorMatches(peer.podSelector, wp.podLabels);
}

/** A peer written in the waypoint's namespace, as seen from a policy of `policyNs`. */
function fromNamespace(peer: NetworkPolicyPeerInfo, peerNs: string, policyNs: string): NetworkPolicyPeerInfo {
  if (peer.kind !== 'pods' || peer.namespaceSelector !== undefined || peerNs === policyNs) return peer;
  return { ...peer, namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peerNs } } };
}

/** Peers that stand for the far side of a waypoint (substituted), as opposed to peers named directly. */
const VIA_WAYPOINT = new WeakSet<NetworkPolicyPeerInfo>();

function isHbone(p: NetworkPolicyPortInfo): boolean {
  return p.protocol === 'tcp' && p.port === HBONE_PORT && p.endPort === undefined;
}

function lowerNetworkPolicies(input: AmbientInput, ambient: ReadonlySet<string>, waypoints: Waypoint[]): void {
  const selectsWorkload = (np: NetworkPolicyInfo) =>
    input.workloads.some(w => w.namespace === np.namespace && selectorMatches(np.podSelector, w.labels));
  const own = new Map<Waypoint, { ingress: NetworkPolicyPeerInfo[]; egress: NetworkPolicyPeerInfo[] }>();
  const consumed = new Set<NetworkPolicyInfo>();
  for (const wp of waypoints) {
    const sides = { ingress: [] as NetworkPolicyPeerInfo[], egress: [] as NetworkPolicyPeerInfo[] };
    for (const np of input.networkPolicies.filter(x => x.namespace === wp.namespace && Object.keys(x.podSelector.matchLabels ?? {}).length > 0
      && selectorMatches(x.podSelector, wp.podLabels) && !selectsWorkload(x))) {
      consumed.add(np);
      for (const r of np.ingress) if (r.peers !== 'any') sides.ingress.push(...r.peers);
      for (const r of np.egress) if (r.peers !== 'any') sides.egress.push(...r.peers);
    }
    own.set(wp, sides);
  }
  const transport = new Transport(input, waypoints);
  const lowered: NetworkPolicyInfo[] = [];
  for (const np of input.networkPolicies) {
    if (consumed.has(np)) continue;
    const selected = input.workloads.filter(w => !w.representative && w.namespace === np.namespace && selectorMatches(np.podSelector, w.labels));
    const substitute = (rule: NetworkPolicyRuleInfo, side: 'ingress' | 'egress'): NetworkPolicyRuleInfo => {
      if (rule.peers === 'any') return rule;
      const peers = rule.peers.flatMap(peer => {
        const wp = waypoints.find(w => peerSelectsWaypoint(peer, np.namespace, w, input.namespaces));
        if (!wp) return [peer];
        return own.get(wp)![side].map(p => {
          const far = { ...fromNamespace(p, wp.namespace, np.namespace) };
          VIA_WAYPOINT.add(far);
          return far;
        });
      });
      return { ...rule, peers };
    };
    const isProbe = (rule: NetworkPolicyRuleInfo) => ambient.has(np.namespace) && rule.peers !== 'any' && rule.peers.length > 0
      && rule.peers.every(p => p.kind === 'ipBlock' && p.cidr === PROBE_SNAT && p.except.length === 0);
    const lower = (rule: NetworkPolicyRuleInfo, side: 'ingress' | 'egress') => transport.rules(substitute(rule, side), side, selected, np.namespace);
    lowered.push({
      ...np,
      ingress: np.ingress.filter(r => !isProbe(r)).flatMap(r => lower(r, 'ingress')),
      egress: np.egress.flatMap(r => lower(r, 'egress')),
    });
  }
  // Egress isolation per client, from the policies of its own namespace only (asked once per pair seen).
  const isolating = new Map<string, NetworkPolicyInfo[]>();
  for (const np of input.networkPolicies) if (np.isolatesEgress) pushTo(isolating, np.namespace, np);
  const isolated = new Map<Workload, boolean>();
  transport.writeNotes(w => {
    let hit = isolated.get(w);
    if (hit === undefined) isolated.set(w, hit = (isolating.get(w.namespace) ?? []).some(np => selectorMatches(np.podSelector, w.labels)));
    return hit;
  });
  input.networkPolicies.splice(0, input.networkPolicies.length, ...lowered);
  // The probe source is the platform's: the reader's note that it is an outside network no longer applies.
  const probes = new Set(input.networkPolicies.filter(np => ambient.has(np.namespace)).map(np => `NetworkPolicy ${np.namespace}/${np.name}`));
  const kept = input.findings.filter(f => !(probes.has(f.subject) && f.message.startsWith(`ipBlock ${PROBE_SNAT}`)));
  input.findings.splice(0, input.findings.length, ...kept);
}

/**
 * What a rule on the HBONE port lets through end to end, pair by pair: the TCP ports the
 * destination admits for the source's identity at L4 (ztunnel, or a sidecar's policy), and for
 * a source that comes through a waypoint, the ports the waypoint admits it on, as far as the
 * destination admits the waypoint. NetworkPolicy opens 15008; these decide the port.
 */
class Transport {
  private readonly waypointsOf = new Map<Workload, Set<string>>();
  /** `<src> <dst> in|out`: a NetworkPolicy side naming the other end directly on 15008 (not through a waypoint). */
  private readonly directHops = new Set<string>();
  private readonly podAddressed = new Map<string, { src: Workload; dst: Workload; principal: string }>();
  private services?: Map<string, any[]>;

  constructor(private readonly input: AmbientInput, private readonly waypoints: Waypoint[]) {}

  public rules(rule: NetworkPolicyRuleInfo, side: 'ingress' | 'egress', selected: Workload[], policyNs: string): NetworkPolicyRuleInfo[] {
    if (rule.ports === 'any' || !rule.ports.some(isHbone) || rule.peers === 'any') {
      // A rule on every port, or from every peer, opens the tunnel straight to the pod too.
      if (rule.ports === 'any' || rule.ports.some(isHbone)) this.noteOpenRule(rule, side, selected, policyNs);
      return rule.peers === 'any' || rule.peers.length > 0 ? [rule] : [];
    }
    const rest = rule.ports.filter(p => !isHbone(p));
    const out: NetworkPolicyRuleInfo[] = rest.length > 0 ? [{ ...rule, ports: rest }] : [];
    const unresolved: NetworkPolicyPeerInfo[] = [];
    const byPeer = new Map<Workload, { direct: boolean; via: boolean }>();
    for (const peer of rule.peers) {
      // Platform endpoints that originate traffic with an identity of their own (the ingress gateway) are peers like workloads.
      const matched = this.input.workloads.filter(w => !w.representative && (!w.platform || (w.originates && w.serviceAccount !== ''))
        && this.peerMatches(peer, policyNs, w));
      if (matched.length === 0) unresolved.push(peer);
      for (const w of matched) {
        const e = byPeer.get(w) ?? { direct: false, via: false };
        if (VIA_WAYPOINT.has(peer)) e.via = true;
        else e.direct = true;
        byPeer.set(w, e);
        if (!VIA_WAYPOINT.has(peer)) for (const s of selected) this.directHops.add(side === 'ingress' ? `${w.id} ${s.id} in` : `${s.id} ${w.id} out`);
      }
    }
    // Peers that name no pod of the manifests keep the whole tunnel: nothing is known of their identity.
    if (unresolved.length > 0) out.push({ peers: unresolved, ports: [{ protocol: 'tcp' }] });
    for (const [peer, route] of [...byPeer.entries()].sort((a, b) => a[0].id.localeCompare(b[0].id))) {
      const ports = new Set<number>();
      let all = false;
      for (const w of selected) {
        const [src, dst] = side === 'ingress' ? [peer, w] : [w, peer];
        const p = this.ports(src, dst, route);
        if (p === 'all') all = true;
        else p.forEach(x => ports.add(x));
      }
      const peerInfo: NetworkPolicyPeerInfo = { kind: 'pods', namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } }, podSelector: { matchLabels: { ...peer.labels } } };
      if (all) out.push({ peers: [peerInfo], ports: [{ protocol: 'tcp' }] });
      else if (ports.size > 0) out.push({ peers: [peerInfo], ports: [...ports].sort((a, b) => a - b).map(port => ({ protocol: 'tcp' as const, port })) });
    }
    return out;
  }

  private peerMatches(peer: NetworkPolicyPeerInfo, policyNs: string, w: Workload): boolean {
    if (peer.kind !== 'pods') return false;
    const nsOk = peer.namespaceSelector === undefined ? w.namespace === policyNs
      : selectorMatches(peer.namespaceSelector, this.input.namespaces.get(w.namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: w.namespace });
    return nsOk && selectorMatches(peer.podSelector ?? {}, w.labels);
  }

  private ports(src: Workload, dst: Workload, route: { direct: boolean; via: boolean }): Set<number> | 'all' {
    const principal = `${this.input.trustDomain}/ns/${src.namespace}/sa/${src.serviceAccount}`;
    const out = new Set<number>();
    const add = (p: Set<number> | 'all') => {
      if (p === 'all') return true;
      p.forEach(x => out.add(x));
      return false;
    };
    if (route.direct && add(this.admitted(dst, principal, false))) return 'all';
    if (route.via) {
      this.notePodAddressed(src, dst, principal);
      for (const wp of this.waypoints.filter(w => w.namespace === dst.namespace && this.usedBy(w, dst))) {
        const atWaypoint = this.admitted(dst, principal, true);
        const atServer = this.admitted(dst, wp.principal, false);
        if (atWaypoint === 'all' && atServer === 'all') return 'all';
        const bound = atWaypoint === 'all' ? atServer : atServer === 'all' ? atWaypoint : new Set([...atWaypoint].filter(x => atServer.has(x)));
        add(bound);
      }
    }
    return out;
  }

  /**
   * A call addressed to the pod skips the waypoint: only NetworkPolicy on 15008 straight to the
   * pod and the server's ztunnel, for the client's own principal, decide it (no L7 rule applies).
   */
  private noteOpenRule(rule: NetworkPolicyRuleInfo, side: 'ingress' | 'egress', selected: Workload[], policyNs: string): void {
    const others = rule.peers === 'any' ? ['*'] : this.input.workloads.filter(w => rule.peers !== 'any'
      && rule.peers.some(p => !VIA_WAYPOINT.has(p) && this.peerMatches(p, policyNs, w))).map(w => w.id);
    for (const s of selected) for (const o of others) this.directHops.add(side === 'ingress' ? `${o} ${s.id} in` : `${s.id} ${o} out`);
  }

  private notePodAddressed(src: Workload, dst: Workload, principal: string): void {
    this.podAddressed.set(`${src.id} ${dst.id}`, { src, dst, principal });
  }

  /** Writes the pod-addressed verdict of every pair seen through a waypoint, once both sides of each rule are read. */
  public writeNotes(egressIsolated: (w: Workload) => boolean): void {
    const notes = this.input.pairNotes;
    if (!notes) return;
    for (const [key, { src, dst, principal }] of this.podAddressed) {
      const hop = (side: 'in' | 'out') => this.directHops.has(`${key} ${side}`)
        || this.directHops.has(side === 'in' ? `* ${dst.id} in` : `${src.id} * out`);
      const tunnel = hop('in') && (hop('out') || !egressIsolated(src));
      const atZtunnel = this.admitted(dst, principal, false);
      const ports = atZtunnel === 'all' ? 'every port' : [...atZtunnel].sort((a, b) => a - b).map(p => `tcp/${p}`).join(', ');
      const verdict = !tunnel ? 'refused by NetworkPolicy (no HBONE 15008 from the client to the pod)'
        : atZtunnel !== 'all' && atZtunnel.size === 0 ? `refused by ztunnel (${principal} is not admitted)`
          : `admitted by ztunnel on ${ports}, without L7 rules`;
      notes.set(key, [`addressed to the pod, the call skips the waypoint: ${verdict}`]);
    }
  }

  /** Whether a Service selecting `dst` sends its traffic through `wp` (its own label, or its namespace's). */
  private usedBy(wp: Waypoint, dst: Workload): boolean {
    let names = this.waypointsOf.get(dst);
    if (!names) {
      const nsLabel = this.input.namespaces.get(dst.namespace)?.labels['istio.io/use-waypoint'];
      names = new Set((this.servicesByNamespace().get(dst.namespace) ?? [])
        .filter(o => selectorMatches({ matchLabels: o.spec.selector }, dst.labels))
        .map(o => o.metadata.labels?.['istio.io/use-waypoint'] ?? nsLabel)
        .filter((n): n is string => n !== undefined));
      this.waypointsOf.set(dst, names);
    }
    return names.has(wp.name);
  }

  private servicesByNamespace(): Map<string, any[]> {
    if (!this.services) {
      this.services = new Map();
      for (const o of this.input.objects.filter(x => x?.kind === 'Service' && x.spec?.selector)) {
        const ns = o.metadata?.namespace ?? 'default';
        pushTo(this.services, ns, o);
      }
    }
    return this.services;
  }

  /** TCP ports the enforced ALLOW rules of `dst` admit for `principal` (waypoint policies, or the selector-bound ones). */
  private admitted(dst: Workload, principal: string, atWaypoint: boolean): Set<number> | 'all' {
    const policies = this.input.authorizationPolicies.filter(p => !p.dryRun && p.action !== 'AUDIT'
      && (p.namespace === dst.namespace) && p.hasTargetRefs === atWaypoint
      && (atWaypoint ? this.targets(p, dst) : (!p.selector || selectorMatches({ matchLabels: p.selector }, dst.labels))));
    if (policies.some(p => p.action !== 'ALLOW')) return 'all';
    if (policies.length === 0) return atWaypoint ? new Set() : 'all';
    const ports = new Set<number>();
    for (const r of policies.flatMap(p => p.rules)) {
      const from = r.from === undefined || r.from.some(f => f.principals === undefined || f.principals.some(x => principalMatch(x, principal)));
      if (!from) continue;
      if (!r.to) return 'all';
      for (const t of r.to) {
        if (!t.ports) return 'all';
        t.ports.forEach(x => ports.add(Number(x)));
      }
    }
    return ports;
  }

  /** Whether a targetRefs policy covers a Service that selects `dst`. */
  private targets(p: AuthorizationPolicyInfo, dst: Workload): boolean {
    const raw = this.input.objects.find(o => o?.kind === 'AuthorizationPolicy' && (o.metadata?.namespace ?? 'default') === p.namespace && o.metadata?.name === p.name);
    const services = this.input.objects.filter(o => o?.kind === 'Service' && (o.metadata?.namespace ?? 'default') === dst.namespace && o.spec?.selector
      && selectorMatches({ matchLabels: o.spec.selector }, dst.labels));
    return (raw?.spec?.targetRefs ?? []).some((r: any) => services.some(s => (r.kind === 'Service' && (r.group ?? '') === '' && r.name === s.metadata.name)
      || (r.kind === 'Gateway' && r.group === 'gateway.networking.k8s.io' && s.metadata.labels?.['istio.io/use-waypoint'] === r.name)));
  }
}

function principalMatch(pattern: string, principal: string): boolean {
  if (pattern === '*' || pattern === principal) return true;
  if (pattern.endsWith('*')) return principal.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return principal.endsWith(pattern.slice(1));
  return false;
}

function lowerAuthorizationPolicies(input: AmbientInput, ambient: ReadonlySet<string>, waypoints: Waypoint[]): void {
  const raw = (p: AuthorizationPolicyInfo) => input.objects.find(o => o?.kind === 'AuthorizationPolicy' && (o.metadata?.namespace ?? 'default') === p.namespace && o.metadata?.name === p.name);
  const nsLabel = (ns: string) => input.objects.find(o => o?.kind === 'Namespace' && o.metadata?.name === ns)?.metadata?.labels?.['istio.io/use-waypoint'];
  const services = input.objects.filter(o => o?.kind === 'Service' && ambient.has(o.metadata?.namespace ?? 'default') && o.spec?.selector)
    .map(o => ({ namespace: o.metadata.namespace ?? 'default', name: o.metadata.name as string, selector: o.spec.selector as Labels, waypoint: (o.metadata.labels?.['istio.io/use-waypoint'] ?? nsLabel(o.metadata.namespace)) as string | undefined }));
  const waypointPrincipals = new Set(waypoints.map(w => w.principal));
  const out: AuthorizationPolicyInfo[] = [];
  const loweredNames = new Set<string>();
  for (const p of input.authorizationPolicies) {
    if (!ambient.has(p.namespace)) {
      out.push(p);
      continue;
    }
    if (!p.hasTargetRefs) {
      // Calls the waypoint forwards are authorized by its own policies, lowered below.
      const rules = p.rules.flatMap(r => withoutPrincipals(r, waypointPrincipals));
      out.push({ ...p, name: `${p.name} [ztunnel]`, rules });
      continue;
    }
    const refs: any[] = raw(p)?.spec?.targetRefs ?? [];
    const covered = services.filter(s => s.namespace === p.namespace && refs.some(r =>
      (r.kind === 'Service' && (r.group ?? '') === '' && r.name === s.name)
      || (r.kind === 'Gateway' && r.group === 'gateway.networking.k8s.io' && s.waypoint === r.name)));
    if (covered.length === 0) {
      out.push(p);
      continue;
    }
    loweredNames.add(`AuthorizationPolicy ${p.namespace}/${p.name}`);
    for (const s of covered) {
      const wp = waypoints.find(w => w.namespace === s.namespace && w.name === s.waypoint);
      // The Service's pods: its selector need not share a label with the ztunnel policy's selector.
      const pods = input.workloads.filter(w => w.namespace === s.namespace && selectorMatches({ matchLabels: s.selector }, w.labels));
      const admitted = wp ? unionPorts(pods.map(w => portsZtunnelAdmits(input.authorizationPolicies, s.namespace, w.labels, wp.principal))) : [];
      out.push({ ...p, name: `${p.name} [waypoint ${s.namespace}/${s.waypoint} for Service ${s.name}]`, selector: s.selector, hasTargetRefs: false, rules: p.rules.flatMap(r => boundPorts(r, admitted)) });
    }
  }
  input.authorizationPolicies.splice(0, input.authorizationPolicies.length, ...out);
  const kept = input.findings.filter(f => !(loweredNames.has(f.subject) && f.message.startsWith('targetRef(s)')));
  input.findings.splice(0, input.findings.length, ...kept);
}

/** A rule without the waypoint's principals; dropped when they were all it named. */
function withoutPrincipals(rule: IstioRule, principals: ReadonlySet<string>): IstioRule[] {
  if (!rule.from) return [rule];
  const from = rule.from.map(f => (f.principals ? { ...f, principals: f.principals.filter(x => !principals.has(x)) } : f))
    .filter(f => !f.principals || f.principals.length > 0);
  return from.length === 0 ? [] : [{ ...rule, from }];
}

/** Ports the server's ztunnel admits for the waypoint's identity ('all' when a rule names no port). */
function portsZtunnelAdmits(policies: readonly AuthorizationPolicyInfo[], ns: string, podLabels: Labels, principal: string): string[] | 'all' {
  const ports = new Set<string>();
  for (const p of policies.filter(x => x.namespace === ns && !x.hasTargetRefs && !x.dryRun && x.action === 'ALLOW' && (!x.selector || selectorMatches({ matchLabels: x.selector }, podLabels)))) {
    for (const r of p.rules) {
      if (!r.from?.some(f => f.principals?.includes(principal))) continue;
      if (!r.to) return 'all';
      for (const t of r.to) {
        if (!t.ports) return 'all';
        t.ports.forEach(x => ports.add(x));
      }
    }
  }
  return [...ports];
}

function unionPorts(sets: Array<string[] | 'all'>): string[] | 'all' {
  if (sets.some(x => x === 'all')) return 'all';
  return [...new Set((sets as string[][]).flat())];
}

/** A waypoint rule limited to the ports ztunnel lets the waypoint forward to. */
function boundPorts(rule: IstioRule, admitted: string[] | 'all'): IstioRule[] {
  if (admitted === 'all') return [rule];
  const to = (rule.to ?? [{}]).map(t => ({ ...t, ports: (t.ports ?? admitted).filter(x => admitted.includes(x)) })).filter(t => t.ports.length > 0);
  return to.length === 0 ? [] : [{ ...rule, to }];
}
