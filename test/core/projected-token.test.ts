import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ProjectedServiceAccountToken } from '../../lib';

// kubernetes-models is CommonJS; validate() checks objects against the real schemas.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Deployment, StatefulSet } = require('kubernetes-models/apps/v1');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Pod } = require('kubernetes-models/v1');

function newChart() {
  return new Chart(Testing.app(), 'production', { namespace: 'production' });
}

function deployment(chart: Chart, props: Partial<kplus.DeploymentProps> = {}) {
  return new kplus.Deployment(chart, 'payment-service', {
    metadata: { name: 'payment-service' },
    containers: [{ name: 'app', image: 'payments:1.0', portNumber: 8080 }],
    ...props,
  });
}

function synthOne(chart: Chart, kind: string) {
  const objects = Testing.synth(chart).filter((o) => o.kind === kind);
  expect(objects).toHaveLength(1);
  return objects[0];
}

describe('projected ServiceAccount token', () => {
  test('adds a projected volume with audience, default 3600 s expiry and path, mounted read-only', () => {
    const chart = newChart();
    const workload = deployment(chart);
    ProjectedServiceAccountToken.mount(workload, { audience: 'vault' });
    const manifest = synthOne(chart, 'Deployment');
    const pod = manifest.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes).toEqual([{
      name: 'projected-token',
      projected: { sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } }] },
    }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ mountPath: '/var/run/secrets/tokens', name: 'projected-token', readOnly: true }]);
    expect(() => new Deployment(manifest).validate()).not.toThrow();
  });

  test('honours expiry, paths and volume name, and mounts into every container', () => {
    const chart = newChart();
    const workload = deployment(chart);
    workload.addContainer({ name: 'sidecar', image: 'agent:1.0', portNumber: 9000 });
    ProjectedServiceAccountToken.mount(workload, {
      audience: 'https://ledger.internal', expiration: Duration.minutes(10), path: 'ledger/token', mountPath: '/var/run/ledger', volumeName: 'ledger-token',
    });
    const pod = synthOne(chart, 'Deployment').spec.template.spec;
    expect(pod.volumes[0].projected.sources[0].serviceAccountToken).toEqual({ audience: 'https://ledger.internal', expirationSeconds: 600, path: 'ledger/token' });
    for (const container of pod.containers) {
      expect(container.volumeMounts).toEqual([{ mountPath: '/var/run/ledger', name: 'ledger-token', readOnly: true }]);
    }
  });

  test('mounts only into the named containers when asked', () => {
    const chart = newChart();
    const workload = deployment(chart);
    const sidecar = workload.addContainer({ name: 'sidecar', image: 'agent:1.0', portNumber: 9000 });
    ProjectedServiceAccountToken.mount(workload, { audience: 'vault', containers: [sidecar] });
    const containers = synthOne(chart, 'Deployment').spec.template.spec.containers;
    expect(containers.find((c: any) => c.name === 'app').volumeMounts).toBeUndefined();
    expect(containers.find((c: any) => c.name === 'sidecar').volumeMounts).toHaveLength(1);
  });

  test('works for StatefulSets and Pods, with valid schemas', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'ledger-svc', { ports: [{ port: 8080 }] });
    const statefulSet = new kplus.StatefulSet(chart, 'ledger', {
      containers: [{ name: 'app', image: 'ledger:1.0', portNumber: 8080 }], service,
    });
    const pod = new kplus.Pod(chart, 'job', { containers: [{ name: 'app', image: 'job:1.0' }] });
    ProjectedServiceAccountToken.mount(statefulSet, { audience: 'vault' });
    ProjectedServiceAccountToken.mount(pod, { audience: 'vault' });
    const sts = synthOne(chart, 'StatefulSet');
    const bare = synthOne(chart, 'Pod');
    expect(sts.spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.audience).toBe('vault');
    expect(bare.spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds).toBe(3600);
    expect(() => new StatefulSet(sts).validate()).not.toThrow();
    expect(() => new Pod(bare).validate()).not.toThrow();
  });
});
