import { AnalysisInputError } from './errors';
import { optionalLabels, optionalList, optionalObject, optionalString, optionalStringList, typeError, unknownKeys } from './fields';
import {
  AuthorizationAction, AuthorizationPolicyInfo, DestinationRuleInfo, Finding, IstioRule, MtlsMode, NetworkPolicyInfo,
  NetworkPolicyPeerInfo, NetworkPolicyPortInfo, NetworkPolicyRuleInfo, PeerAuthenticationInfo, RequestAuthenticationInfo,
} from './model';
import { toProtocol } from '../l4/port-set';
import { LabelSelector, selectorProblem } from '../l4/selectors';

/**
 * Normalizes a networking.k8s.io/v1 NetworkPolicy. The `policyTypes` default follows the API
 * server: Ingress always, Egress only when the policy has at least one egress rule.
 */
export function readNetworkPolicy(obj: any, namespace: string, subject: string, findings: Finding[]): NetworkPolicyInfo {
  const spec = optionalObject(obj.spec, `${subject}: spec`) ?? {};
  if (spec.podSelector === undefined || spec.podSelector === null) {
    throw new AnalysisInputError(`${subject}: spec.podSelector is required (use {} to select every pod in the namespace)`);
  }
  const podSelector = readSelector(spec.podSelector, `${subject}: spec.podSelector`);
  const ingress = optionalList(spec.ingress, `${subject}: spec.ingress`) ?? [];
  const egress = optionalList(spec.egress, `${subject}: spec.egress`) ?? [];
  const types: string[] = optionalStringList(spec.policyTypes, `${subject}: spec.policyTypes`) ?? (egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
  for (const t of types) {
    if (t !== 'Ingress' && t !== 'Egress') {
      throw new AnalysisInputError(`${subject}: unknown policyType '${t}' (expected Ingress or Egress)`);
    }
  }
  const readRules = (rules: unknown[], peerKey: 'from' | 'to', field: string) =>
    rules.map((r, i) => readRule(optionalObject(r, `${subject}: spec.${field}[${i}]`) ?? {}, peerKey, `${subject}: spec.${field}[${i}]`, subject, findings));
  return {
    namespace,
    name: obj.metadata.name,
    podSelector,
    isolatesIngress: types.includes('Ingress'),
    isolatesEgress: types.includes('Egress'),
    // Rules of a direction the policy does not isolate are ignored by Kubernetes.
    ingress: types.includes('Ingress') ? readRules(ingress, 'from', 'ingress') : [],
    egress: types.includes('Egress') ? readRules(egress, 'to', 'egress') : [],
  };
}

function readRule(rule: Record<string, unknown>, peerKey: 'from' | 'to', where: string, subject: string, findings: Finding[]): NetworkPolicyRuleInfo {
  const rawPeers = optionalList(rule[peerKey], `${where}.${peerKey}`);
  const rawPorts = optionalList(rule.ports, `${where}.ports`);
  const peers = !rawPeers || rawPeers.length === 0
    ? 'any' as const
    : rawPeers.map((p, i) => readPeer(optionalObject(p, `${where}.${peerKey}[${i}]`) ?? {}, `${where}.${peerKey}[${i}]`, subject, findings));
  const ports = !rawPorts || rawPorts.length === 0
    ? 'any' as const
    : rawPorts.map((p, i) => readPort(optionalObject(p, `${where}.ports[${i}]`) ?? {}, `${where}.ports[${i}]`));
  return { peers, ports };
}

function readPeer(peer: Record<string, unknown>, where: string, subject: string, findings: Finding[]): NetworkPolicyPeerInfo {
  const ipBlock = optionalObject(peer.ipBlock, `${where}.ipBlock`);
  if (ipBlock) {
    if (peer.podSelector || peer.namespaceSelector) {
      throw new AnalysisInputError(`${where}: ipBlock cannot be combined with podSelector or namespaceSelector in one peer`);
    }
    const cidr = optionalString(ipBlock.cidr, `${where}.ipBlock.cidr`);
    if (!cidr) throw new AnalysisInputError(`${where}: ipBlock.cidr is required`);
    findings.push({
      kind: 'unsupported',
      subject,
      message: `ipBlock ${cidr} is reported as an external network only: pod IPs are not in the manifests, so it is never matched against pods`,
    });
    return { kind: 'ipBlock', cidr, except: optionalStringList(ipBlock.except, `${where}.ipBlock.except`) ?? [] };
  }
  const podSelector = peer.podSelector === undefined || peer.podSelector === null ? undefined : readSelector(peer.podSelector, `${where}.podSelector`);
  const namespaceSelector = peer.namespaceSelector === undefined || peer.namespaceSelector === null
    ? undefined : readSelector(peer.namespaceSelector, `${where}.namespaceSelector`);
  if (!podSelector && !namespaceSelector) {
    throw new AnalysisInputError(`${where}: a peer needs podSelector, namespaceSelector or ipBlock`);
  }
  return { kind: 'pods', podSelector, namespaceSelector };
}

function readPort(port: Record<string, unknown>, where: string): NetworkPolicyPortInfo {
  const protocol = toProtocol(port.protocol as string | undefined);
  if (!protocol) throw new AnalysisInputError(`${where}: unknown protocol '${String(port.protocol)}' (expected TCP, UDP or SCTP)`);
  const value = port.port;
  if (value !== undefined && value !== null && typeof value !== 'number' && typeof value !== 'string') {
    throw typeError(`${where}.port`, 'a port number or name', value);
  }
  if (port.endPort !== undefined && port.endPort !== null) {
    if (typeof port.endPort !== 'number') throw typeError(`${where}.endPort`, 'a number', port.endPort);
    if (typeof value !== 'number') {
      throw new AnalysisInputError(`${where}: endPort ${port.endPort} needs a numeric port, got ${JSON.stringify(value)}`);
    }
    if (port.endPort < value) throw new AnalysisInputError(`${where}: endPort ${port.endPort} is below port ${value}`);
  }
  if (typeof value === 'number' && (!Number.isInteger(value) || value < 1 || value > 65535)) {
    throw new AnalysisInputError(`${where}: port ${value} is outside 1-65535`);
  }
  return { protocol, port: value ?? undefined, endPort: (port.endPort as number | undefined) ?? undefined };
}

/** A label selector with every part type-checked; malformed operators are refused. */
export function readSelector(value: unknown, where: string): LabelSelector {
  const obj = optionalObject(value, where) ?? {};
  const matchLabels = optionalLabels(obj.matchLabels, `${where}.matchLabels`);
  const matchExpressions = optionalList(obj.matchExpressions, `${where}.matchExpressions`)?.map((e, i) => {
    const w = `${where}.matchExpressions[${i}]`;
    const req = optionalObject(e, w) ?? {};
    return {
      key: optionalString(req.key, `${w}.key`) ?? '',
      operator: optionalString(req.operator, `${w}.operator`) ?? '',
      values: optionalStringList(req.values, `${w}.values`),
    };
  });
  const selector: LabelSelector = { ...(matchLabels ? { matchLabels } : {}), ...(matchExpressions ? { matchExpressions } : {}) };
  checkSelector(selector, where);
  return selector;
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
  const spec = optionalObject(obj.spec, `${subject}: spec`) ?? {};
  const rawSelector = optionalObject(spec.selector, `${subject}: spec.selector`);
  const matchLabels = optionalLabels(rawSelector?.matchLabels, `${subject}: spec.selector.matchLabels`);
  const selector = matchLabels && Object.keys(matchLabels).length > 0 ? matchLabels : undefined;
  const portLevel = new Map<number, MtlsMode>();
  for (const [port, value] of Object.entries(optionalObject(spec.portLevelMtls, `${subject}: spec.portLevelMtls`) ?? {})) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new AnalysisInputError(`${subject}: spec.portLevelMtls.${port}: not a port number in 1-65535`);
    portLevel.set(n, readMode(optionalObject(value, `${subject}: spec.portLevelMtls.${port}`)?.mode, `${subject}: spec.portLevelMtls.${port}.mode`));
  }
  if (portLevel.size > 0 && !selector) {
    findings.push({ kind: 'warning', subject, message: 'portLevelMtls is ignored by Istio on a policy without a workload selector' });
    portLevel.clear();
  }
  return { namespace, name: obj.metadata.name, selector, mode: readMode(optionalObject(spec.mtls, `${subject}: spec.mtls`)?.mode, `${subject}: spec.mtls.mode`), portLevel };
}

