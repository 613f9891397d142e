import { Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as kplus from 'cdk8s-plus-28';
import { fail, requireInstance } from './validation';

/**
 * The cdk8s side of a workload identity: the Kubernetes ServiceAccount a role is bound to.
 *
 * A `ZeroTrustWorkload` satisfies it as is; wrap a plain cdk8s-plus-28 ServiceAccount with
 * `ServiceAccountBinding.fromServiceAccount(...)`.
 */
export interface IServiceAccountBinding {
  /** Namespace of the ServiceAccount. */
  readonly namespace: string;
  /** Name of the ServiceAccount. */
  readonly serviceAccountName: string;
  /** Adds an annotation to the ServiceAccount's metadata. */
  addServiceAccountAnnotation(key: string, value: string): void;
}

/** Adapters from cdk8s objects to `IServiceAccountBinding`. */
export class ServiceAccountBinding {
  /**
   * Binds a cdk8s-plus-28 ServiceAccount. Its namespace is its own metadata namespace, or
   * its chart's; one of them must be set.
   */
  public static fromServiceAccount(serviceAccount: kplus.ServiceAccount): IServiceAccountBinding {
    requireInstance(serviceAccount, 'serviceAccount', serviceAccount, kplus.ServiceAccount, 'pass a cdk8s-plus-28 ServiceAccount',
      'a cdk8s-plus-28 ServiceAccount');
    const namespace = serviceAccount.metadata.namespace;
    if (namespace === undefined) {
      fail(serviceAccount, `ServiceAccount "${serviceAccount.name}" has no namespace, so no IAM trust can be pinned to it`,
        'set the namespace on its Chart or in its metadata');
    }
    return {
      namespace,
      serviceAccountName: serviceAccount.name,
      addServiceAccountAnnotation: (key, value) => serviceAccount.metadata.addAnnotation(key, value),
    };
  }

  private constructor() {}
}

/** How `WorkloadIdentity.bindServiceAccount` annotates the ServiceAccount (IRSA only). */
export interface ServiceAccountBindingOptions {
  /**
   * Lifetime of the web identity token the EKS webhook projects for IRSA, written as
   * `eks.amazonaws.com/token-expiration`. 10 minutes to 24 hours.
   * @default - no annotation: the webhook's default (24 hours)
   */
  readonly tokenExpiration?: Duration;

  /**
   * Written as `eks.amazonaws.com/sts-regional-endpoints` to make the AWS SDKs call the
   * regional STS endpoint.
   * @default - no annotation: the webhook's setting applies
   */
  readonly stsRegionalEndpoints?: boolean;

  /**
   * The cluster whose `addCdk8sChart(...)` applies the chart holding this ServiceAccount.
   *
   * Only needed when the role ARN is not known at synth time (no explicit `roleName`, or a
   * stack without concrete account and region): CloudFormation then resolves the ARN inside
   * the manifest. Call `addCdk8sChart` after binding, and do not also write that chart to
   * YAML with `app.synth()`, which would carry the unresolved token.
   * @default - the role ARN must be known at synth time
   */
  readonly chartAppliedBy?: eks.ICluster;
}
