import { Stack, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { App as Cdk8sApp, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ACCOUNT, EKS_ISSUER, newStack } from './helpers';
import {
  ClusterOidcIssuer, IServiceAccountBinding, ServiceAccountBinding, WorkloadIdentity, WorkloadIdentityMode,
} from '../../lib/aws';

function paymentServiceAccount() {
  const chart = new Chart(Testing.app(), 'production', { namespace: 'production' });
  const serviceAccount = new kplus.ServiceAccount(chart, 'payment-service', { metadata: { name: 'payment-service' } });
  return { chart, serviceAccount };
}

function irsaIdentity(stack: Stack, roleName?: string, rolePath?: string) {
  return new WorkloadIdentity(stack, 'PaymentService', {
    namespace: 'production',
    serviceAccountName: 'payment-service',
    mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromIssuerUrl(EKS_ISSUER)),
    roleName,
    rolePath,
  });
}

function serviceAccountOf(chart: Chart) {
  const objects = Testing.synth(chart).filter((o) => o.kind === 'ServiceAccount');
  expect(objects).toHaveLength(1);
  return objects[0];
}

describe('literal role ARN in YAML', () => {
  test('an explicit role name in a stack with account and region yields the exact ARN, with its path', () => {
    const stack = newStack();
    const identity = irsaIdentity(stack, 'payment-service', '/workloads/');
    const { chart, serviceAccount } = paymentServiceAccount();
    identity.bindServiceAccount(ServiceAccountBinding.fromServiceAccount(serviceAccount));

    const expected = `arn:aws:iam::${ACCOUNT}:role/workloads/payment-service`;
    expect(identity.literalRoleArn).toBe(expected);
    expect(serviceAccountOf(chart).metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': expected });
    // The same ARN IAM will give the role: its name and path are the template's.
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: 'payment-service', Path: '/workloads/' });
  });

  test('the partition follows the region (aws-cn, aws-us-gov)', () => {
    for (const [region, partition] of [['cn-north-1', 'aws-cn'], ['us-gov-west-1', 'aws-us-gov']]) {
      const identity = irsaIdentity(newStack({ account: ACCOUNT, region }), 'payment-service');
      expect(identity.literalRoleArn).toBe(`arn:${partition}:iam::${ACCOUNT}:role/payment-service`);
    }
  });

  test('optional token annotations are written as the webhook reads them', () => {
    const identity = irsaIdentity(newStack(), 'payment-service');
    const { chart, serviceAccount } = paymentServiceAccount();
    identity.bindServiceAccount(ServiceAccountBinding.fromServiceAccount(serviceAccount), {
      tokenExpiration: Duration.hours(1),
      stsRegionalEndpoints: true,
    });
    expect(serviceAccountOf(chart).metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/payment-service`,
      'eks.amazonaws.com/sts-regional-endpoints': 'true',
      'eks.amazonaws.com/token-expiration': '3600',
    });
  });

  test('a structural binding (what ZeroTrustWorkload provides) receives the same annotations', () => {
    const identity = irsaIdentity(newStack(), 'payment-service');
    const received: Array<[string, string]> = [];
    const binding: IServiceAccountBinding = {
      namespace: 'production',
      serviceAccountName: 'payment-service',
      addServiceAccountAnnotation: (key, value) => received.push([key, value]),
    };
    identity.bindServiceAccount(binding, { stsRegionalEndpoints: false });
    expect(received).toEqual([
      ['eks.amazonaws.com/role-arn', `arn:aws:iam::${ACCOUNT}:role/payment-service`],
      ['eks.amazonaws.com/sts-regional-endpoints', 'false'],
    ]);
  });
});

describe('unresolved role ARN', () => {
  const bothWays = 'Fix: either (a) give the identity an explicit roleName and its stack a concrete env { account, region }, so the ARN is a literal; '
    + 'or (b) apply the chart with cluster.addCdk8sChart(...) and pass { chartAppliedBy: cluster }, so CloudFormation resolves the ARN.';

  test.each([
    ['no role name', { account: ACCOUNT, region: 'us-east-1' }, undefined, 'the role has no explicit roleName'],
    ['no account', { region: 'us-east-1' }, 'payment-service', 'stack Test has no concrete account (env.account)'],
    ['no region', { account: ACCOUNT }, 'payment-service', 'stack Test has no concrete region (env.region) to tell its partition'],
  ])('%s: binding fails, explains both ways, and writes nothing', (_name, env, roleName, reason) => {
    const identity = irsaIdentity(newStack(env), roleName);
    const { chart, serviceAccount } = paymentServiceAccount();
    const bind = () => identity.bindServiceAccount(ServiceAccountBinding.fromServiceAccount(serviceAccount));
    expect(bind).toThrow(`[Test/PaymentService] the role ARN is not known at synth time (${reason}), and an unresolved token must never be written into Kubernetes YAML. ${bothWays}`);
    expect(serviceAccountOf(chart).metadata.annotations).toBeUndefined();
  });

  test('through cluster.addCdk8sChart the token is written and CloudFormation resolves it', () => {
    const stack = newStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'prod',
      kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/prod-kubectl`,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:kubectl:1`),
    });
    const identity = irsaIdentity(stack);
    const cdk8sApp = new Cdk8sApp();
    const chart = new Chart(cdk8sApp, 'production', { namespace: 'production' });
    const serviceAccount = new kplus.ServiceAccount(chart, 'payment-service', { metadata: { name: 'payment-service' } });
    identity.bindServiceAccount(ServiceAccountBinding.fromServiceAccount(serviceAccount), { chartAppliedBy: cluster });
    cluster.addCdk8sChart('production', chart);

    const manifests = Object.values(Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-KubernetesResource'));
    expect(manifests).toHaveLength(1);
    const join = manifests[0].Properties.Manifest['Fn::Join'];
    expect(join[0]).toBe('');
    const parts: unknown[] = join[1];
    // The ARN is the role's GetAtt, between the annotation key and the rest of the manifest.
    const at = parts.findIndex((p) => typeof p === 'object' && JSON.stringify(p).includes('PaymentServiceRole'));
    expect(parts[at]).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PaymentServiceRole/), 'Arn'] });
    expect(parts[at - 1]).toMatch(/"eks\.amazonaws\.com\/role-arn":"$/);
    expect(JSON.stringify(parts)).not.toContain('${Token[');
  });

  test('chartAppliedBy must be a cluster of the same CDK app', () => {
    const otherStack = newStack();
    const cluster = eks.Cluster.fromClusterAttributes(otherStack, 'Cluster', { clusterName: 'prod' });
    const identity = irsaIdentity(newStack());
    const { serviceAccount } = paymentServiceAccount();
    expect(() => identity.bindServiceAccount(ServiceAccountBinding.fromServiceAccount(serviceAccount), { chartAppliedBy: cluster }))
      .toThrow('[Test/PaymentService] chartAppliedBy names cluster Test/Cluster of another CDK app, where the role ARN token cannot resolve. Fix: pass a cluster of this app.');
  });
});

describe('binding checks', () => {
  test('another ServiceAccount cannot be bound to the role', () => {
    const identity = irsaIdentity(newStack(), 'payment-service');
    const chart = new Chart(Testing.app(), 'production', { namespace: 'production' });
    const orders = new kplus.ServiceAccount(chart, 'order-service', { metadata: { name: 'order-service' } });
    expect(() => identity.bindServiceAccount(ServiceAccountBinding.fromServiceAccount(orders)))
      .toThrow('[Test/PaymentService] cannot bind ServiceAccount production/order-service: this role trusts only production/payment-service. Fix: create one WorkloadIdentity per ServiceAccount.');
    expect(serviceAccountOf(chart).metadata.annotations).toBeUndefined();
  });

  test('a ServiceAccount without namespace is refused', () => {
    const chart = new Chart(Testing.app(), 'nowhere');
    const serviceAccount = new kplus.ServiceAccount(chart, 'payment-service', { metadata: { name: 'payment-service' } });
    expect(() => ServiceAccountBinding.fromServiceAccount(serviceAccount))
      .toThrow('[nowhere/payment-service] ServiceAccount "payment-service" has no namespace, so no IAM trust can be pinned to it. Fix: set the namespace on its Chart or in its metadata.');
  });

  test('Pod Identity writes no annotation and refuses IRSA-only options', () => {
    const stack = newStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'prod' });
    const identity = new WorkloadIdentity(stack, 'PaymentService', {
      namespace: 'production', serviceAccountName: 'payment-service', mode: WorkloadIdentityMode.podIdentity({ cluster }),
    });
    const { chart, serviceAccount } = paymentServiceAccount();
    identity.bindServiceAccount(ServiceAccountBinding.fromServiceAccount(serviceAccount));
    expect(serviceAccountOf(chart).metadata.annotations).toBeUndefined();
    expect(() => identity.bindServiceAccount(ServiceAccountBinding.fromServiceAccount(serviceAccount), { stsRegionalEndpoints: true }))
      .toThrow('[Test/PaymentService] tokenExpiration, stsRegionalEndpoints and chartAppliedBy apply to IRSA only, and EKS Pod Identity writes no ServiceAccount annotation. Fix: remove them.');
  });
});
