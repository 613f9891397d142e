import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parseAllDocuments } from 'yaml';
import { edgesExample } from '../../examples/edges/edges';
import { quickstart } from '../../examples/quickstart/quickstart';
import { referenceScenario } from '../../examples/reference/scenario';
import { PodSecurityLevel, ZeroTrustNamespace } from '../../lib';
import { podSecurityFindings } from '../../lib/workload/pod-security';
import { CONTROLS, controlsOf, Level, podSecurityViolations, podTemplatesOf } from '../support/pod-security-standards';

/** Synthesizes through app.synth(), as `cdk8s synth` does, and reads back every manifest written. */
function synthToDisk(build: (app: App) => void): any[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-pss-'));
  const app = new App({ outdir });
  build(app);
  app.synth();
  return fs.readdirSync(outdir).sort().flatMap(f => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map(d => d.toJSON()))
    .filter(m => m);
}

/** The enforce level of each namespace, read from the emitted Namespace objects. */
function enforcedLevels(manifests: any[]): Map<string, string> {
  return new Map(manifests.filter(m => m.kind === 'Namespace').map(m => [m.metadata.name, m.metadata.labels['pod-security.kubernetes.io/enforce']]));
}

/** Every pod template checked against the level its own namespace enforces. */
function violationsAtOwnLevel(manifests: any[]): string[] {
  const levels = enforcedLevels(manifests);
  return podTemplatesOf(manifests).flatMap(({ object, namespace, pod }) =>
    podSecurityViolations(pod, levels.get(namespace) as Level).map(v => `${namespace}/${object}: ${v}`));
}

/** Deployments in examples/edges: admin-panel, checkout, ledger-sync, recommendations, web, api. */
const EDGES_PODS = 6;

const container = { image: 'registry.example.com/web:1.0.0', ports: [{ number: 8080, name: 'http' }] };

describe('the checker implements every control of the Pod Security Standards page', () => {
  test('it lists the 11 Baseline and 6 further Restricted controls', () => {
    expect(controlsOf('baseline').map(c => c.name)).toEqual(['HostProcess', 'Host Namespaces', 'Privileged Containers', 'Capabilities',
      'HostPath Volumes', 'Host Ports', 'AppArmor', 'SELinux', '/proc Mount Type', 'Seccomp', 'Sysctls']);
    expect(CONTROLS.filter(c => c.level === 'restricted').map(c => c.name)).toEqual(['Volume Types', 'Privilege Escalation',
      'Running as Non-root', 'Running as Non-root user', 'Seccomp', 'Capabilities']);
  });

  // A compliant pod, then one offending change per control: each control must catch its own case, so none is vacuous.
  const good = () => ({
    metadata: { annotations: {} as any },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } as any,
      volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }] as any[],
      containers: [{ name: 'app', ports: [{ containerPort: 8080 }] as any[], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } as any }],
    } as any,
  });
  const offences: [string, Level, (p: any) => void][] = [
    ['HostProcess', 'baseline', p => { p.spec.securityContext.windowsOptions = { hostProcess: true }; }],
    ['Host Namespaces', 'baseline', p => { p.spec.hostNetwork = true; }],
    ['Host Namespaces', 'baseline', p => { p.spec.hostPID = true; }],
    ['Host Namespaces', 'baseline', p => { p.spec.hostIPC = true; }],
    ['Privileged Containers', 'baseline', p => { p.spec.containers[0].securityContext.privileged = true; }],
    ['Capabilities', 'baseline', p => { p.spec.containers[0].securityContext.capabilities.add = ['NET_ADMIN']; }],
    ['HostPath Volumes', 'baseline', p => { p.spec.volumes.push({ name: 'host', hostPath: { path: '/' } }); }],
    ['Host Ports', 'baseline', p => { p.spec.containers[0].ports[0].hostPort = 8080; }],
    ['AppArmor', 'baseline', p => { p.spec.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }; }],
    ['AppArmor', 'baseline', p => { p.metadata.annotations['container.apparmor.security.beta.kubernetes.io/app'] = 'unconfined'; }],
    ['SELinux', 'baseline', p => { p.spec.securityContext.seLinuxOptions = { type: 'spc_t' }; }],
    ['SELinux', 'baseline', p => { p.spec.containers[0].securityContext.seLinuxOptions = { user: 'system_u' }; }],
    ['/proc Mount Type', 'baseline', p => { p.spec.containers[0].securityContext.procMount = 'Unmasked'; }],
    ['Seccomp', 'baseline', p => { p.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; }],
    ['Sysctls', 'baseline', p => { p.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }],
    ['Volume Types', 'restricted', p => { p.spec.volumes.push({ name: 'nfs', nfs: { server: 'x', path: '/' } }); }],
    ['Privilege Escalation', 'restricted', p => { delete p.spec.containers[0].securityContext.allowPrivilegeEscalation; }],
    ['Running as Non-root', 'restricted', p => { delete p.spec.securityContext.runAsNonRoot; }],
    ['Running as Non-root', 'restricted', p => { p.spec.containers[0].securityContext.runAsNonRoot = false; }],
    ['Running as Non-root user', 'restricted', p => { p.spec.containers[0].securityContext.runAsUser = 0; }],
    ['Seccomp', 'restricted', p => { delete p.spec.securityContext.seccompProfile; }],
    ['Capabilities', 'restricted', p => { delete p.spec.containers[0].securityContext.capabilities; }],
    ['Capabilities', 'restricted', p => { p.spec.containers[0].securityContext.capabilities.add = ['CHOWN']; }],
  ];

  test('a hardened pod passes restricted', () => {
    expect(podSecurityViolations(good(), 'restricted')).toEqual([]);
  });

  test.each(offences)('%s (%s) catches its violation, and only that control does', (control, level, offend) => {
    const pod = good();
    offend(pod);
    const found = podSecurityViolations(pod, level);
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map(v => v.split(':')[0]))).toEqual(new Set([`${level}/${control}`]));
    if (level === 'restricted') expect(podSecurityViolations(pod, 'baseline')).toEqual([]);
    // Restricted includes Baseline: what Baseline refuses, Restricted refuses too.
    if (level === 'baseline') expect(podSecurityViolations(pod, 'restricted')).toEqual(expect.arrayContaining(found));
  });

  test.each(offences)('the library refuses the same %s (%s) case at synth', (control, level, offend) => {
    const pod = good();
    expect(podSecurityFindings(pod, level)).toEqual([]);
    offend(pod);
    expect(podSecurityFindings(pod, level).map(f => f.control)).toContain(control);
  });

  test('every control has at least one case above', () => {
    expect(new Set(offences.map(([c, l]) => `${l}/${c}`))).toEqual(new Set(CONTROLS.map(c => `${c.level}/${c.name}`)));
  });
});

