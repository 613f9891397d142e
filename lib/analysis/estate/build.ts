import { lowerAmbient } from './ambient';
import { AnalysisInputError } from './errors';
import { optionalLabels, optionalList, optionalObject, typeError } from './fields';
import { originOf, setOrigin } from './load';
import {
  AuthorizationPolicyInfo, DestinationRuleInfo, Estate, Finding, NamespaceInfo, NetworkPolicyInfo, PeerAuthenticationInfo,
  RequestAuthenticationInfo, ServiceInfo, Workload,
} from './model';
import { assumedPlatformWorkloads } from './platform';
import {
  readAuthorizationPolicy, readDestinationRule, readNetworkPolicy, readPeerAuthentication, readRequestAuthentication,
} from './policies';
import { representativeWorkloads } from './representatives';
import { hasSidecar, podTemplateOf, WORKLOAD_KINDS } from './workloads';
import { toProtocol } from '../l4/port-set';
import { isPathTemplate, pathPatternMatch } from '../l7/paths';
import { conditionKeySupport } from '../l7/rules';
import { compareText } from '../order';

export interface EstateOptions {
  /** Namespace of namespaced objects that carry none. */
  readonly defaultNamespace?: string;
  /** SPIFFE trust domain of workload principals. */
  readonly trustDomain?: string;
  /** Istio root namespace: its policies without selector apply mesh-wide. */
  readonly rootNamespace?: string;
  /** Assume kube-dns, istiod and the ingress gateway when the manifests do not define them. */
  readonly platformWorkloads?: boolean;
}

const AUTHZ_VERSIONS = ['security.istio.io/v1', 'security.istio.io/v1beta1'];
const NETWORKING_VERSIONS = ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'];

