/**
 * An independent checker of the Kubernetes Pod Security Standards
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/), one entry per
 * control of the Baseline and Restricted levels, written from that page's "restricted
 * fields" and "allowed values". It reads synthesized manifests only, so it also proves
 * the library's own check (lib/workload/pod-security.ts) right.
 */

export type Level = 'baseline' | 'restricted';

/** A pod as the standards see it: the pod template's metadata and spec. */
export interface PodTemplate {
  readonly metadata?: any;
  readonly spec: any;
}

interface Control {
  readonly level: Level;
  readonly name: string;
  /** Every offending field, as `path=value`; empty when the pod passes. */
  readonly violations: (pod: PodTemplate) => string[];
}

type Kind = 'containers' | 'initContainers' | 'ephemeralContainers';
const KINDS: Kind[] = ['containers', 'initContainers', 'ephemeralContainers'];

/** Each container with the path prefix the page uses, e.g. `spec.containers[0]`. */
function containers(pod: PodTemplate): { at: string; c: any }[] {
  return KINDS.flatMap(kind => (pod.spec[kind] ?? []).map((c: any, i: number) => ({ at: `spec.${kind}[${i}]`, c })));
}

/** `path=value` for each container field `get` returns that `allowed` rejects. */
function perContainer(pod: PodTemplate, field: string, get: (c: any) => unknown, allowed: (v: any) => boolean): string[] {
  return containers(pod).filter(({ c }) => !allowed(get(c))).map(({ at, c }) => `${at}.${field}=${JSON.stringify(get(c))}`);
}

const unsetOr = (...values: unknown[]) => (v: unknown) => v === undefined || v === null || values.includes(v);

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const RESTRICTED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

