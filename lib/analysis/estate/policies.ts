import { AnalysisInputError } from './errors';
import {
  AuthorizationAction, AuthorizationPolicyInfo, Finding, IstioRule, MtlsMode, NetworkPolicyInfo,
  NetworkPolicyPeerInfo, NetworkPolicyPortInfo, NetworkPolicyRuleInfo, PeerAuthenticationInfo,
} from './model';
import { stringMap } from './workloads';
import { toProtocol } from '../l4/port-set';
import { LabelSelector, selectorProblem } from '../l4/selectors';

/**
 * Normalizes a networking.k8s.io/v1 NetworkPolicy. The `policyTypes` default follows the API
 * server: Ingress always, Egress only when the policy has at least one egress rule.
 */
export function readNetworkPolicy(obj: any, namespace: string, subject: string, findings: Finding[]): NetworkPolicyInfo {
  const spec = obj.spec ?? {};
  if (spec.podSelector === undefined || spec.podSelector === null) {
    throw new AnalysisInputError(`${subject}: spec.podSelector is required (use {} to select every pod in the namespace)`);
  }
  checkSelector(spec.podSelector, `${subject}: spec.podSelector`);
  const ingress: any[] = spec.ingress ?? [];
  const egress: any[] = spec.egress ?? [];
  const types: string[] = spec.policyTypes ?? (egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
  for (const t of types) {
    if (t !== 'Ingress' && t !== 'Egress') {
      throw new AnalysisInputError(`${subject}: unknown policyType '${t}' (expected Ingress or Egress)`);
    }
  }
  const readRules = (rules: any[], peerKey: 'from' | 'to', field: string) =>
    rules.map((r, i) => readRule(r ?? {}, peerKey, `${subject}: spec.${field}[${i}]`, subject, findings));
  return {
    namespace,
    name: obj.metadata.name,
    podSelector: spec.podSelector,
    isolatesIngress: types.includes('Ingress'),
    isolatesEgress: types.includes('Egress'),
    // Rules of a direction the policy does not isolate are ignored by Kubernetes.
    ingress: types.includes('Ingress') ? readRules(ingress, 'from', 'ingress') : [],
    egress: types.includes('Egress') ? readRules(egress, 'to', 'egress') : [],
  };
}

function readRule(rule: any, peerKey: 'from' | 'to', where: string, subject: string, findings: Finding[]): NetworkPolicyRuleInfo {
  const rawPeers: any[] | undefined = rule[peerKey];
  const rawPorts: any[] | undefined = rule.ports;
  const peers = !rawPeers || rawPeers.length === 0
    ? 'any' as const
    : rawPeers.map((p, i) => readPeer(p ?? {}, `${where}.${peerKey}[${i}]`, subject, findings));
  const ports = !rawPorts || rawPorts.length === 0
    ? 'any' as const
    : rawPorts.map((p, i) => readPort(p ?? {}, `${where}.ports[${i}]`));
  return { peers, ports };
}

function readPeer(peer: any, where: string, subject: string, findings: Finding[]): NetworkPolicyPeerInfo {
  if (peer.ipBlock) {
    if (peer.podSelector || peer.namespaceSelector) {
      throw new AnalysisInputError(`${where}: ipBlock cannot be combined with podSelector or namespaceSelector in one peer`);
    }
    if (typeof peer.ipBlock.cidr !== 'string') throw new AnalysisInputError(`${where}: ipBlock.cidr is required`);
    findings.push({
      kind: 'unsupported',
      subject,
      message: `ipBlock ${peer.ipBlock.cidr} is reported as an external network only: pod IPs are not in the manifests, so it is never matched against pods`,
    });
    return { kind: 'ipBlock', cidr: peer.ipBlock.cidr, except: [...(peer.ipBlock.except ?? [])] };
  }
  if (!peer.podSelector && !peer.namespaceSelector) {
    throw new AnalysisInputError(`${where}: a peer needs podSelector, namespaceSelector or ipBlock`);
  }
  if (peer.podSelector) checkSelector(peer.podSelector, `${where}.podSelector`);
  if (peer.namespaceSelector) checkSelector(peer.namespaceSelector, `${where}.namespaceSelector`);
  return { kind: 'pods', podSelector: peer.podSelector ?? undefined, namespaceSelector: peer.namespaceSelector ?? undefined };
}

function readPort(port: any, where: string): NetworkPolicyPortInfo {
  const protocol = toProtocol(port.protocol);
  if (!protocol) throw new AnalysisInputError(`${where}: unknown protocol '${port.protocol}' (expected TCP, UDP or SCTP)`);
  const value = port.port;
  if (port.endPort !== undefined) {
    if (typeof value !== 'number') {
      throw new AnalysisInputError(`${where}: endPort ${port.endPort} needs a numeric port, got ${JSON.stringify(value)}`);
    }
    if (port.endPort < value) throw new AnalysisInputError(`${where}: endPort ${port.endPort} is below port ${value}`);
  }
  if (typeof value === 'number' && (value < 1 || value > 65535)) {
    throw new AnalysisInputError(`${where}: port ${value} is outside 1-65535`);
  }
  return { protocol, port: value ?? undefined, endPort: port.endPort };
}

function checkSelector(selector: LabelSelector, where: string): void {
  const problem = selectorProblem(selector);
  if (problem) throw new AnalysisInputError(`${where}: ${problem}`);
}

const MTLS_MODES: MtlsMode[] = ['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET'];

function readMode(value: unknown, where: string): MtlsMode {
  const mode = (value ?? 'UNSET') as MtlsMode;
  if (!MTLS_MODES.includes(mode)) throw new AnalysisInputError(`${where}: unknown mTLS mode '${String(value)}'`);
  return mode;
}

export function readPeerAuthentication(obj: any, namespace: string, subject: string, findings: Finding[]): PeerAuthenticationInfo {
  const spec = obj.spec ?? {};
  const selector = spec.selector?.matchLabels ? stringMap(spec.selector.matchLabels) : undefined;
  const portLevel = new Map<number, MtlsMode>();
  for (const [port, value] of Object.entries(spec.portLevelMtls ?? {})) {
    portLevel.set(Number(port), readMode((value as any)?.mode, `${subject}: spec.portLevelMtls.${port}.mode`));
  }
  if (portLevel.size > 0 && !selector) {
    findings.push({ kind: 'warning', subject, message: 'portLevelMtls is ignored by Istio on a policy without a workload selector' });
    portLevel.clear();
  }
  return { namespace, name: obj.metadata.name, selector, mode: readMode(spec.mtls?.mode, `${subject}: spec.mtls.mode`), portLevel };
}

const ACTIONS: AuthorizationAction[] = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];

export function readAuthorizationPolicy(obj: any, namespace: string, subject: string): AuthorizationPolicyInfo {
  const spec = obj.spec ?? {};
  const action = (spec.action ?? 'ALLOW') as AuthorizationAction;
  if (!ACTIONS.includes(action)) {
    throw new AnalysisInputError(`${subject}: unknown action '${spec.action}' (expected ALLOW, DENY, AUDIT or CUSTOM)`);
  }
  const rules: IstioRule[] = (spec.rules ?? []).map((r: any) => ({
    from: r?.from?.map((f: any) => f?.source ?? {}),
    to: r?.to?.map((t: any) => t?.operation ?? {}),
    when: r?.when,
  }));
  return {
    namespace,
    name: obj.metadata.name,
    apiVersion: obj.apiVersion,
    selector: spec.selector?.matchLabels ? stringMap(spec.selector.matchLabels) : (spec.selector ? {} : undefined),
    hasTargetRefs: Boolean(spec.targetRef) || (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0),
    action,
    rules,
    dryRun: String(obj.metadata.annotations?.['istio.io/dry-run'] ?? '').toLowerCase() === 'true',
  };
}
