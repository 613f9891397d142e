import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { AdoptedWorkloadProps } from './adopted';
import { podSecurityFindings } from './pod-security';
import { ServicePortMapping, WorkloadPort } from './ports';
import { WORKLOAD_NAME_LABEL, ZeroTrustWorkload } from './workload';
import { validateWith, zeroTrustError } from '../errors';
import { TransportProtocol, ZeroTrustMode } from '../model/intent';
import { NamespaceIdentity } from '../namespace/lookup';
import { PodSecurityLevel } from '../namespace/options';
import { assertOptionalArray, assertOptionalString, assertPlainObject, describeValue } from '../validation';

/** Options for adopting a cdk8s-plus-28 workload. */
export interface AdoptOptions {
  /**
   * Workload name.
   * @default - the adopted resource's `metadata.name`
   */
  readonly name?: string;
  /**
   * ServiceAccount to create and run the pods under. Ignored when the workload already
   * has a `serviceAccount`, which is then used as its identity.
   * @default - the workload name
   */
  readonly serviceAccountName?: string;
  /**
   * Labels added to the pod template, selecting exactly this workload's pods.
   * @default - `{ 'app.kubernetes.io/name': <name> }`
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Services in front of the workload, so links can name their ports (`LinkPort.service(443)`).
   * @default - none
   */
  readonly services?: kplus.Service[];
  /**
   * The workload's own mode (see ZeroTrustWorkloadOptions.mode).
   * @default - the namespace's mode
   */
  readonly mode?: ZeroTrustMode;
}

/** Wires an existing cdk8s-plus-28 workload into a zero-trust namespace. */
export function adoptWorkload(ns: IConstruct & NamespaceIdentity, workload: kplus.Workload, options: AdoptOptions): ZeroTrustWorkload {
  const supported = workload instanceof kplus.Deployment || workload instanceof kplus.StatefulSet
    || workload instanceof kplus.DaemonSet || workload instanceof kplus.Job;
  if (!supported) {
    throw zeroTrustError(ns, `cannot adopt ${describeValue(workload)}: only cdk8s-plus-28 Deployments, StatefulSets, DaemonSets and Jobs can be adopted`,
      'adopt a Deployment/StatefulSet/DaemonSet/Job, or declare the identity with addWorkload()');
  }
  assertPlainObject(ns, 'adopt() options', options, 'pass an object of options, e.g. { services: [service] }, or omit it');
  assertOptionalString(ns, 'adopt() option name', options.name, 'pass the workload name as a string, e.g. name: "payment-service"');
  assertOptionalArray(ns, 'adopt() option services', options.services, 'pass the Services in front of the workload as a list, e.g. services: [service]');
  (options.services ?? []).forEach((svc, i) => {
    if (!(svc instanceof kplus.Service)) {
      throw zeroTrustError(ns, `services[${i}] (${describeValue(svc)}) is not a cdk8s-plus-28 Service`, 'pass the Service that deployment.exposeViaService() or new kplus.Service() returned');
    }
  });
  const previous = workload.node.tryFindChild(ADOPTED_ID);
  if (previous) {
    throw zeroTrustError(workload, `the workload is already adopted (as ${previous.node.path})`,
      'adopt it once and reuse the ZeroTrustWorkload that the first adopt() returned');
  }
  const home = Chart.of(workload);
  if ((home as IConstruct) !== ns) {
    throw zeroTrustError(workload, `the workload is in chart "${home.node.path}" (namespace "${home.namespace ?? 'default'}"), not in zero-trust namespace "${ns.name}"`,
      `create it with the ZeroTrustNamespace "${ns.name}" as its scope`);
  }
  if (workload.automountServiceAccountToken) {
    throw zeroTrustError(workload, 'the workload mounts its ServiceAccount token (automountServiceAccountToken: true)',
      'set automountServiceAccountToken: false; mount a projected token with an audience if the app needs one');
  }
  const name = options.name ?? workload.name;
  const podLabels = options.podLabels ?? { [WORKLOAD_NAME_LABEL]: name };
  const serviceAccountName = workload.serviceAccount?.name ?? options.serviceAccountName ?? name;

  const props: AdoptedWorkloadProps = {
    name,
    podLabels,
    serviceAccountName,
    mode: options.mode,
    adopted: {
      ports: () => containerPorts(workload),
      servicePorts: () => (options.services ?? []).flatMap(servicePorts),
      serviceAccount: workload.serviceAccount,
    },
  };
  // Nested under the adopted workload, so its construct id never clashes with the user's own.
  const adopted = new ZeroTrustWorkload(workload, ADOPTED_ID, props);
  for (const [key, value] of Object.entries(podLabels)) workload.podMetadata.addLabel(key, value);
  if (!workload.serviceAccount) {
    // cdk8s-plus fixes serviceAccount at construction, so the pod template is patched instead.
    ApiObject.of(workload).addJsonPatch(JsonPatch.add('/spec/template/spec/serviceAccountName', serviceAccountName));
  }
  meetPodSecurity(adopted, workload, ns.podSecurity ?? PodSecurityLevel.RESTRICTED);
  return adopted;
}