const ACTIONS: AuthorizationAction[] = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];

const SOURCE_FIELDS = ['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains'];
const OPERATION_FIELDS = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'];
const CONDITION_FIELDS = ['key', 'values', 'notValues'];

/**
 * Reads an AuthorizationPolicy with every field type-checked. Fields of a rule, source,
 * operation or condition that the analyzer does not know are kept as `unknownFields`, so the
 * answers they could change become `unknown` instead of being decided as if they were absent.
 */
export function readAuthorizationPolicy(obj: any, namespace: string, subject: string): AuthorizationPolicyInfo {
  const spec = optionalObject(obj.spec, `${subject}: spec`) ?? {};
  const action = (optionalString(spec.action, `${subject}: spec.action`) ?? 'ALLOW') as AuthorizationAction;
  if (!ACTIONS.includes(action)) {
    throw new AnalysisInputError(`${subject}: unknown action '${spec.action}' (expected ALLOW, DENY, AUDIT or CUSTOM)`);
  }
  const rules: IstioRule[] = (optionalList(spec.rules, `${subject}: spec.rules`) ?? []).map((raw, i) => {
    const where = `${subject}: spec.rules[${i}]`;
    const r = optionalObject(raw, where) ?? {};
    const from = optionalList(r.from, `${where}.from`)?.map((f, j) => {
      const w = `${where}.from[${j}]`;
      const source = optionalObject(optionalObject(f, w)?.source, `${w}.source`) ?? {};
      return { ...stringLists(source, SOURCE_FIELDS, `${w}.source`), unknownFields: unknownKeys(source, SOURCE_FIELDS) };
    });
    const to = optionalList(r.to, `${where}.to`)?.map((t, j) => {
      const w = `${where}.to[${j}]`;
      const op = optionalObject(optionalObject(t, w)?.operation, `${w}.operation`) ?? {};
      const lists = stringLists(op, OPERATION_FIELDS, `${w}.operation`, ['ports', 'notPorts']);
      for (const f of ['ports', 'notPorts']) {
        (lists[f] ?? []).forEach((port, k) => {
          const n = Number(port);
          // Istio validates ports as numbers; a name such as "http" is refused by the API server too.
          if (!/^[0-9]+$/.test(port) || n < 1 || n > 65535) throw new AnalysisInputError(`${w}.operation.${f}[${k}]: expected a port number in 1-65535, got ${JSON.stringify(port)}`);
        });
      }
      return { ...lists, unknownFields: unknownKeys(op, OPERATION_FIELDS) };
    });
    const when = optionalList(r.when, `${where}.when`)?.map((c, j) => {
      const w = `${where}.when[${j}]`;
      const cond = optionalObject(c, w) ?? {};
      const key = optionalString(cond.key, `${w}.key`);
      if (!key) throw new AnalysisInputError(`${w}.key: is required`);
      return { key, ...stringLists(cond, ['values', 'notValues'], w, ['values', 'notValues']), unknownFields: unknownKeys(cond, CONDITION_FIELDS) };
    });
    return { from, to, when, unknownFields: unknownKeys(r, ['from', 'to', 'when']) };
  });
  const selector = optionalObject(spec.selector, `${subject}: spec.selector`);
  const matchLabels = optionalLabels(selector?.matchLabels, `${subject}: spec.selector.matchLabels`);
  const annotations = optionalObject(obj.metadata?.annotations, `${subject}: metadata.annotations`);
  return {
    namespace,
    name: obj.metadata.name,
    apiVersion: obj.apiVersion,
    selector: matchLabels ?? (selector ? {} : undefined),
    hasTargetRefs: Boolean(spec.targetRef) || (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0),
    action,
    rules,
    dryRun: String(annotations?.['istio.io/dry-run'] ?? '').toLowerCase() === 'true',
  };
}

