import { Duration, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ACCOUNT, conditionsAdmit, EKS_ISSUER, newStack, onlyTrustStatement, policyActionsAndResources } from './helpers';
import { ClusterOidcIssuer, WorkloadIdentity, WorkloadIdentityMode } from '../../lib/aws';

const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${EKS_ISSUER}`;

function paymentIdentity(issuer = ClusterOidcIssuer.fromIssuerUrl(`https://${EKS_ISSUER}`)) {
  const stack = newStack();
  const identity = new WorkloadIdentity(stack, 'PaymentService', {
    namespace: 'production',
    serviceAccountName: 'payment-service',
    mode: WorkloadIdentityMode.irsa(issuer),
  });
  return { stack, identity };
}

describe('IRSA trust', () => {
  test('is exactly AssumeRoleWithWebIdentity from the provider, with StringEquals on sub and aud', () => {
    const { stack } = paymentIdentity();
    const statement = onlyTrustStatement(Template.fromStack(stack));
    expect(statement).toEqual({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: PROVIDER_ARN },
      Condition: {
        StringEquals: {
          [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com',
          [`${EKS_ISSUER}:sub`]: 'system:serviceaccount:production:payment-service',
        },
      },
    });
  });

  test('admits the workload ServiceAccount and no other one', () => {
    const { stack } = paymentIdentity();
    const statement = onlyTrustStatement(Template.fromStack(stack));
    const claims = (sub: string, aud = 'sts.amazonaws.com') => ({ [`${EKS_ISSUER}:sub`]: sub, [`${EKS_ISSUER}:aud`]: aud });
    expect(conditionsAdmit(statement, claims('system:serviceaccount:production:payment-service'))).toBe(true);
    for (const other of [
      'system:serviceaccount:production:order-service',
      'system:serviceaccount:staging:payment-service',
      'system:serviceaccount:production:payment-service-evil',
      'system:serviceaccount:production:payment-servic',
      'system:serviceaccount:production:default',
      'system:serviceaccount:risk:payment-service',
    ]) {
      expect(conditionsAdmit(statement, claims(other))).toBe(false);
    }
    // Right subject, wrong audience; or a token from another issuer (different keys).
    expect(conditionsAdmit(statement, claims('system:serviceaccount:production:payment-service', 'vault'))).toBe(false);
    expect(conditionsAdmit(statement, {
      'oidc.eks.us-east-1.amazonaws.com/id/FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:sub': 'system:serviceaccount:production:payment-service',
      'oidc.eks.us-east-1.amazonaws.com/id/FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:aud': 'sts.amazonaws.com',
    })).toBe(false);
  });

  test('an issuer without https:// gives the same trust as with it', () => {
    const withScheme = onlyTrustStatement(Template.fromStack(paymentIdentity(ClusterOidcIssuer.fromIssuerUrl(`https://${EKS_ISSUER}`)).stack));
    const bare = onlyTrustStatement(Template.fromStack(paymentIdentity(ClusterOidcIssuer.fromIssuerUrl(EKS_ISSUER)).stack));
    expect(bare).toEqual(withScheme);
  });

  test('an existing provider ARN yields the issuer after oidc-provider/ as condition prefix', () => {
    const statement = onlyTrustStatement(Template.fromStack(paymentIdentity(ClusterOidcIssuer.fromProviderArn(PROVIDER_ARN)).stack));
    expect(statement.Principal).toEqual({ Federated: PROVIDER_ARN });
    expect(Object.keys(statement.Condition!.StringEquals).sort()).toEqual([`${EKS_ISSUER}:aud`, `${EKS_ISSUER}:sub`]);
  });

  test('a cluster whose issuer is a token goes through CfnJson with the exact keys and values', () => {
    const stack = newStack();
    // A provider ARN imported from another stack: only CloudFormation knows the issuer.
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Provider', Fn.importValue('ClusterOidcProviderArn'));
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'prod', openIdConnectProvider: provider });
    new WorkloadIdentity(stack, 'PaymentService', {
      namespace: 'production',
      serviceAccountName: 'payment-service',
      mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromCluster(cluster)),
    });
    const template = Template.fromStack(stack);
    const json = Object.values(template.findResources('Custom::AWSCDKCfnJson'));
    expect(json).toHaveLength(1);
    const issuer = { 'Fn::Select': [1, { 'Fn::Split': [':oidc-provider/', { 'Fn::ImportValue': 'ClusterOidcProviderArn' }] }] };
    expect(json[0].Properties.Value).toEqual({
      'Fn::Join': ['', ['{"', issuer, ':aud":"sts.amazonaws.com","', issuer, ':sub":"system:serviceaccount:production:payment-service"}']],
    });
    const statement = onlyTrustStatement(template, 'PaymentServiceRole');
    expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(statement.Principal).toEqual({ Federated: { 'Fn::ImportValue': 'ClusterOidcProviderArn' } });
    expect(statement.Condition).toEqual({ StringEquals: { 'Fn::GetAtt': [expect.stringMatching(/^PaymentServiceTrustConditions/), 'Value'] } });
  });

  test('a provider ARN token is cut after ":oidc-provider/", keeping the EKS /id/ path', () => {
    const stack = newStack();
    new WorkloadIdentity(stack, 'PaymentService', {
      namespace: 'production',
      serviceAccountName: 'payment-service',
      mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromProviderArn(Fn.importValue('ClusterOidcProviderArn'))),
    });
    const json = Object.values(Template.fromStack(stack).findResources('Custom::AWSCDKCfnJson'));
    expect(JSON.stringify(json[0].Properties.Value)).toContain('{"Fn::Split":[":oidc-provider/",{"Fn::ImportValue":"ClusterOidcProviderArn"}]}');
  });
});

