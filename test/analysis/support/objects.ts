/** Small builders for hand-written test manifests (the Kubernetes and Istio doc examples). */
export function namespace(name: string, labels: Record<string, string> = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface PodOptions {
  readonly labels?: Record<string, string>;
  readonly ports?: ReadonlyArray<{ port: number; name?: string; protocol?: string }>;
  readonly serviceAccount?: string;
  readonly annotations?: Record<string, string>;
  readonly kind?: string;
}

/** A Deployment (or another kind) whose pods carry `app: <name>` plus the given labels. */
export function workload(ns: string, name: string, options: PodOptions = {}): any {
  const labels = { app: name, ...(options.labels ?? {}) };
  const podSpec = {
    ...(options.serviceAccount ? { serviceAccountName: options.serviceAccount } : {}),
    containers: [{
      name: 'main',
      image: 'example:1',
      ports: (options.ports ?? []).map(p => ({
        containerPort: p.port,
        ...(p.name ? { name: p.name } : {}),
        ...(p.protocol ? { protocol: p.protocol } : {}),
      })),
    }],
  };
  const template = { metadata: { labels, annotations: options.annotations ?? {} }, spec: podSpec };
  const kind = options.kind ?? 'Deployment';
  const meta = { name, namespace: ns };
  switch (kind) {
    case 'Pod': return { apiVersion: 'v1', kind, metadata: { ...meta, ...template.metadata }, spec: podSpec };
    case 'CronJob': return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } };
    case 'Job': return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { template } };
    default: return { apiVersion: 'apps/v1', kind, metadata: meta, spec: { selector: { matchLabels: labels }, template } };
  }
}

/** What a workload identity says about its pods. */
export interface WorkloadIdentityLike {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly podLabels: Record<string, string>;
}

/**
 * The Deployment a team deploys for a workload identity: exactly its labels and ServiceAccount,
 * and the given container ports (for identities declared with addWorkload, which emit no pods).
 */
export function deploymentFor(w: WorkloadIdentityLike, ports: ReadonlyArray<{ number: number; name?: string; protocol?: string }>): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: w.namespace },
    spec: {
      selector: { matchLabels: w.podLabels },
      template: {
        metadata: { labels: w.podLabels },
        spec: {
          serviceAccountName: w.serviceAccountName,
          containers: [{ name: 'app', image: 'example:1', ports: ports.map(p => ({ containerPort: p.number, name: p.name, protocol: p.protocol ?? 'TCP' })) }],
        },
      },
    },
  };
}

export function networkPolicy(ns: string, name: string, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export function authorizationPolicy(ns: string, name: string, spec: any, options: { apiVersion?: string; dryRun?: boolean } = {}): any {
  return {
    apiVersion: options.apiVersion ?? 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace: ns, ...(options.dryRun ? { annotations: { 'istio.io/dry-run': 'true' } } : {}) },
    spec,
  };
}

export function peerAuthentication(ns: string, name: string, spec: any): any {
  return { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace: ns }, spec };
}

export function service(
  ns: string, name: string, selector: Record<string, string>, ports: Array<{ port: number; targetPort: number | string; protocol?: string }>,
): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector, ports } };
}
