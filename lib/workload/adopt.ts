import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { AdoptedWorkloadProps } from './adopted';
import { adoptedName } from './adopted-name';
import { podSecurityFindings } from './pod-security';
import { ServicePortMapping, WorkloadPort } from './ports';
import { recordServices } from './services';
import { refuseReservedLabel, WORKLOAD_NAME_LABEL, ZeroTrustWorkload } from './workload';
import { validateWith, zeroTrustError } from '../errors';
import { TransportProtocol, ZeroTrustMode } from '../model/intent';
import { AUDIT_POD_LABEL } from '../model/labels';
import { findZeroTrustNamespace, NamespaceIdentity } from '../namespace/lookup';
import { PodSecurityLevel } from '../namespace/options';
import { assertOptionalArray, assertOptionalString, assertPlainObject, describeValue } from '../validation';

/** Options for adopting a cdk8s-plus-28 workload. */
export interface AdoptOptions {
  /**
   * Workload name.
   * @default - the adopted resource's `metadata.name`, or else its construct id (never the name cdk8s generates from the construct path)
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
  /**
   * In an ambient namespace, a waypoint of the workload's own for its L7 rules (see
   * ZeroTrustWorkloadOptions.ownWaypoint); the waypoint binds to the Services given here.
   * @default false - the namespace waypoint, when the workload needs one
   */
  readonly ownWaypoint?: boolean;
}

/** Wires an existing cdk8s-plus-28 workload into a zero-trust namespace. */
export function adoptWorkload(ns: IConstruct & NamespaceIdentity, workload: kplus.Workload, options: AdoptOptions): ZeroTrustWorkload {
  checkAdoptable(ns, workload);
  assertPlainObject(ns, 'adopt() options', options, 'pass an object of options, e.g. { services: [service] }, or omit it');
  assertOptionalString(ns, 'adopt() option name', options.name, 'pass the workload name as a string, e.g. name: "payment-service"');
  checkServices(ns, options.services);
  const name = options.name ?? adoptedName(workload);
  const podLabels = options.podLabels ?? { [WORKLOAD_NAME_LABEL]: name };
  const serviceAccountName = workload.serviceAccount?.name ?? options.serviceAccountName ?? name;

  const props: AdoptedWorkloadProps = {
    name,
    podLabels,
    serviceAccountName,
    mode: options.mode,
    ownWaypoint: options.ownWaypoint,
    adopted: {
      ports: () => containerPorts(workload),
      servicePorts: () => (options.services ?? []).flatMap(servicePorts),
      serviceAccount: workload.serviceAccount,
    },
  };
  // Nested under the adopted workload, so its construct id never clashes with the user's own.
  const adopted = new ZeroTrustWorkload(workload, 'ZeroTrustWorkload', props);
  recordServices(adopted, options.services ?? []);
  wirePods(workload, adopted);
  return adopted;
}

/**
 * Adopts one more workload into an existing identity (several Deployments, one ServiceAccount,
 * one principal): its pods carry the identity's labels and run under its ServiceAccount.
 * Returns where the identity now reads the member's ports from.
 */
export function adoptMember(identity: ZeroTrustWorkload, workload: kplus.Workload, services: kplus.Service[]): {
  readonly ports: () => WorkloadPort[];
  readonly servicePorts: () => ServicePortMapping[];
} {
  const ns = findZeroTrustNamespace(identity);
  if (ns) checkAdoptable(ns, workload);
  checkServices(identity, services);
  if (workload.serviceAccount && workload.serviceAccount !== identity.serviceAccount) {
    throw zeroTrustError(workload, `the workload already runs under ServiceAccount "${workload.serviceAccount.name}", not under the identity ${identity.namespace}/${identity.name}'s ServiceAccount "${identity.serviceAccountName}"`,
      `create the workload without a serviceAccount (adopting sets it), or with the identity's own ServiceAccount object (${identity.node.path})`);
  }
  wirePods(workload, identity);
  recordServices(identity, services);
  return { ports: () => containerPorts(workload), servicePorts: () => services.flatMap(servicePorts) };
}

const ADOPTED = new WeakMap<kplus.Workload, ZeroTrustWorkload>();

/** What every adopted workload must be: of a supported kind, in the namespace's chart, without its token, adopted once. */
function checkAdoptable(ns: IConstruct & NamespaceIdentity, workload: kplus.Workload): void {
  const supported = workload instanceof kplus.Deployment || workload instanceof kplus.StatefulSet
    || workload instanceof kplus.DaemonSet || workload instanceof kplus.Job;
  if (!supported) {
    throw zeroTrustError(ns, `cannot adopt ${describeValue(workload)}: only cdk8s-plus-28 Deployments, StatefulSets, DaemonSets and Jobs can be adopted`,
      'adopt a Deployment/StatefulSet/DaemonSet/Job, or declare the identity with addWorkload()');
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
  const reserved = workload.podMetadata.getLabel(AUDIT_POD_LABEL);
  if (reserved !== undefined) refuseReservedLabel(workload, { [AUDIT_POD_LABEL]: reserved });
  const owner = ADOPTED.get(workload);
  if (owner) {
    throw zeroTrustError(workload, `the workload is already adopted into ${owner.namespace}/${owner.name}`,
      'adopt each workload once; to run it beside others under one identity, adopt it only into that identity (workload.adopt(deployment))');
  }
}

/** Puts the identity's labels (the reserved audit label included when it audits on its own) and ServiceAccount on the adopted workload's pods. */
function wirePods(workload: kplus.Workload, identity: ZeroTrustWorkload): void {
  ADOPTED.set(workload, identity);
  for (const [key, value] of Object.entries(identity.podLabels)) workload.podMetadata.addLabel(key, value);
  if (!workload.serviceAccount) {
    // cdk8s-plus fixes serviceAccount at construction, so the pod template is patched instead.
    ApiObject.of(workload).addJsonPatch(JsonPatch.add('/spec/template/spec/serviceAccountName', identity.serviceAccountName));
  }
  meetPodSecurity(identity, workload, findZeroTrustNamespace(identity)?.podSecurity ?? PodSecurityLevel.RESTRICTED);
}

/** Services passed when adopting must be cdk8s-plus-28 Services: their ports become linkable. */
function checkServices(scope: IConstruct, services: unknown): void {
  assertOptionalArray(scope, 'adopt() option services', services, 'pass the Services in front of the workload as a list, e.g. services: [service]');
  ((services ?? []) as unknown[]).forEach((svc, i) => {
    if (!(svc instanceof kplus.Service)) {
      throw zeroTrustError(scope, `services[${i}] (${describeValue(svc)}) is not a cdk8s-plus-28 Service`, 'pass the Service that deployment.exposeViaService() or new kplus.Service() returned');
    }
  });
}

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
