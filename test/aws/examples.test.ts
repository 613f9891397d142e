import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { App as Cdk8sApp, Chart, Testing } from 'cdk8s';
import { conditionsAdmit, EKS_ISSUER, newStack, onlyTrustStatement, policyActionsAndResources } from './helpers';
import { AwsExamples, synthAwsExamples } from '../../examples/aws';
import { RECEIPTS_BUCKET } from '../../examples/aws/payment-service-identity';
import { referenceScenario } from '../../examples/reference/scenario';
import { ClusterOidcIssuer, WorkloadIdentity, WorkloadIdentityMode } from '../../lib/aws';

const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/5C1E2B3A4D5F60718293A4B5C6D7E8F9';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/workloads/production-payment-service';

// The one full-stack test with aws-cdk-lib's built-in CloudFormation validation on.
describe('AWS examples, synthesized as the README does', () => {
  let outdir: string;
  let examples: AwsExamples;
  let chart: Chart;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-examples-'));
    // As examples/main.ts wires it: the reference scenario's payment-service workload.
    const scenario = referenceScenario(new Cdk8sApp({ outdir }));
    chart = scenario.production;
    examples = synthAwsExamples({ paymentService: scenario.workloads['payment-service'], outdir: path.join(outdir, 'aws') });
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  function writtenTemplate(stackName: string) {
    return Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir, 'aws', `${stackName}.template.json`), 'utf8')));
  }

  test('payment-service role: only system:serviceaccount:production:payment-service can assume it', () => {
    const statement = onlyTrustStatement(writtenTemplate('PaymentServiceIdentity'));
    expect(statement.Condition).toEqual({
      StringEquals: {
        [`${ISSUER}:aud`]: 'sts.amazonaws.com',
        [`${ISSUER}:sub`]: 'system:serviceaccount:production:payment-service',
      },
    });
    const claims = (sub: string) => ({ [`${ISSUER}:sub`]: sub, [`${ISSUER}:aud`]: 'sts.amazonaws.com' });
    expect(conditionsAdmit(statement, claims('system:serviceaccount:production:payment-service'))).toBe(true);
    expect(conditionsAdmit(statement, claims('system:serviceaccount:production:checkout-api'))).toBe(false);
    expect(conditionsAdmit(statement, claims('system:serviceaccount:risk:fraud-scorer'))).toBe(false);
  });

  test('payment-service role: reads that one bucket and nothing else', () => {
    const template = writtenTemplate('PaymentServiceIdentity');
    const { actions, resources } = policyActionsAndResources(template);
    expect(actions.sort()).toEqual(['s3:GetBucket*', 's3:GetObject*', 's3:List*']);
    expect(resources).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${RECEIPTS_BUCKET}`]] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${RECEIPTS_BUCKET}/*`]] },
    ]);
    // Nothing else in AWS: one role and its one policy.
    const types = Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(types.sort()).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role']);
  });

  test('the YAML ServiceAccount carries the matching literal ARN', () => {
    const serviceAccount = Testing.synth(chart).find((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'payment-service');
    expect(serviceAccount.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(ROLE_ARN);
    expect(examples.paymentServiceIdentity.identity.literalRoleArn).toBe(ROLE_ARN);
    // The ARN matches the name and path IAM receives.
    writtenTemplate('PaymentServiceIdentity').hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'production-payment-service', Path: '/workloads/',
    });
  });

  test('CI deploy role: main of acme/payments, one-hour sessions, bootstrap roles only', () => {
    const template = writtenTemplate('CiDeployRole');
    const statement = onlyTrustStatement(template);
    expect(statement.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:acme/payments:ref:refs/heads/main',
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 3600 });
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.resourceCountIs('AWS::IAM::User', 0);
    template.resourceCountIs('AWS::IAM::AccessKey', 0);
    const { actions, resources } = policyActionsAndResources(template);
    expect(actions).toEqual(['sts:AssumeRole']);
    expect(JSON.stringify(resources)).not.toContain('*');
  });

  test('cdk-nag AwsSolutions reports nothing unacknowledged on the example stacks', () => {
    const report = new AwsSolutionsChecks().validateScope(examples.app);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });
});

test('cdk-nag does flag grantRead wildcards when nobody acknowledged them', () => {
  const stack: Stack = newStack();
  const identity = new WorkloadIdentity(stack, 'PaymentService', {
    namespace: 'production',
    serviceAccountName: 'payment-service',
    mode: WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromIssuerUrl(EKS_ISSUER)),
  });
  s3.Bucket.fromBucketName(stack, 'Receipts', RECEIPTS_BUCKET).grantRead(identity);
  const report = new AwsSolutionsChecks().validateScope(stack);
  expect(report.success).toBe(false);
  expect(report.violations.map((v) => v.ruleName).every((name) => name.startsWith('AwsSolutions-IAM5'))).toBe(true);
});

test('the templates are byte-identical from one synth to the next', () => {
  const read = () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-examples-'));
    try {
      const scenario = referenceScenario(new Cdk8sApp({ outdir }));
      synthAwsExamples({ paymentService: scenario.workloads['payment-service'], outdir, validate: false });
      return ['PaymentServiceIdentity', 'CiDeployRole'].map((name) => fs.readFileSync(path.join(outdir, `${name}.template.json`), 'utf8'));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  };
  expect(read()).toEqual(read());
});
