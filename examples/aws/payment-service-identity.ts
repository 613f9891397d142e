import { Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ClusterOidcIssuer, IServiceAccountBinding, WorkloadIdentity, WorkloadIdentityMode } from '../../lib/aws';

/** The production cluster's OIDC issuer, as `aws eks describe-cluster` prints it. */
export const PRODUCTION_CLUSTER_ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/5C1E2B3A4D5F60718293A4B5C6D7E8F9';
/** The one bucket payment-service reads. */
export const RECEIPTS_BUCKET = 'payment-receipts-111122223333';

export interface PaymentServiceIdentityStackProps extends StackProps {
  /** The payment-service workload (namespace `production`) whose ServiceAccount gets the role ARN. */
  readonly paymentService: IServiceAccountBinding;
}

/**
 * The reference scenario's `payment-service` reads exactly one S3 bucket through IRSA, and
 * nothing else in AWS. The role has an explicit name and the stack a concrete environment,
 * so the ServiceAccount YAML carries the literal role ARN.
 */
export class PaymentServiceIdentityStack extends Stack {
  public readonly identity: WorkloadIdentity;

  constructor(scope: Construct, id: string, props: PaymentServiceIdentityStackProps) {
    super(scope, id, props);
    this.identity = new WorkloadIdentity(this, 'PaymentService', {
      namespace: props.paymentService.namespace,
      serviceAccountName: props.paymentService.serviceAccountName,
      mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromIssuerUrl(PRODUCTION_CLUSTER_ISSUER)),
      roleName: 'production-payment-service',
      rolePath: '/workloads/',
    });

    const receipts = s3.Bucket.fromBucketName(this, 'Receipts', RECEIPTS_BUCKET);
    receipts.grantRead(this.identity);
    this.identity.bindServiceAccount(props.paymentService, { stsRegionalEndpoints: true });

    // cdk-nag's AwsSolutions-IAM5 flags wildcards; these four are what `grantRead` on one
    // bucket means (its objects are `<bucket>/*`, S3 read actions come as Get*/List*).
    for (const finding of [
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      `Resource::arn:<AWS::Partition>:s3:::${RECEIPTS_BUCKET}/*`,
    ]) {
      Validations.of(this.identity.role).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `bucket.grantRead(identity) asks for read access to the objects of ${RECEIPTS_BUCKET} only; CDK expresses it with this wildcard.`,
      });
    }
  }
}
