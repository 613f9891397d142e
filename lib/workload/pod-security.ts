/**
 * The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards),
 * checked on the pod template the library emits, so an adopted workload that the
 * namespace's own `pod-security.kubernetes.io/enforce` label would reject is refused at
 * synth with its fix, instead of failing at `kubectl apply` (or, for a Deployment, never
 * creating pods at all, with only a ReplicaSet event to say why).
 */

/** Capabilities Baseline lets a container add (the container runtime's default set). */
const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
/** Sysctls Baseline allows: namespaced, and isolated from other pods of the node. */
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
/** Volume sources Restricted allows. */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** One way a pod template breaks a Pod Security level. */
export interface PodSecurityFinding {
  /** The control of the standard, as the Kubernetes page names it. */
  readonly control: string;
  /** Where and what, e.g. `container "main" securityContext.privileged: true`. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
  /** The lowest level that admits it: "baseline" for a Restricted-only control, else "privileged". */
  readonly allowedAt: string;
}

/** Every control of `level` that the pod template (metadata + spec) breaks; empty when it passes. */
export function podSecurityFindings(template: { metadata?: any; spec?: any }, level: string): PodSecurityFinding[] {
  if (level !== 'baseline' && level !== 'restricted') return [];
  const spec = template.spec ?? {};
  const podSc = spec.securityContext ?? {};
  const containers: { kind: string; c: any }[] = [
    ...(spec.initContainers ?? []).map((c: any) => ({ kind: 'init container', c })),
    ...(spec.containers ?? []).map((c: any) => ({ kind: 'container', c })),
    ...(spec.ephemeralContainers ?? []).map((c: any) => ({ kind: 'ephemeral container', c })),
  ];
  const found: PodSecurityFinding[] = [];
  let allowedAt = 'privileged';
  const add = (control: string, problem: string, fix: string) => found.push({ control, problem, fix, allowedAt });
  const each = (fn: (where: string, sc: any, c: any) => void) => containers.forEach(({ kind, c }) => fn(`${kind} "${c.name}"`, c.securityContext ?? {}, c));

  // Baseline
  if (podSc.windowsOptions?.hostProcess === true) add('HostProcess', 'securityContext.windowsOptions.hostProcess: true', 'remove hostProcess');
  each((w, sc) => { if (sc.windowsOptions?.hostProcess === true) add('HostProcess', `${w} securityContext.windowsOptions.hostProcess: true`, 'remove hostProcess'); });
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[f] === true) add('Host Namespaces', `${f}: true`, `remove ${f} (or set it to false): pods share no namespace with the node`);
  }
  each((w, sc) => { if (sc.privileged === true) add('Privileged Containers', `${w} securityContext.privileged: true`, 'set privileged: false'); });
  each((w, sc) => {
    for (const cap of sc.capabilities?.add ?? []) {
      if (!BASELINE_CAPABILITIES.includes(cap)) add('Capabilities', `${w} adds capability ${cap}`, `remove ${cap} from capabilities.add`);
    }
  });
  for (const v of spec.volumes ?? []) {
    if (v.hostPath !== undefined) add('HostPath Volumes', `volume "${v.name}" is a hostPath`, 'use an emptyDir, configMap, secret or persistentVolumeClaim volume instead');
  }
  each((w, _sc, c) => {
    for (const p of c.ports ?? []) {
      if (p.hostPort !== undefined && p.hostPort !== 0) add('Host Ports', `${w} port ${p.containerPort} sets hostPort ${p.hostPort}`, 'remove hostPort; reach the pod through a Service');
    }
  });
  const appArmorOk = (t: unknown) => t === undefined || t === 'RuntimeDefault' || t === 'Localhost';
  if (!appArmorOk(podSc.appArmorProfile?.type)) add('AppArmor', `securityContext.appArmorProfile.type: ${podSc.appArmorProfile.type}`, 'use RuntimeDefault or Localhost, or leave it unset');
  each((w, sc) => { if (!appArmorOk(sc.appArmorProfile?.type)) add('AppArmor', `${w} securityContext.appArmorProfile.type: ${sc.appArmorProfile.type}`, 'use RuntimeDefault or Localhost, or leave it unset'); });
  for (const [key, value] of Object.entries(template.metadata?.annotations ?? {})) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value !== 'runtime/default' && !String(value).startsWith('localhost/')) {
      add('AppArmor', `annotation ${key}: ${value}`, 'use runtime/default or a localhost/ profile');
    }
  }
  const checkSeLinux = (w: string, o: any) => {
    if (!o) return;
    if (o.type !== undefined && !SELINUX_TYPES.includes(o.type)) add('SELinux', `${w}seLinuxOptions.type: ${o.type}`, `use one of ${SELINUX_TYPES.filter(t => t).join(', ')}, or leave it unset`);
    for (const f of ['user', 'role']) if (o[f] !== undefined && o[f] !== '') add('SELinux', `${w}seLinuxOptions.${f}: ${o[f]}`, `remove seLinuxOptions.${f}`);
  };
  checkSeLinux('securityContext.', podSc.seLinuxOptions);
  each((w, sc) => checkSeLinux(`${w} securityContext.`, sc.seLinuxOptions));
  each((w, sc) => { if (sc.procMount !== undefined && sc.procMount !== 'Default') add('/proc Mount Type', `${w} securityContext.procMount: ${sc.procMount}`, 'remove procMount (or set it to Default)'); });
  if (podSc.seccompProfile?.type === 'Unconfined') add('Seccomp', 'securityContext.seccompProfile.type: Unconfined', 'use RuntimeDefault');
  each((w, sc) => { if (sc.seccompProfile?.type === 'Unconfined') add('Seccomp', `${w} securityContext.seccompProfile.type: Unconfined`, 'use RuntimeDefault'); });
  for (const s of podSc.sysctls ?? []) {
    if (!SAFE_SYSCTLS.includes(s.name)) add('Sysctls', `sysctl ${s.name}`, `remove it; only ${SAFE_SYSCTLS.join(', ')} are allowed`);
  }
  if (level === 'baseline') return found;

  // Restricted
  allowedAt = 'baseline';
  for (const v of spec.volumes ?? []) {
    const source = Object.keys(v).find(k => k !== 'name');
    if (source !== undefined && source !== 'hostPath' && !RESTRICTED_VOLUMES.includes(source)) {
      add('Volume Types', `volume "${v.name}" is a ${source} volume`, `use ${RESTRICTED_VOLUMES.join(', ')}, or a persistentVolumeClaim for other storage`);
    }
  }
  each((w, sc) => {
    if (sc.allowPrivilegeEscalation !== false) add('Privilege Escalation', `${w} securityContext.allowPrivilegeEscalation: ${sc.allowPrivilegeEscalation ?? 'unset'}`, 'set allowPrivilegeEscalation: false');
  });
  if (podSc.runAsNonRoot === false) add('Running as Non-root', 'securityContext.runAsNonRoot: false', 'set ensureNonRoot: true (runAsNonRoot) and run the image as a non-zero user');
  each((w, sc) => {
    if (sc.runAsNonRoot === false || (sc.runAsNonRoot === undefined && podSc.runAsNonRoot !== true)) {
      add('Running as Non-root', `${w} securityContext.runAsNonRoot: ${sc.runAsNonRoot ?? 'unset'}`, 'set ensureNonRoot: true (runAsNonRoot) and run the image as a non-zero user');
    }
  });
  if (podSc.runAsUser === 0) add('Running as Non-root user', 'securityContext.runAsUser: 0', 'run as a non-zero user id, e.g. user: 10001');
  each((w, sc) => { if (sc.runAsUser === 0) add('Running as Non-root user', `${w} securityContext.runAsUser: 0`, 'run as a non-zero user id, e.g. user: 10001'); });
  const seccompOk = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
  if (!seccompOk(podSc.seccompProfile?.type)) {
    each((w, sc) => {
      if (!seccompOk(sc.seccompProfile?.type)) add('Seccomp', `${w} securityContext.seccompProfile: ${sc.seccompProfile?.type ?? 'unset'} (and none on the pod)`, 'set seccompProfile: { type: RuntimeDefault }');
    });
  }
  each((w, sc) => {
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) add('Capabilities', `${w} does not drop ALL capabilities (drop: ${JSON.stringify(sc.capabilities?.drop ?? [])})`, 'add Capability.ALL to capabilities.drop');
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.includes(cap)) add('Capabilities', `${w} adds capability ${cap}`, `remove ${cap} from capabilities.add (restricted allows only NET_BIND_SERVICE)`);
    }
  });
  return found;
}
