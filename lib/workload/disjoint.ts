import { IConstruct } from 'constructs';
import { ZeroTrustError, zeroTrustError } from '../errors';
import { compareStrings } from '../model/order';
import { RegisteredWorkload, ZeroTrustRegistry } from '../model/registry';
import { describeLabels, mayShareAPod } from '../model/selectors';

/** Two workloads of one namespace whose selectors could pick the same pod; `later` sorts after `earlier`. */
interface Overlap {
  readonly earlier: RegisteredWorkload;
  readonly later: RegisteredWorkload;
}

const CACHE = new WeakMap<ZeroTrustRegistry, { version: number; byNamespace: Map<string, Overlap[]> }>();

/**
 * Every pair of workloads in `namespace` (owned or referenced) whose pod selectors may share
 * a pod, in a stable order (by name, then construct path). Cached until a workload is added.
 */
export function selectorOverlaps(scope: IConstruct, namespace: string): Overlap[] {
  const registry = ZeroTrustRegistry.of(scope);
  let cache = CACHE.get(registry);
  if (!cache || cache.version !== registry.workloadsVersion) {
    cache = { version: registry.workloadsVersion, byNamespace: new Map() };
    CACHE.set(registry, cache);
  }
  let found = cache.byNamespace.get(namespace);
  if (!found) {
    const sorted = registry.selectorsIn(namespace)
      .sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.node.path, b.node.path));
    found = [];
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        if (mayShareAPod(sorted[i].podLabels, sorted[j].podLabels)) found.push({ earlier: sorted[i], later: sorted[j] });
      }
    }
    cache.byNamespace.set(namespace, found);
  }
  return found;
}

/**
 * The overlap this workload is the later member of, if any (so each pair is reported once).
 * Workloads report it through cdk8s validation, which every synthesis path runs
 * (`app.synth()`, `chart.toJson()`, `Testing.synth()`) before any output exists.
 */
export function overlapOf(workload: RegisteredWorkload): ZeroTrustError | undefined {
  const mine = selectorOverlaps(workload, workload.namespace).find(o => o.later === workload);
  return mine && overlapError(mine);
}

function overlapError({ earlier, later }: Overlap): ZeroTrustError {
  return zeroTrustError(later, `pod labels ${describeLabels(later.podLabels)} of ${later.namespace}/${later.name} may select the same pods as ${describeLabels(earlier.podLabels)} of ${earlier.namespace}/${earlier.name} (at ${earlier.node.path}): no label key has a different value in both, so the policies of either would also admit traffic to and from the other's pods`,
    `give each workload of namespace "${later.namespace}" a label key with its own value (for example app.kubernetes.io/name: ${later.name}); to run several Deployments under one identity, adopt them into one workload (workload.adopt(deployment))`);
}