describe('EKS Pod Identity', () => {
  function podIdentity(sessionTagConditions?: boolean) {
    const stack = newStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'prod' });
    new WorkloadIdentity(stack, 'PaymentService', {
      namespace: 'production',
      serviceAccountName: 'payment-service',
      mode: WorkloadIdentityMode.podIdentity({ cluster, sessionTagConditions }),
    });
    return Template.fromStack(stack);
  }

  test('trusts pods.eks.amazonaws.com with AssumeRole + TagSession, pinned by session tags', () => {
    const template = podIdentity();
    const statement = onlyTrustStatement(template);
    expect(statement).toEqual({
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-name': 'prod',
          'aws:RequestTag/kubernetes-namespace': 'production',
          'aws:RequestTag/kubernetes-service-account': 'payment-service',
        },
      },
    });
    const tags = { 'aws:RequestTag/eks-cluster-name': 'prod', 'aws:RequestTag/kubernetes-namespace': 'production' };
    expect(conditionsAdmit(statement, { ...tags, 'aws:RequestTag/kubernetes-service-account': 'payment-service' })).toBe(true);
    expect(conditionsAdmit(statement, { ...tags, 'aws:RequestTag/kubernetes-service-account': 'order-service' })).toBe(false);
    expect(conditionsAdmit(statement, { ...tags, 'aws:RequestTag/eks-cluster-name': 'staging', 'aws:RequestTag/kubernetes-service-account': 'payment-service' })).toBe(false);
  });

  test('creates the association for exactly that ServiceAccount and role', () => {
    const template = podIdentity();
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'prod',
      Namespace: 'production',
      ServiceAccount: 'payment-service',
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PaymentServiceRole'), 'Arn'] },
    });
    template.resourceCountIs('Custom::AWSCDKCfnJson', 0);
  });

  test('session-tag conditions can be turned off; the service trust remains', () => {
    expect(onlyTrustStatement(podIdentity(false))).toEqual({
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
    });
  });
});

