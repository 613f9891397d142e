import { AnalysisInputError } from './errors';
import { ContainerPort } from './model';
import { toProtocol } from '../l4/port-set';
import { Labels } from '../l4/selectors';

/** Where each workload kind keeps its pod template. */
const POD_TEMPLATE_PATH: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const WORKLOAD_KINDS = ['Pod', ...Object.keys(POD_TEMPLATE_PATH)];

export interface PodTemplateView {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly serviceAccount: string;
  readonly ports: ContainerPort[];
  readonly hasIstioProxyContainer: boolean;
  readonly hostNetwork: boolean;
}

/** Reads the pod template of a workload object, whatever its kind. */
export function podTemplateOf(obj: any, subject: string): PodTemplateView {
  const template = obj.kind === 'Pod' ? obj : dig(obj, POD_TEMPLATE_PATH[obj.kind]);
  if (!template || typeof template !== 'object') {
    throw new AnalysisInputError(`${subject}: has no pod template at ${POD_TEMPLATE_PATH[obj.kind]?.join('.')}`);
  }
  const spec = template.spec ?? {};
  const containers: any[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const ports: ContainerPort[] = [];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      const protocol = toProtocol(p.protocol);
      const port = Number(p.containerPort);
      if (!protocol || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new AnalysisInputError(`${subject}: container '${c.name}' has an invalid port ${JSON.stringify(p)}`);
      }
      ports.push({ name: p.name, port, protocol });
    }
  }
  return {
    labels: stringMap(template.metadata?.labels),
    annotations: stringMap(template.metadata?.annotations),
    serviceAccount: spec.serviceAccountName ?? spec.serviceAccount ?? 'default',
    ports,
    hasIstioProxyContainer: containers.some(c => c.name === 'istio-proxy'),
    hostNetwork: spec.hostNetwork === true,
  };
}

/**
 * Istio's default injection rules: a namespace opts in with `istio-injection=enabled` or an
 * `istio.io/rev` label; the pod label `sidecar.istio.io/inject` overrides it (the annotation of
 * the same name is the older way and can only opt out); `istio-injection=disabled` always wins.
 */
export function hasSidecar(pod: PodTemplateView, namespaceLabels: Labels): boolean {
  if (pod.hasIstioProxyContainer) return true;
  if (pod.hostNetwork) return false;
  if (namespaceLabels['istio-injection'] === 'disabled') return false;
  const namespaceEnabled = namespaceLabels['istio-injection'] === 'enabled' || 'istio.io/rev' in namespaceLabels;
  const label = pod.labels['sidecar.istio.io/inject'];
  if (label === 'false') return false;
  if (label === 'true') return true;
  if (pod.annotations['sidecar.istio.io/inject'] === 'false') return false;
  return namespaceEnabled;
}

function dig(obj: any, path: string[] | undefined): any {
  if (!path) return undefined;
  return path.reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out[k] = String(v);
  }
  return out;
}