/** Construct id of the ZeroTrustWorkload nested under an adopted workload. */
const ADOPTED_ID = 'ZeroTrustWorkload';

/**
 * Makes the adopted pods pass the namespace's Pod Security level: sets what cdk8s-plus
 * leaves unset (for restricted: a pod-level RuntimeDefault seccomp profile, and dropping
 * ALL capabilities in containers that set no drop list), then refuses what the user set
 * explicitly against the level. Checked again at synth, for containers added later.
 */
function meetPodSecurity(adopted: ZeroTrustWorkload, workload: kplus.Workload, level: string): void {
  const object = ApiObject.of(workload);
  // Idempotent: each call patches only what is still unset, so it runs again at synth for containers added after adopt().
  const fill = () => {
    if (level !== PodSecurityLevel.RESTRICTED) return;
    const spec = object.toJson().spec?.template?.spec ?? {};
    if (spec.securityContext?.seccompProfile === undefined) {
      object.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
    }
    for (const field of ['initContainers', 'containers']) {
      (spec[field] ?? []).forEach((c: any, i: number) => {
        const base = `/spec/template/spec/${field}/${i}/securityContext`;
        if (c.securityContext?.capabilities === undefined) {
          object.addJsonPatch(JsonPatch.add(`${base}/capabilities`, { drop: ['ALL'] }));
        } else if (c.securityContext.capabilities.drop === undefined) {
          object.addJsonPatch(JsonPatch.add(`${base}/capabilities/drop`, ['ALL']));
        }
      });
    }
  };
  const check = () => {
    fill();
    const template = object.toJson().spec?.template ?? {};
    const [first, ...rest] = podSecurityFindings(template, level);
    if (!first) return;
    const more = rest.length ? ` (and ${rest.length} more: ${rest.map(f => f.control).join(', ')})` : '';
    throw zeroTrustError(workload, `its pods break Pod Security "${level}", which the namespace enforces: ${first.problem} (control "${first.control}")${more}`,
      `${first.fix}; or, if the workload truly needs it, run it in a namespace with podSecurity: PodSecurityLevel.${first.allowedAt.toUpperCase()}`);
  };
  check();
  validateWith(adopted, check);
}

function containerPorts(workload: kplus.Workload): WorkloadPort[] {
  return workload.containers.flatMap(c => c.ports.map(p => ({
    number: p.number,
    name: p.name,
    protocol: (p.protocol ?? kplus.Protocol.TCP) === kplus.Protocol.UDP ? TransportProtocol.UDP : TransportProtocol.TCP,
  })));
}

function servicePorts(service: kplus.Service): ServicePortMapping[] {
  return service.ports.map(p => ({
    port: p.port,
    targetPort: p.targetPort ?? p.port,
    protocol: p.protocol === kplus.Protocol.UDP ? TransportProtocol.UDP : TransportProtocol.TCP,
  }));
}