describe('EKS Pod Identity on aws-eks clusters', () => {
  const kubectlLayer = (stack: Stack) => lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:kubectl:1`);

  test('an aws-eks Cluster gets the Pod Identity Agent add-on, and the association waits for it', () => {
    const stack = newStack();
    const cluster = new eks.Cluster(stack, 'Cluster', { version: eks.KubernetesVersion.V1_31, kubectlLayer: kubectlLayer(stack), defaultCapacity: 0 });
    new WorkloadIdentity(stack, 'PaymentService', {
      namespace: 'production', serviceAccountName: 'payment-service', mode: WorkloadIdentityMode.podIdentity({ cluster }),
    });
    const template = Template.fromStack(stack);
    const addons = template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'eks-pod-identity-agent' } });
    expect(Object.keys(addons)).toHaveLength(1);
    const [association] = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation'));
    expect(association.DependsOn).toEqual(Object.keys(addons));
  });

  test('a Fargate cluster is refused', () => {
    const stack = newStack();
    const cluster = new eks.FargateCluster(stack, 'Fargate', { version: eks.KubernetesVersion.V1_31, kubectlLayer: kubectlLayer(stack) });
    expect(() => new WorkloadIdentity(stack, 'PaymentService', {
      namespace: 'production', serviceAccountName: 'payment-service', mode: WorkloadIdentityMode.podIdentity({ cluster }),
    })).toThrow('[Test/PaymentService] EKS Pod Identity does not run on Fargate, and cluster Test/Fargate is a FargateCluster. '
      + 'Fix: use WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromCluster(cluster)).');
  });
});

describe('role options and grants', () => {
  test('permissions boundary, session duration, name and path reach the role', () => {
    const stack = newStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'workload-boundary');
    new WorkloadIdentity(stack, 'PaymentService', {
      namespace: 'production',
      serviceAccountName: 'payment-service',
      mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromIssuerUrl(EKS_ISSUER)),
      roleName: 'payment-service',
      rolePath: '/workloads/production/',
      permissionsBoundary: boundary,
      maxSessionDuration: Duration.hours(2),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'payment-service',
      Path: '/workloads/production/',
      MaxSessionDuration: 7200,
      PermissionsBoundary: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:policy/workload-boundary`]] },
      Description: 'AWS identity of production/payment-service',
    });
  });

  test('defaults: one-hour sessions, path "/", no policy until something is granted', () => {
    const { stack } = paymentIdentity();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 3600, Path: '/' });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(Object.values(template.findResources('AWS::IAM::Role'))[0].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('bucket.grantRead(identity) grants read on that bucket only, through the role', () => {
    const { stack, identity } = paymentIdentity();
    const bucket = s3.Bucket.fromBucketName(stack, 'Receipts', 'payment-receipts');
    const other = s3.Bucket.fromBucketName(stack, 'Other', 'order-archive');
    bucket.grantRead(identity);
    expect(other.bucketName).toBe('order-archive');
    const template = Template.fromStack(stack);
    const { actions, resources } = policyActionsAndResources(template);
    expect(actions.sort()).toEqual(['s3:GetBucket*', 's3:GetObject*', 's3:List*']);
    const rendered = JSON.stringify(resources);
    expect(rendered).toContain(':s3:::payment-receipts"');
    expect(rendered).toContain(':s3:::payment-receipts/*"');
    expect(rendered).not.toContain('order-archive');
    expect(resources).not.toContain('*');
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: Match.stringLikeRegexp('^PaymentServiceRole') }] });
  });

  test('is an IPrincipal that forwards to its role', () => {
    const { identity } = paymentIdentity();
    expect(identity.grantPrincipal).toBe(identity.role.grantPrincipal);
    expect(identity.assumeRoleAction).toBe('sts:AssumeRole');
    const result = identity.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-1:111122223333:receipts'] }));
    expect(result.statementAdded).toBe(true);
  });
});
