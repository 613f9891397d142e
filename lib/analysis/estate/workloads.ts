import { AnalysisInputError } from './errors';
import { optionalLabels, optionalList, optionalObject, optionalString } from './fields';
import { ContainerPort, Finding } from './model';
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

/**
 * Reads the pod template of a workload object, whatever its kind. A port entry without
 * `containerPort` names nothing a policy can reach: it is skipped with a finding.
 */
export function podTemplateOf(obj: any, subject: string, findings: Finding[] = []): PodTemplateView {
  const template = obj.kind === 'Pod' ? obj : dig(obj, POD_TEMPLATE_PATH[obj.kind]);
  if (!template || typeof template !== 'object' || Array.isArray(template)) {
    throw new AnalysisInputError(`${subject}: has no pod template at ${POD_TEMPLATE_PATH[obj.kind]?.join('.')}`);
  }
  const at = obj.kind === 'Pod' ? '' : `${POD_TEMPLATE_PATH[obj.kind].join('.')}.`;
  const spec = optionalObject(template.spec, `${subject}: ${at}spec`) ?? {};
  const containers: Array<{ c: Record<string, unknown>; where: string }> = [];
  for (const field of ['containers', 'initContainers']) {
    (optionalList(spec[field], `${subject}: ${at}spec.${field}`) ?? []).forEach((c, i) => {
      const where = `${subject}: ${at}spec.${field}[${i}]`;
      containers.push({ c: optionalObject(c, where) ?? {}, where });
    });
  }
  const ports: ContainerPort[] = [];
  for (const { c, where } of containers) {
    (optionalList(c.ports, `${where}.ports`) ?? []).forEach((raw, i) => {
      const w = `${where}.ports[${i}]`;
      const p = optionalObject(raw, w) ?? {};
      if (p.containerPort === undefined || p.containerPort === null) {
        findings.push({ kind: 'warning', subject, message: `${w.slice(subject.length + 2)} has no containerPort; the entry is skipped` });
        return;
      }
      const protocol = toProtocol(p.protocol as string | undefined);
      const port = typeof p.containerPort === 'number' ? p.containerPort : NaN;
      if (!protocol || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new AnalysisInputError(`${w}: container '${String(c.name)}' has an invalid port ${JSON.stringify(p)} (containerPort must be a number in 1-65535, protocol TCP, UDP or SCTP)`);
      }
      ports.push({ name: optionalString(p.name, `${w}.name`), port, protocol });
    });
  }
  const metadata = optionalObject(template.metadata, `${subject}: ${at}metadata`) ?? {};
  return {
    labels: optionalLabels(metadata.labels, `${subject}: ${at}metadata.labels`) ?? {},
    annotations: stringMap(optionalObject(metadata.annotations, `${subject}: ${at}metadata.annotations`)),
    serviceAccount: optionalString(spec.serviceAccountName, `${subject}: ${at}spec.serviceAccountName`)
      ?? optionalString(spec.serviceAccount, `${subject}: ${at}spec.serviceAccount`) ?? 'default',
    ports,
    hasIstioProxyContainer: containers.some(({ c }) => c.name === 'istio-proxy'),
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
