import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';

/** The Services an adopted workload was given, by workload construct. */
const SERVICES = new WeakMap<IConstruct, kplus.Service[]>();

/** Records Services in front of an adopted workload (ambient waypoints bind to them by name); members add theirs. */
export function recordServices(workload: IConstruct, services: kplus.Service[]): void {
  SERVICES.set(workload, [...(SERVICES.get(workload) ?? []), ...services]);
}

/** The Services in front of a workload: those given to `adopt()`, none for `addWorkload()`. */
export function servicesOf(workload: IConstruct): kplus.Service[] {
  return SERVICES.get(workload) ?? [];
}