describe('adopted cdk8s-plus-28 workloads pass the Pod Security level of their namespace', () => {
  test('a plain cdk8s-plus-28 Deployment does not pass restricted on its own: it lacks seccomp and drop ALL', () => {
    const manifests = synthToDisk(app => new kplus.Deployment(new ZeroTrustNamespace(app, 'production'), 'web', { metadata: { name: 'web' }, containers: [container] }));
    expect(violationsAtOwnLevel(manifests)).toEqual([
      'production/Deployment/web: restricted/Seccomp: spec.containers[0].securityContext.seccompProfile.type=undefined',
      'production/Deployment/web: restricted/Capabilities: spec.containers[0].securityContext.capabilities.drop=undefined',
    ]);
  });

  const kinds: [string, (ns: ZeroTrustNamespace) => kplus.Workload][] = [
    ['Deployment', ns => new kplus.Deployment(ns, 'web', { metadata: { name: 'web' }, containers: [container] })],
    ['StatefulSet', ns => {
      const svc = new kplus.Service(ns, 'db-svc', { metadata: { name: 'db' }, ports: [{ port: 5432 }] });
      return new kplus.StatefulSet(ns, 'db', { metadata: { name: 'db' }, service: svc, containers: [{ image: 'postgres', ports: [{ number: 5432 }] }] });
    }],
    ['DaemonSet', ns => new kplus.DaemonSet(ns, 'agent', { metadata: { name: 'agent' }, containers: [{ image: 'agent' }] })],
    ['Job', ns => new kplus.Job(ns, 'migrate', {
      metadata: { name: 'migrate' },
      initContainers: [{ image: 'wait-for-db' }],
      containers: [{ image: 'migrate' }],
    })],
  ];

  test.each(kinds)('a %s adopted with defaults passes every restricted control, in a restricted namespace', (_kind, make) => {
    const manifests = synthToDisk(app => {
      const ns = new ZeroTrustNamespace(app, 'production');
      ns.adopt(make(ns));
    });
    expect(enforcedLevels(manifests).get('production')).toBe('restricted');
    expect(podTemplatesOf(manifests)).toHaveLength(1);
    expect(violationsAtOwnLevel(manifests)).toEqual([]);
  });

  test('containers added after adopt() are hardened too', () => {
    const manifests = synthToDisk(app => {
      const ns = new ZeroTrustNamespace(app, 'production');
      const web = new kplus.Deployment(ns, 'web', { metadata: { name: 'web' }, containers: [container] });
      ns.adopt(web);
      web.addContainer({ name: 'exporter', image: 'exporter', ports: [{ number: 9100 }] });
    });
    const [{ pod }] = podTemplatesOf(manifests);
    expect(pod.spec.containers.map((c: any) => c.securityContext.capabilities)).toEqual([{ drop: ['ALL'] }, { drop: ['ALL'] }]);
    expect(violationsAtOwnLevel(manifests)).toEqual([]);
  });

  test('every synthesis path sees the hardened pods: Testing.synth, chart.toJson and one file per resource', () => {
    const build = (app: App) => {
      const ns = new ZeroTrustNamespace(app, 'production');
      const web = new kplus.Deployment(ns, 'web', { metadata: { name: 'web' }, containers: [container] });
      ns.adopt(web);
      web.addContainer({ name: 'exporter', image: 'exporter', ports: [{ number: 9100 }] });
      return ns;
    };
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-pss-'));
    const perResource = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    build(perResource);
    perResource.synth();
    const files = fs.readdirSync(path.join(outdir, 'production')).map(f => path.join(outdir, 'production', f));
    const paths: [string, any[]][] = [
      ['Testing.synth', Testing.synth(build(Testing.app()))],
      ['chart.toJson', build(new App()).toJson()],
      ['file per resource', files.flatMap(f => parseAllDocuments(fs.readFileSync(f, 'utf8')).map(d => d.toJSON()))],
    ];
    for (const [name, manifests] of paths) {
      const templates = podTemplatesOf(manifests);
      expect([name, templates.length]).toEqual([name, 1]);
      expect([name, podSecurityViolations(templates[0].pod, 'restricted')]).toEqual([name, []]);
    }
  });

  test('what the user set is kept: a Localhost seccomp profile and an explicit drop list with ALL', () => {
    const manifests = synthToDisk(app => {
      const ns = new ZeroTrustNamespace(app, 'production');
      ns.adopt(new kplus.Deployment(ns, 'web', {
        metadata: { name: 'web' },
        containers: [{
          ...container,
          securityContext: {
            capabilities: { drop: [kplus.Capability.ALL], add: [kplus.Capability.NET_BIND_SERVICE] },
            seccompProfile: { type: kplus.SeccompProfileType.LOCALHOST, localhostProfile: 'profiles/web.json' },
          },
        }],
      }));
    });
    const [{ pod }] = podTemplatesOf(manifests);
    expect(pod.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    expect(pod.spec.containers[0].securityContext.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'profiles/web.json' });
    expect(violationsAtOwnLevel(manifests)).toEqual([]);
  });

  test('baseline and privileged namespaces get nothing added: their levels do not ask for it', () => {
    for (const level of [PodSecurityLevel.BASELINE, PodSecurityLevel.PRIVILEGED]) {
      const manifests = synthToDisk(app => {
        const ns = new ZeroTrustNamespace(app, 'production', { podSecurity: level });
        ns.adopt(new kplus.Deployment(ns, 'web', { metadata: { name: 'web' }, containers: [container] }));
      });
      const [{ pod }] = podTemplatesOf(manifests);
      expect(pod.spec.securityContext.seccompProfile).toBeUndefined();
      expect(pod.spec.containers[0].securityContext.capabilities).toBeUndefined();
      expect(violationsAtOwnLevel(manifests)).toEqual([]);
    }
  });
});

describe('every example emits pods that pass the Pod Security level their namespace enforces', () => {
  const examples: [string, (app: App) => void, number][] = [
    ['quickstart (identities only, no pods)', app => { quickstart(app); }, 0],
    ['reference scenario', app => { referenceScenario(app); }, 15],
    ['edges', app => { edgesExample(app); }, EDGES_PODS],
  ];
  test.each(examples)('%s', (_name, build, pods) => {
    const manifests = synthToDisk(build);
    const templates = podTemplatesOf(manifests);
    expect(templates).toHaveLength(pods);
    for (const level of enforcedLevels(manifests).values()) expect(level).toBe('restricted');
    expect(violationsAtOwnLevel(manifests)).toEqual([]);
  });
});
