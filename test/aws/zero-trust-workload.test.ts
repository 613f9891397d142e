import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { App as Cdk8sApp, Testing } from 'cdk8s';
import { conditionsAdmit, onlyTrustStatement, policyActionsAndResources } from './helpers';
import { referenceScenario } from '../../examples/reference/scenario';
import { ZeroTrustNamespace, ZeroTrustWorkload } from '../../lib';
import { ClusterOidcIssuer, IServiceAccountBinding, WorkloadIdentity, WorkloadIdentityMode } from '../../lib/aws';

// kubernetes-models is CommonJS; validate() checks objects against the real schemas.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ServiceAccount } = require('kubernetes-models/v1');

const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/5C1E2B3A4D5F60718293A4B5C6D7E8F9';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/workloads/production-payment-service';

function awsStack() {
  const app = new App({ builtinCloudFormationValidation: false });
  return new Stack(app, 'PaymentServiceIdentity', { env: { account: '111122223333', region: 'us-east-1' } });
}

function identityFor(stack: Stack, workload: IServiceAccountBinding) {
  return new WorkloadIdentity(stack, 'PaymentService', {
    namespace: workload.namespace,
    serviceAccountName: workload.serviceAccountName,
    mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromIssuerUrl(`https://${ISSUER}`)),
    roleName: 'production-payment-service',
    rolePath: '/workloads/',
  });
}

function serviceAccounts(manifests: any[]) {
  return manifests.filter((o) => o.kind === 'ServiceAccount');
}

test('the README flow: a ZeroTrustWorkload gets a role only its ServiceAccount can assume, and the matching ARN', () => {
  const k8sApp = Testing.app();
  const production = new ZeroTrustNamespace(k8sApp, 'production');
  const paymentService = production.addWorkload('payment-service', { ports: [{ number: 8080, name: 'http' }] });
  production.addWorkload('order-service', { ports: [{ number: 8080, name: 'http' }] });

  const stack = awsStack();
  const identity = identityFor(stack, paymentService);
  s3.Bucket.fromBucketName(stack, 'Receipts', 'payment-receipts-111122223333').grantRead(identity);
  identity.bindServiceAccount(paymentService, { stsRegionalEndpoints: true });

  const accounts = serviceAccounts(Testing.synth(production));
  const payment = accounts.find((sa) => sa.metadata.name === 'payment-service');
  expect(payment.metadata.namespace).toBe('production');
  expect(payment.metadata.annotations).toEqual({
    'eks.amazonaws.com/role-arn': ROLE_ARN,
    'eks.amazonaws.com/sts-regional-endpoints': 'true',
  });
  expect(payment.automountServiceAccountToken).toBe(false);
  expect(() => new ServiceAccount(payment).validate()).not.toThrow();
  // Only the bound ServiceAccount is annotated.
  expect(accounts.find((sa) => sa.metadata.name === 'order-service').metadata.annotations).toBeUndefined();

  const template = Template.fromStack(stack);
  const statement = onlyTrustStatement(template);
  const claims = (sa: string) => ({ [`${ISSUER}:sub`]: `system:serviceaccount:production:${sa}`, [`${ISSUER}:aud`]: 'sts.amazonaws.com' });
  expect(conditionsAdmit(statement, claims('payment-service'))).toBe(true);
  expect(conditionsAdmit(statement, claims('order-service'))).toBe(false);
  expect(policyActionsAndResources(template).actions.sort()).toEqual(['s3:GetBucket*', 's3:GetObject*', 's3:List*']);
});

test('the reference scenario: the adopted payment-service ServiceAccount carries the ARN, no other does', () => {
  const k8sApp = new Cdk8sApp({ outdir: Testing.app().outdir });
  const scenario = referenceScenario(k8sApp);
  const paymentService: ZeroTrustWorkload = scenario.workloads['payment-service'];
  identityFor(awsStack(), paymentService).bindServiceAccount(paymentService);

  const annotated = serviceAccounts(Testing.synth(scenario.production).concat(Testing.synth(scenario.risk)))
    .filter((sa) => sa.metadata.annotations?.['eks.amazonaws.com/role-arn'] !== undefined);
  expect(annotated.map((sa) => `${sa.metadata.namespace}/${sa.metadata.name}`)).toEqual(['production/payment-service']);
  expect(annotated[0].metadata.annotations['eks.amazonaws.com/role-arn']).toBe(ROLE_ARN);
});

test('a role for payment-service cannot be bound to another ZeroTrustWorkload', () => {
  const production = new ZeroTrustNamespace(Testing.app(), 'production');
  const paymentService = production.addWorkload('payment-service', { ports: [{ number: 8080, name: 'http' }] });
  const orderService = production.addWorkload('order-service', { ports: [{ number: 8080, name: 'http' }] });
  const identity = identityFor(awsStack(), paymentService);
  expect(() => identity.bindServiceAccount(orderService)).toThrow(
    '[PaymentServiceIdentity/PaymentService] cannot bind ServiceAccount production/order-service: this role trusts only production/payment-service. Fix: create one WorkloadIdentity per ServiceAccount.');
  expect(serviceAccounts(Testing.synth(production)).every((sa) => sa.metadata.annotations === undefined)).toBe(true);
});

test('an aws-eks cluster applies the ZeroTrustNamespace chart, and CloudFormation fills in the unnamed role ARN', () => {
  const stack = awsStack();
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_31,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', 'arn:aws:lambda:us-east-1:111122223333:layer:kubectl:1'),
    defaultCapacity: 0,
  });
  const production = new ZeroTrustNamespace(new Cdk8sApp(), 'production');
  const paymentService = production.addWorkload('payment-service', { ports: [{ number: 8080, name: 'http' }] });
  const identity = new WorkloadIdentity(stack, 'PaymentService', {
    namespace: paymentService.namespace,
    serviceAccountName: paymentService.serviceAccountName,
    mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromCluster(cluster)),
  });
  identity.bindServiceAccount(paymentService, { chartAppliedBy: cluster });
  cluster.addCdk8sChart('production', production);

  const template = Template.fromStack(stack);
  const [manifest] = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource', {
    Properties: { Manifest: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"kind":"NetworkPolicy"')])] } },
  }));
  const parts: unknown[] = manifest.Properties.Manifest['Fn::Join'][1];
  const at = parts.findIndex((p) => JSON.stringify(p).includes('"Fn::GetAtt":["PaymentServiceRole'));
  expect(parts[at]).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PaymentServiceRole/), 'Arn'] });
  expect(parts[at - 1]).toMatch(/"eks\.amazonaws\.com\/role-arn":"$/);
  expect(JSON.stringify(parts)).not.toContain('${Token[');
  // The trust uses the cluster's provider, its issuer resolved by CloudFormation (CfnJson).
  template.resourceCountIs('Custom::AWSCDKCfnJson', 1);
});
