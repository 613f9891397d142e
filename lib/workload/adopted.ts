import * as kplus from 'cdk8s-plus-28';
import { ServicePortMapping, WorkloadPort } from './ports';
import { ZeroTrustWorkloadProps } from './workload';

/** Wiring for `ZeroTrustNamespace.adopt()`: ports read live from the adopted pods. */
export interface AdoptedWorkloadProps extends ZeroTrustWorkloadProps {
  readonly adopted?: {
    readonly ports: () => WorkloadPort[];
    readonly servicePorts: () => ServicePortMapping[];
    readonly serviceAccount?: kplus.IServiceAccount;
  };
}