export const CONTROLS: Control[] = [
  // Baseline
  {
    level: 'baseline',
    name: 'HostProcess',
    violations: pod => [
      ...(unsetOr(false)(pod.spec.securityContext?.windowsOptions?.hostProcess) ? [] : ['spec.securityContext.windowsOptions.hostProcess=true']),
      ...perContainer(pod, 'securityContext.windowsOptions.hostProcess', c => c.securityContext?.windowsOptions?.hostProcess, unsetOr(false)),
    ],
  },
  {
    level: 'baseline',
    name: 'Host Namespaces',
    violations: pod => ['hostNetwork', 'hostPID', 'hostIPC'].filter(f => !unsetOr(false)(pod.spec[f])).map(f => `spec.${f}=${pod.spec[f]}`),
  },
  {
    level: 'baseline',
    name: 'Privileged Containers',
    violations: pod => perContainer(pod, 'securityContext.privileged', c => c.securityContext?.privileged, unsetOr(false)),
  },
  {
    level: 'baseline',
    name: 'Capabilities',
    violations: pod => perContainer(pod, 'securityContext.capabilities.add', c => c.securityContext?.capabilities?.add,
      v => v === undefined || (v as string[]).every(cap => BASELINE_CAPS.has(cap))),
  },
  {
    level: 'baseline',
    name: 'HostPath Volumes',
    violations: pod => (pod.spec.volumes ?? []).filter((v: any) => v.hostPath !== undefined).map((v: any) => `spec.volumes[${v.name}].hostPath`),
  },
  {
    level: 'baseline',
    name: 'Host Ports',
    violations: pod => containers(pod).flatMap(({ at, c }) => (c.ports ?? [])
      .filter((p: any) => !unsetOr(0)(p.hostPort)).map((p: any) => `${at}.ports[${p.containerPort}].hostPort=${p.hostPort}`)),
  },
  {
    level: 'baseline',
    name: 'AppArmor',
    violations: pod => [
      ...(unsetOr('RuntimeDefault', 'Localhost')(pod.spec.securityContext?.appArmorProfile?.type) ? [] : ['spec.securityContext.appArmorProfile.type']),
      ...perContainer(pod, 'securityContext.appArmorProfile.type', c => c.securityContext?.appArmorProfile?.type, unsetOr('RuntimeDefault', 'Localhost')),
      ...Object.entries(pod.metadata?.annotations ?? {})
        .filter(([k, v]) => k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !String(v).startsWith('localhost/'))
        .map(([k, v]) => `metadata.annotations[${k}]=${v}`),
    ],
  },
  {
    level: 'baseline',
    name: 'SELinux',
    violations: pod => {
      const bad = (o: any) => o !== undefined && (!unsetOr(...SELINUX_TYPES)(o.type) || !unsetOr('')(o.user) || !unsetOr('')(o.role));
      return [
        ...(bad(pod.spec.securityContext?.seLinuxOptions) ? ['spec.securityContext.seLinuxOptions'] : []),
        ...perContainer(pod, 'securityContext.seLinuxOptions', c => c.securityContext?.seLinuxOptions, o => !bad(o)),
      ];
    },
  },
  {
    level: 'baseline',
    name: '/proc Mount Type',
    violations: pod => perContainer(pod, 'securityContext.procMount', c => c.securityContext?.procMount, unsetOr('Default')),
  },
  {
    level: 'baseline',
    name: 'Seccomp',
    violations: pod => [
      ...(unsetOr('RuntimeDefault', 'Localhost')(pod.spec.securityContext?.seccompProfile?.type) ? [] : ['spec.securityContext.seccompProfile.type']),
      ...perContainer(pod, 'securityContext.seccompProfile.type', c => c.securityContext?.seccompProfile?.type, unsetOr('RuntimeDefault', 'Localhost')),
    ],
  },
  {
    level: 'baseline',
    name: 'Sysctls',
    violations: pod => (pod.spec.securityContext?.sysctls ?? []).filter((s: any) => !SAFE_SYSCTLS.has(s.name)).map((s: any) => `sysctl ${s.name}`),
  },
  // Restricted: everything above, plus
  {
    level: 'restricted',
    name: 'Volume Types',
    violations: pod => (pod.spec.volumes ?? []).flatMap((v: any) => Object.keys(v).filter(k => k !== 'name' && !RESTRICTED_VOLUME_SOURCES.has(k))
      .map(k => `spec.volumes[${v.name}].${k}`)),
  },
  {
    level: 'restricted',
    name: 'Privilege Escalation',
    violations: pod => perContainer(pod, 'securityContext.allowPrivilegeEscalation', c => c.securityContext?.allowPrivilegeEscalation, v => v === false),
  },
  {
    level: 'restricted',
    name: 'Running as Non-root',
    violations: pod => {
      const podLevel = pod.spec.securityContext?.runAsNonRoot;
      return [
        ...(podLevel === false ? ['spec.securityContext.runAsNonRoot=false'] : []),
        // A container may leave it unset only when the pod sets it to true.
        ...perContainer(pod, 'securityContext.runAsNonRoot', c => c.securityContext?.runAsNonRoot, v => v === true || (v === undefined && podLevel === true)),
      ];
    },
  },
  {
    level: 'restricted',
    name: 'Running as Non-root user',
    violations: pod => [
      ...(pod.spec.securityContext?.runAsUser === 0 ? ['spec.securityContext.runAsUser=0'] : []),
      ...perContainer(pod, 'securityContext.runAsUser', c => c.securityContext?.runAsUser, v => v !== 0),
    ],
  },
  {
    level: 'restricted',
    name: 'Seccomp',
    violations: pod => {
      const podType = pod.spec.securityContext?.seccompProfile?.type;
      const ok = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
      return perContainer(pod, 'securityContext.seccompProfile.type', c => c.securityContext?.seccompProfile?.type,
        t => ok(t) || (t === undefined && ok(podType)));
    },
  },
  {
    level: 'restricted',
    name: 'Capabilities',
    violations: pod => [
      ...perContainer(pod, 'securityContext.capabilities.drop', c => c.securityContext?.capabilities?.drop, v => Array.isArray(v) && v.includes('ALL')),
      ...perContainer(pod, 'securityContext.capabilities.add', c => c.securityContext?.capabilities?.add,
        v => v === undefined || (v as string[]).every(cap => cap === 'NET_BIND_SERVICE')),
    ],
  },
];

/** The controls that apply at `level` (Restricted includes every Baseline control). */
export function controlsOf(level: Level): Control[] {
  return CONTROLS.filter(c => level === 'restricted' || c.level === 'baseline');
}

/** Every violation of `level`, as `control: field`; empty when the pod passes. */
export function podSecurityViolations(pod: PodTemplate, level: Level): string[] {
  return controlsOf(level).flatMap(control => control.violations(pod).map(v => `${control.level}/${control.name}: ${v}`));
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** The pod template of every pod-creating manifest (a bare Pod is its own template; a CronJob nests one more level). */
export function podTemplatesOf(manifests: any[]): { object: string; namespace: string; pod: PodTemplate }[] {
  return manifests.flatMap(m => {
    const object = `${m.kind}/${m.metadata?.name}`;
    const namespace = m.metadata?.namespace ?? 'default';
    if (m.kind === 'Pod') return [{ object, namespace, pod: { metadata: m.metadata, spec: m.spec } }];
    if (m.kind === 'CronJob') return [{ object, namespace, pod: m.spec.jobTemplate.spec.template }];
    if (POD_TEMPLATE_KINDS.has(m.kind)) return [{ object, namespace, pod: m.spec.template }];
    return [];
  });
}
