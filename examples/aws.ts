import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IServiceAccountBinding } from '../lib/aws';
import { CiDeployRoleStack } from './aws/ci-deploy-role';
import { PaymentServiceIdentityStack } from './aws/payment-service-identity';

/** A concrete environment, so role ARNs are literals that YAML can carry. */
export const EXAMPLE_ENV = { account: '111122223333', region: 'us-east-1' };

export interface AwsExamplesOptions {
  /** The reference scenario's payment-service workload (namespace `production`). */
  readonly paymentService: IServiceAccountBinding;
  /**
   * Where the CloudFormation templates go.
   * @default "<CDK8S_OUTDIR or dist>/aws"
   */
  readonly outdir?: string;
  /**
   * aws-cdk-lib's built-in CloudFormation validation (about 4 s per process).
   * @default true
   */
  readonly validate?: boolean;
}

/** The synthesized example app and its two stacks. */
export interface AwsExamples {
  readonly app: App;
  readonly paymentServiceIdentity: PaymentServiceIdentityStack;
  readonly ciDeployRole: CiDeployRoleStack;
}

/**
 * Builds the AWS examples, annotates the payment-service ServiceAccount with its role ARN and
 * writes the templates (`PaymentServiceIdentity.template.json`, `CiDeployRole.template.json`).
 * Call it before synthesizing the cdk8s app, so the annotation is in the YAML.
 */
export function synthAwsExamples(options: AwsExamplesOptions): AwsExamples {
  const app = new App({
    outdir: options.outdir ?? path.join(process.env.CDK8S_OUTDIR ?? 'dist', 'aws'),
    builtinCloudFormationValidation: options.validate ?? true,
  });
  // cdk-nag's AwsSolutions pack runs on every synth: an unacknowledged finding fails it.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const paymentServiceIdentity = new PaymentServiceIdentityStack(app, 'PaymentServiceIdentity', {
    env: EXAMPLE_ENV,
    paymentService: options.paymentService,
  });
  const ciDeployRole = new CiDeployRoleStack(app, 'CiDeployRole', { env: EXAMPLE_ENV });
  app.synth();
  return { app, paymentServiceIdentity, ciDeployRole };
}