function stringLists(
  obj: Record<string, unknown>, fields: readonly string[], where: string, numeric: readonly string[] = [],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of fields) {
    const list = optionalStringList(obj[f], `${where}.${f}`, numeric.includes(f));
    if (list) out[f] = list;
  }
  return out;
}

/** RequestAuthentication: the issuers and audiences of the tokens the selected workloads validate. */
export function readRequestAuthentication(obj: any, namespace: string, subject: string): RequestAuthenticationInfo {
  const spec = optionalObject(obj.spec, `${subject}: spec`) ?? {};
  const selector = optionalObject(spec.selector, `${subject}: spec.selector`);
  const jwtRules = (optionalList(spec.jwtRules, `${subject}: spec.jwtRules`) ?? []).map((raw, i) => {
    const where = `${subject}: spec.jwtRules[${i}]`;
    const rule = optionalObject(raw, where) ?? {};
    const issuer = optionalString(rule.issuer, `${where}.issuer`);
    if (!issuer) throw new AnalysisInputError(`${where}.issuer: is required`);
    return { issuer, audiences: optionalStringList(rule.audiences, `${where}.audiences`) ?? [] };
  });
  return { namespace, name: obj.metadata.name, selector: optionalLabels(selector?.matchLabels, `${subject}: spec.selector.matchLabels`), jwtRules };
}