/** Turns raw Kubernetes objects into the analyzer's estate. Unknown kinds are ignored. */
export function buildEstate(input: readonly unknown[], options: EstateOptions = {}, readerFindings: readonly Finding[] = []): Estate {
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const rootNamespace = options.rootNamespace ?? 'istio-system';
  const objects = flattenLists(input);
  const findings: Finding[] = [...readerFindings];
  const declaredNamespaces = new Map<string, Record<string, string>>();
  for (const obj of objects) {
    if (obj.kind === 'Namespace' && obj.apiVersion === 'v1') {
      declaredNamespaces.set(obj.metadata.name, inFile(obj, () => optionalLabels(obj.metadata.labels, `Namespace ${obj.metadata.name}: metadata.labels`) ?? {}));
    }
  }

  const namespaces = new Map<string, NamespaceInfo>();
  const namespaceOf = (obj: any): string => {
    const ns: string = obj.metadata?.namespace ?? defaultNamespace;
    if (!namespaces.has(ns)) {
      const declared = declaredNamespaces.get(ns);
      // The API server labels every namespace with its own name; selectors rely on it.
      namespaces.set(ns, {
        name: ns,
        labels: { ...(declared ?? {}), 'kubernetes.io/metadata.name': ns },
        declared: declared !== undefined,
      });
    }
    return ns;
  };
  for (const name of declaredNamespaces.keys()) namespaceOf({ metadata: { namespace: name } });
  namespaceOf({ metadata: { namespace: 'kube-system' } });
  namespaceOf({ metadata: { namespace: rootNamespace } });

  const workloads: Workload[] = [];
  const services: ServiceInfo[] = [];
  const networkPolicies: NetworkPolicyInfo[] = [];
  const peerAuthentications: PeerAuthenticationInfo[] = [];
  const authorizationPolicies: AuthorizationPolicyInfo[] = [];
  const requestAuthentications: RequestAuthenticationInfo[] = [];
  const destinationRules: DestinationRuleInfo[] = [];
  const seen = new Map<string, any>();
  const workloadIds = new Set<string>();

  for (const obj of objects) {
    if (obj.kind === 'Namespace') continue;
    const ns = namespaceOf(obj);
    const subject = `${obj.kind} ${ns}/${obj.metadata.name}`;
    const key = `${obj.apiVersion}|${subject}`;
    const twin = seen.get(key);
    if (twin) {
      // kubectl output and merged directories repeat objects: identical copies are one object.
      if (canonical(twin) === canonical(obj)) continue;
      throw new AnalysisInputError(`${subject}: defined twice with different content (${originOf(twin) ?? 'input'} and ${originOf(obj) ?? 'input'}); every object must be unique by kind, namespace and name`);
    }
    seen.set(key, obj);

    inFile(obj, () => {
      if (WORKLOAD_KINDS.includes(obj.kind) && !String(obj.apiVersion).includes('.istio.io')) {
        const pod = podTemplateOf(obj, subject, findings);
        const nsLabels = namespaces.get(ns)!.labels;
        const base = `${ns}/${obj.metadata.name}`;
        const id = workloadIds.has(base) ? `${base}(${obj.kind})` : base;
        workloadIds.add(id);
        workloads.push({
          id,
          namespace: ns,
          name: obj.metadata.name,
          kind: obj.kind,
          labels: pod.labels,
          serviceAccount: pod.serviceAccount,
          ports: pod.ports,
          sidecar: hasSidecar(pod, nsLabels),
          platform: false,
          originates: true,
          receives: true,
        });
      } else if (obj.kind === 'Service' && obj.apiVersion === 'v1') {
        services.push(readService(obj, ns, subject));
      } else if (obj.kind === 'NetworkPolicy' && obj.apiVersion === 'networking.k8s.io/v1') {
        networkPolicies.push(readNetworkPolicy(obj, ns, subject, findings));
      } else if (obj.kind === 'PeerAuthentication' && AUTHZ_VERSIONS.includes(obj.apiVersion)) {
        peerAuthentications.push(readPeerAuthentication(obj, ns, subject, findings));
      } else if (obj.kind === 'AuthorizationPolicy' && AUTHZ_VERSIONS.includes(obj.apiVersion)) {
        const policy = readAuthorizationPolicy(obj, ns, subject);
        authorizationPolicies.push(policy);
        findings.push(...authorizationFindings(policy, subject));
      } else if (obj.kind === 'RequestAuthentication' && AUTHZ_VERSIONS.includes(obj.apiVersion)) {
        requestAuthentications.push(readRequestAuthentication(obj, ns, subject));
      } else if (obj.kind === 'DestinationRule' && NETWORKING_VERSIONS.includes(obj.apiVersion)) {
        const rule = readDestinationRule(obj, ns, subject);
        destinationRules.push(rule);
        if (rule.workloadSelector) findings.push({ kind: 'unsupported', subject, message: 'workloadSelector narrows which clients use this DestinationRule; the analyzer applies it to every client of its namespace' });
      } else if (['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'].includes(obj.kind)) {
        findings.push({ kind: 'unsupported', subject, message: `apiVersion ${obj.apiVersion} is not read (expected ${AUTHZ_VERSIONS.join(' or ')})` });
      } else if (obj.kind === 'NetworkPolicy' || obj.kind === 'AdminNetworkPolicy' || obj.kind === 'CiliumNetworkPolicy') {
        findings.push({ kind: 'unsupported', subject, message: `${obj.apiVersion} ${obj.kind} is not modelled; only networking.k8s.io/v1 NetworkPolicy is` });
      }
    });
  }

  if (options.platformWorkloads ?? true) {
    for (const p of assumedPlatformWorkloads(workloads)) {
      namespaceOf({ metadata: { namespace: p.namespace } });
      workloads.push(p);
      findings.push({
        kind: 'assumption',
        subject: p.id,
        message: p.originates
          ? `assumed platform workload (labels ${JSON.stringify(p.labels)}, ServiceAccount ${p.serviceAccount}, ports ${p.ports.map(x => `${x.protocol}/${x.port}`).join(', ')}); its traffic into the manifests' workloads is analysed`
          : `assumed platform workload (labels ${JSON.stringify(p.labels)}, ports ${p.ports.map(x => `${x.protocol}/${x.port}`).join(', ')}); only traffic towards it is analysed`,
      });
    }
  }

  // Ambient before representatives: peers naming waypoint pods are replaced by the pods behind them.
  const pairNotes = new Map<string, string[]>();
  lowerAmbient({ objects, namespaces, workloads, networkPolicies, authorizationPolicies, findings, pairNotes, trustDomain: options.trustDomain ?? 'cluster.local' });

  // Peers the policies name but the manifests do not hold get one representative endpoint each.
  for (const r of representativeWorkloads(workloads, networkPolicies, namespaces)) {
    if (!namespaces.has(r.workload.namespace)) namespaces.set(r.workload.namespace, r.namespace);
    workloads.push(r.workload);
    findings.push({ kind: 'assumption', subject: r.workload.id, message: r.description });
  }

  workloads.sort((a, b) => compareText(a.id, b.id));
  return {
    namespaces,
    workloads,
    services,
    networkPolicies,
    peerAuthentications,
    authorizationPolicies,
    requestAuthentications,
    destinationRules,
    findings,
    settings: { trustDomain: options.trustDomain ?? 'cluster.local', rootNamespace },
    ...(pairNotes.size > 0 ? { pairNotes } : {}),
  };
}

