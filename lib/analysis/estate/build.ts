import { AnalysisInputError } from './errors';
import {
  AuthorizationPolicyInfo, Estate, Finding, NamespaceInfo, NetworkPolicyInfo, PeerAuthenticationInfo,
  ServiceInfo, Workload,
} from './model';
import { assumedPlatformWorkloads } from './platform';
import { readAuthorizationPolicy, readNetworkPolicy, readPeerAuthentication } from './policies';
import { hasSidecar, podTemplateOf, stringMap, WORKLOAD_KINDS } from './workloads';
import { toProtocol } from '../l4/port-set';
import { conditionKeySupport } from '../l7/rules';
import { compareText } from '../order';

export interface EstateOptions {
  /** Namespace of namespaced objects that carry none. */
  readonly defaultNamespace?: string;
  /** SPIFFE trust domain of workload principals. */
  readonly trustDomain?: string;
  /** Istio root namespace: its policies without selector apply mesh-wide. */
  readonly rootNamespace?: string;
  /** Assume kube-dns and istiod when the manifests do not define them. */
  readonly platformWorkloads?: boolean;
}

const AUTHZ_VERSIONS = ['security.istio.io/v1', 'security.istio.io/v1beta1'];

/** Turns raw Kubernetes objects into the analyzer's estate. Unknown kinds are ignored. */
export function buildEstate(input: readonly unknown[], options: EstateOptions = {}, readerFindings: readonly Finding[] = []): Estate {
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const rootNamespace = options.rootNamespace ?? 'istio-system';
  const objects = flattenLists(input);
  const findings: Finding[] = [...readerFindings];
  const declaredNamespaces = new Map<string, Record<string, string>>();
  for (const obj of objects) {
    if (obj.kind === 'Namespace' && obj.apiVersion === 'v1') {
      declaredNamespaces.set(obj.metadata.name, stringMap(obj.metadata.labels));
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
  const seen = new Set<string>();
  const workloadIds = new Set<string>();

  for (const obj of objects) {
    if (obj.kind === 'Namespace') continue;
    const ns = namespaceOf(obj);
    const subject = `${obj.kind} ${ns}/${obj.metadata.name}`;
    if (seen.has(`${obj.apiVersion}|${subject}`)) {
      throw new AnalysisInputError(`${subject}: defined twice; every object must be unique by kind, namespace and name`);
    }
    seen.add(`${obj.apiVersion}|${subject}`);

    if (WORKLOAD_KINDS.includes(obj.kind) && !String(obj.apiVersion).includes('.istio.io')) {
      const pod = podTemplateOf(obj, subject);
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
    } else if (obj.kind === 'AuthorizationPolicy' || obj.kind === 'PeerAuthentication') {
      findings.push({ kind: 'unsupported', subject, message: `apiVersion ${obj.apiVersion} is not read (expected ${AUTHZ_VERSIONS.join(' or ')})` });
    } else if (obj.kind === 'NetworkPolicy' || obj.kind === 'AdminNetworkPolicy' || obj.kind === 'CiliumNetworkPolicy') {
      findings.push({ kind: 'unsupported', subject, message: `${obj.apiVersion} ${obj.kind} is not modelled; only networking.k8s.io/v1 NetworkPolicy is` });
    }
  }

  if (options.platformWorkloads ?? true) {
    for (const p of assumedPlatformWorkloads(workloads)) {
      namespaceOf({ metadata: { namespace: p.namespace } });
      workloads.push(p);
      findings.push({ kind: 'assumption', subject: p.id, message: `assumed platform workload (labels ${JSON.stringify(p.labels)}, ports ${p.ports.map(x => `${x.protocol}/${x.port}`).join(', ')}); only traffic towards it is analysed` });
    }
  }

  workloads.sort((a, b) => compareText(a.id, b.id));
  return {
    namespaces,
    workloads,
    services,
    networkPolicies,
    peerAuthentications,
    authorizationPolicies,
    findings,
    settings: { trustDomain: options.trustDomain ?? 'cluster.local', rootNamespace },
  };
}

/** What an AuthorizationPolicy contains that the analyzer reports instead of evaluating. */
function authorizationFindings(policy: AuthorizationPolicyInfo, subject: string): Finding[] {
  const out: Finding[] = [];
  if (policy.action === 'CUSTOM') out.push({ kind: 'unsupported', subject, message: 'action CUSTOM delegates to an external authorizer, which is not modelled; affected paths carry a caveat' });
  if (policy.action === 'AUDIT') out.push({ kind: 'unsupported', subject, message: 'action AUDIT only logs and never changes a verdict' });
  if (policy.hasTargetRefs) out.push({ kind: 'unsupported', subject, message: 'targetRef(s) attach the policy to a gateway or waypoint, which is not modelled; sidecars ignore it' });
  if (policy.dryRun) out.push({ kind: 'warning', subject, message: 'dry-run (istio.io/dry-run): reported as "if enforced", never enforced' });
  for (const rule of policy.rules) {
    for (const c of rule.when ?? []) {
      const support = conditionKeySupport(c.key);
      if (support === 'unknown') out.push({ kind: 'unsupported', subject, message: `when key '${c.key}' is not modelled; matching requests are reported as unknown` });
      if (support === 'unresolvable') out.push({ kind: 'unsupported', subject, message: `when key '${c.key}' depends on data the manifests do not hold (IPs, headers, JWT, SNI); matching requests are reported as unknown` });
    }
    for (const op of rule.to ?? []) {
      if ([...(op.paths ?? []), ...(op.notPaths ?? [])].some(x => x.includes('{'))) {
        out.push({ kind: 'unsupported', subject, message: 'path templates ({*}, {**}) are not modelled; matching requests are reported as unknown' });
      }
    }
    for (const s of rule.from ?? []) {
      if (s.remoteIpBlocks || s.notRemoteIpBlocks) out.push({ kind: 'unsupported', subject, message: 'source ipBlocks depend on pod IPs, which the manifests do not hold; matching requests are reported as unknown' });
      else if (s.ipBlocks || s.notIpBlocks) out.push({ kind: 'unsupported', subject, message: 'source ipBlocks are decided for outside peers known by their ipBlock range; for pods, whose IPs the manifests do not hold, matching requests are reported as unknown' });
      if (s.requestPrincipals || s.notRequestPrincipals) out.push({ kind: 'unsupported', subject, message: 'requestPrincipals depend on the request JWT; matching HTTP requests are reported as unknown' });
    }
  }
  return out;
}

function flattenLists(input: readonly unknown[]): any[] {
  const out: any[] = [];
  input.forEach((obj: any, i) => {
    if (!obj || typeof obj !== 'object') throw new AnalysisInputError(`object ${i + 1} is not a Kubernetes object: ${JSON.stringify(obj)}`);
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
      out.push(...flattenLists(obj.items));
      return;
    }
    if (typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string' || typeof obj.metadata?.name !== 'string') {
      throw new AnalysisInputError(`object ${i + 1} lacks apiVersion, kind or metadata.name: ${JSON.stringify(obj).slice(0, 120)}`);
    }
    out.push(obj);
  });
  return out;
}

function readService(obj: any, namespace: string, subject: string): ServiceInfo {
  const ports = (obj.spec?.ports ?? []).map((p: any) => {
    const protocol = toProtocol(p.protocol);
    if (!protocol) throw new AnalysisInputError(`${subject}: unknown protocol '${p.protocol}'`);
    return { name: p.name, port: Number(p.port), targetPort: p.targetPort ?? Number(p.port), protocol };
  });
  return { namespace, name: obj.metadata.name, selector: obj.spec?.selector ? stringMap(obj.spec.selector) : undefined, ports };
}