/** DestinationRule: only the client TLS mode, which decides whether a sidecar client sends plaintext. */
export function readDestinationRule(obj: any, namespace: string, subject: string): DestinationRuleInfo {
  const spec = optionalObject(obj.spec, `${subject}: spec`) ?? {};
  const host = optionalString(spec.host, `${subject}: spec.host`);
  if (!host) throw new AnalysisInputError(`${subject}: spec.host: is required`);
  const policy = optionalObject(spec.trafficPolicy, `${subject}: spec.trafficPolicy`) ?? {};
  const mode = optionalString(optionalObject(policy.tls, `${subject}: spec.trafficPolicy.tls`)?.mode, `${subject}: spec.trafficPolicy.tls.mode`);
  const portModes = new Map<number, string>();
  (optionalList(policy.portLevelSettings, `${subject}: spec.trafficPolicy.portLevelSettings`) ?? []).forEach((raw, i) => {
    const where = `${subject}: spec.trafficPolicy.portLevelSettings[${i}]`;
    const setting = optionalObject(raw, where) ?? {};
    const port = optionalObject(setting.port, `${where}.port`)?.number;
    const m = optionalString(optionalObject(setting.tls, `${where}.tls`)?.mode, `${where}.tls.mode`);
    if (port !== undefined && typeof port !== 'number') throw typeError(`${where}.port.number`, 'a number', port);
    if (typeof port === 'number' && m) portModes.set(port, m);
  });
  const exportTo = optionalStringList(spec.exportTo, `${subject}: spec.exportTo`);
  const ws = optionalObject(spec.workloadSelector, `${subject}: spec.workloadSelector`);
  return {
    namespace,
    name: obj.metadata.name,
    host,
    mode,
    portModes,
    privateToNamespace: exportTo !== undefined && exportTo.length > 0 && exportTo.every(e => e === '.'),
    workloadSelector: optionalLabels(ws?.matchLabels, `${subject}: spec.workloadSelector.matchLabels`),
  };
}