/** What an AuthorizationPolicy contains that the analyzer reports instead of evaluating. */
function authorizationFindings(policy: AuthorizationPolicyInfo, subject: string): Finding[] {
  const out: Finding[] = [];
  if (policy.action === 'CUSTOM') out.push({ kind: 'unsupported', subject, message: 'action CUSTOM delegates to an external authorizer, which is not modelled; affected paths carry a caveat' });
  if (policy.action === 'AUDIT') out.push({ kind: 'unsupported', subject, message: 'action AUDIT only logs and never changes a verdict' });
  if (policy.hasTargetRefs) out.push({ kind: 'unsupported', subject, message: 'targetRef(s) attach the policy to a gateway or waypoint, which is not modelled; sidecars ignore it' });
  if (policy.dryRun) out.push({ kind: 'warning', subject, message: 'dry-run (istio.io/dry-run): reported as "if enforced", never enforced' });
  const unknownField = (where: string, fields: readonly string[] | undefined) => {
    if (fields && fields.length > 0) out.push({ kind: 'unsupported', subject, message: `${where} has field(s) the analyzer does not know (${fields.join(', ')}); answers that depend on it are reported as unknown, never decided as if the field were absent` });
  };
  policy.rules.forEach((rule, i) => {
    unknownField(`rules[${i}]`, rule.unknownFields);
    (rule.when ?? []).forEach((c, j) => {
      unknownField(`rules[${i}].when[${j}]`, c.unknownFields);
      const support = conditionKeySupport(c.key);
      if (support === 'unknown') out.push({ kind: 'unsupported', subject, message: `when key '${c.key}' is not modelled; matching requests are reported as unknown` });
      if (support === 'unresolvable') out.push({ kind: 'unsupported', subject, message: `when key '${c.key}' depends on data the manifests do not hold (IPs, headers, SNI); matching requests are reported as unknown` });
    });
    (rule.to ?? []).forEach((op, j) => {
      unknownField(`rules[${i}].to[${j}].operation`, op.unknownFields);
      for (const p of [...(op.paths ?? []), ...(op.notPaths ?? [])]) {
        if (isPathTemplate(p) && pathPatternMatch(p, '/') === 'unknown') out.push({ kind: 'unsupported', subject, message: `path '${p}' is not a valid path template ({*} is one segment, {**} one or more and only last); matching requests are reported as unknown` });
      }
    });
    (rule.from ?? []).forEach((s, j) => {
      unknownField(`rules[${i}].from[${j}].source`, s.unknownFields);
      if (s.remoteIpBlocks || s.notRemoteIpBlocks) out.push({ kind: 'unsupported', subject, message: 'source ipBlocks depend on pod IPs, which the manifests do not hold; matching requests are reported as unknown' });
      else if (s.ipBlocks || s.notIpBlocks) out.push({ kind: 'unsupported', subject, message: 'source ipBlocks are decided for outside peers known by their ipBlock range; for pods, whose IPs the manifests do not hold, matching requests are reported as unknown' });
    });
  });
  return out;
}

