import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { assertArray, assertPlainObject, fail, requireInstance, requireString } from '../validation';

/** Options of `ProjectedServiceAccountToken.mount`. */
export interface ProjectedServiceAccountTokenOptions {
  /** The audience the token is issued for (its `aud` claim); the receiver must check it. */
  readonly audience: string;
  /**
   * Requested lifetime, in whole seconds; the kubelet refreshes the token before it expires.
   * Kubernetes requires at least 10 minutes; this library caps it at 24 hours.
   * @default Duration.hours(1)
   */
  readonly expiration?: Duration;
  /**
   * Directory the token volume is mounted at, in every container of the workload.
   * @default "/var/run/secrets/tokens"
   */
  readonly mountPath?: string;
  /**
   * File name of the token inside `mountPath`.
   * @default "token"
   */
  readonly path?: string;
  /**
   * Name of the pod volume.
   * @default "projected-token"
   */
  readonly volumeName?: string;
  /**
   * The containers that get the mount.
   * @default - every container of the workload at the time of the call
   */
  readonly containers?: kplus.Container[];
}

// cdk8s-plus-28 has no projected-volume factory and keeps Volume's constructor private.
// At runtime it is (scope, id, name, config) and renders `{ name, ...config }`; the
// projected-token tests pin the synthesized output, so a change in cdk8s-plus fails them.
type VolumeConstructor = new (scope: kplus.AbstractPod, id: string, name: string, config: object) => kplus.Volume;

/** Mounts short-lived, audience-bound ServiceAccount tokens into cdk8s-plus-28 workloads. */
export class ProjectedServiceAccountToken {
  /**
   * Adds a projected volume with one `serviceAccountToken` source to the workload (a
   * Deployment, StatefulSet, DaemonSet, Job or Pod) and mounts it read-only into its
   * containers. The workload must keep `automountServiceAccountToken` off: the projected
   * token, with its audience and short lifetime, is the only token the pod receives.
   */
  public static mount(workload: kplus.AbstractPod, options: ProjectedServiceAccountTokenOptions): kplus.Volume {
    requireInstance(workload, 'the workload', workload, kplus.AbstractPod, 'pass a cdk8s-plus-28 Deployment, StatefulSet, DaemonSet, Job or Pod',
      'a cdk8s-plus-28 workload or pod');
    assertPlainObject(workload, 'ProjectedServiceAccountToken options', options, 'pass { audience: "vault" }');
    requireString(workload, 'audience', options.audience, 'pass one audience as a string, e.g. audience: "vault"');
    for (const field of ['path', 'mountPath', 'volumeName'] as const) {
      if (options[field] !== undefined) requireString(workload, field, options[field], `pass ${field} as a string, or omit it`);
    }
    if (options.containers !== undefined) {
      assertArray(workload, 'containers', options.containers, 'list the containers to mount the token into, e.g. containers: [deployment.containers[0]]');
      options.containers.forEach((c, i) => requireInstance(workload, `containers[${i}]`, c, kplus.Container, 'pass containers of the workload (deployment.containers)',
        'a cdk8s-plus-28 Container'));
    }
    if (workload.automountServiceAccountToken) {
      fail(workload, 'automountServiceAccountToken is on, which mounts a long-lived API token beside the projected one',
        'set automountServiceAccountToken: false on the workload');
    }
    const audience = options.audience;
    if (!/^[\x21-\x7E]+$/.test(audience)) {
      fail(workload, `audience "${audience}" is empty or contains spaces`, 'pass one audience, e.g. "vault"');
    }
    const expirationSeconds = (options.expiration ?? Duration.hours(1)).toMilliseconds({ integral: false }) / 1000;
    if (!Number.isInteger(expirationSeconds) || expirationSeconds < 600 || expirationSeconds > 86400) {
      fail(workload, `expiration of ${expirationSeconds} seconds is out of range`,
        'use Duration.minutes(10) (the Kubernetes minimum) to Duration.hours(24), in whole seconds: this library keeps tokens short-lived');
    }
    const path = options.path ?? 'token';
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(path) || path.split('/').some((part) => part === '..' || part === '.')) {
      fail(workload, `path "${path}" is not a relative file path inside the volume`, 'use a path without \'..\' or a leading \'/\', e.g. "token"');
    }
    const mountPath = options.mountPath ?? '/var/run/secrets/tokens';
    if (!mountPath.startsWith('/') || mountPath.split('/').includes('..')) {
      fail(workload, `mountPath "${mountPath}" is not an absolute path without '..'`, 'use e.g. "/var/run/secrets/tokens"');
    }
    const volumeName = options.volumeName ?? 'projected-token';
    if (volumeName.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(volumeName)) {
      fail(workload, `volumeName "${volumeName}" is not an RFC 1123 label`, 'use lowercase letters, digits and \'-\', e.g. "projected-token"');
    }
    const containers = options.containers ?? workload.containers;
    if (containers.length === 0) {
      fail(workload, 'the workload has no containers to mount the token into', 'add the containers first, then mount the token');
    }

    const Volume = kplus.Volume as unknown as VolumeConstructor;
    const volume = new Volume(workload, `ProjectedToken-${volumeName}`, volumeName, {
      projected: { sources: [{ serviceAccountToken: { audience, expirationSeconds, path } }] },
    });
    workload.addVolume(volume);
    for (const container of containers) {
      container.mount(mountPath, volume, { readOnly: true });
    }
    return volume;
  }

  private constructor() {}
}