/**
 * Flattens `List` and `<Kind>List` objects. Raw API responses (`kubectl get pods -o json` on one
 * kind) give items without `kind`/`apiVersion`: they take them from the list's kind and version.
 */
function flattenLists(input: readonly unknown[], inherited?: { kind: string; apiVersion: string; origin?: string }): any[] {
  const out: any[] = [];
  input.forEach((raw: any, i) => {
    const origin = originOf(raw) ?? inherited?.origin;
    const where = `${origin ? `${origin}: ` : ''}${inherited ? `item ${i + 1} of ${inherited.kind}List` : `object ${i + 1}`}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new AnalysisInputError(`${where} is not a Kubernetes object: ${JSON.stringify(raw)?.slice(0, 120)}`);
    const obj = inherited && raw.kind === undefined && raw.apiVersion === undefined
      ? withOrigin({ ...raw, kind: inherited.kind, apiVersion: inherited.apiVersion }, origin)
      : withOrigin(raw, origin);
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && obj.items !== undefined) {
      const items = optionalList(obj.items, `${where}: ${obj.kind}.items`) ?? [];
      const itemKind = obj.kind === 'List' ? undefined : obj.kind.slice(0, -'List'.length);
      out.push(...flattenLists(items, itemKind ? { kind: itemKind, apiVersion: String(obj.apiVersion), origin } : origin ? { kind: '', apiVersion: '', origin } : undefined)
        .map(o => o));
      return;
    }
    if (typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string' || typeof obj.metadata?.name !== 'string') {
      throw new AnalysisInputError(`${where} lacks apiVersion, kind or metadata.name: ${JSON.stringify(obj).slice(0, 120)}`);
    }
    if (obj.metadata.namespace !== undefined && typeof obj.metadata.namespace !== 'string') {
      throw new AnalysisInputError(`${where} (${obj.kind} ${obj.metadata.name}): metadata.namespace: expected a string, got ${JSON.stringify(obj.metadata.namespace)}`);
    }
    out.push(obj);
  });
  return out;
}

function withOrigin<T extends object>(obj: T, origin: string | undefined): T {
  if (origin) setOrigin(obj, origin);
  return obj;
}

/** Runs a reader; an input error gets the object's file in front, so every exit-2 message names it. */
function inFile<T>(obj: any, read: () => T): T {
  try {
    return read();
  } catch (e) {
    const origin = originOf(obj);
    if (e instanceof AnalysisInputError && origin && !e.message.startsWith(origin)) throw new AnalysisInputError(`${origin}: ${e.message}`);
    // A shape no reader foresaw is still bad input, never an internal error.
    if (e instanceof TypeError) {
      throw new AnalysisInputError(`${origin ? `${origin}: ` : ''}${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}: a field has an unexpected type (${e.message})`);
    }
    throw e;
  }
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map(k => [k, v[k]])) : v));
}

function readService(obj: any, namespace: string, subject: string): ServiceInfo {
  const spec = optionalObject(obj.spec, `${subject}: spec`) ?? {};
  const ports = (optionalList(spec.ports, `${subject}: spec.ports`) ?? []).map((raw, i) => {
    const where = `${subject}: spec.ports[${i}]`;
    const p = optionalObject(raw, where) ?? {};
    const protocol = toProtocol(p.protocol as string | undefined);
    if (!protocol) throw new AnalysisInputError(`${where}: unknown protocol '${String(p.protocol)}'`);
    if (typeof p.port !== 'number' || !Number.isInteger(p.port) || p.port < 1 || p.port > 65535) throw typeError(`${where}.port`, 'a port number in 1-65535', p.port);
    const targetPort = p.targetPort ?? p.port;
    if (typeof targetPort !== 'number' && typeof targetPort !== 'string') throw typeError(`${where}.targetPort`, 'a port number or name', targetPort);
    return { name: typeof p.name === 'string' ? p.name : undefined, port: p.port, targetPort, protocol };
  });
  const selector = optionalLabels(spec.selector, `${subject}: spec.selector`);
  return { namespace, name: obj.metadata.name, selector, ports };
}
