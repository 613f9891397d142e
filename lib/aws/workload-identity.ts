import { CfnJson, Duration, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ClusterOidcIssuer } from './oidc-issuer';
import { literalRoleArn } from './role-arn';
import { IServiceAccountBinding, ServiceAccountBindingOptions } from './service-account-binding';
import {
  fail, requireInstance, requireString, validateMaxSessionDuration, validateNamespace, validateRoleName, validateRolePath,
  validateSeconds, validateServiceAccountName,
} from './validation';
import { assertConstructArgs, assertOptionalBoolean, assertPlainObject, describeValue } from '../validation';

/** The audience IRSA tokens carry, and the only one the trust accepts. */
const STS_AUDIENCE = 'sts.amazonaws.com';
const POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';

/** Options of the EKS Pod Identity mode. */
export interface PodIdentityOptions {
  /**
   * The cluster that gets the `CfnPodIdentityAssociation`. An aws-eks `Cluster` gets the Pod
   * Identity Agent add-on; an imported cluster must already run it. Fargate is refused.
   */
  readonly cluster: eks.ICluster;

  /**
   * Also require the session tags EKS Pod Identity sets (`kubernetes-namespace`,
   * `kubernetes-service-account`, `eks-cluster-name`) to match, so the role cannot be
   * associated with another ServiceAccount or cluster in the account.
   * @default true
   */
  readonly sessionTagConditions?: boolean;
}

/** How the workload obtains its role: IRSA or EKS Pod Identity. */
export abstract class WorkloadIdentityMode {
  /**
   * IAM Roles for Service Accounts: the role trusts `sts:AssumeRoleWithWebIdentity` from the
   * cluster's OIDC provider, for exactly this ServiceAccount and audience `sts.amazonaws.com`.
   * The ServiceAccount must carry the `eks.amazonaws.com/role-arn` annotation
   * (`bindServiceAccount`).
   */
  public static irsa(issuer: ClusterOidcIssuer): WorkloadIdentityMode {
    return new IrsaMode(issuer);
  }

  /**
   * EKS Pod Identity: the role trusts `pods.eks.amazonaws.com` (`sts:AssumeRole` +
   * `sts:TagSession`) and a `CfnPodIdentityAssociation` binds it to the ServiceAccount.
   * No annotation is needed.
   */
  public static podIdentity(options: PodIdentityOptions): WorkloadIdentityMode {
    return new PodIdentityMode(options);
  }

  /** `true` for IRSA, whose ServiceAccount needs the role ARN annotation. */
  public abstract readonly annotatesServiceAccount: boolean;

  /** @internal */
  public abstract _principal(scope: Construct, namespace: string, serviceAccountName: string): iam.IPrincipal;

  /** @internal */
  public abstract _associate(scope: Construct, namespace: string, serviceAccountName: string, role: iam.IRole): void;
}

class IrsaMode extends WorkloadIdentityMode {
  public readonly annotatesServiceAccount = true;
  constructor(private readonly issuer: ClusterOidcIssuer) { super(); }

  public _principal(scope: Construct, namespace: string, serviceAccountName: string): iam.IPrincipal {
    requireInstance(scope, 'the IRSA issuer', this.issuer, ClusterOidcIssuer,
      'build it with ClusterOidcIssuer.fromCluster(cluster), fromProviderArn(arn) or fromIssuerUrl(url)');
    const { providerArn, issuer } = this.issuer._resolve(scope);
    const equals = {
      [`${issuer}:aud`]: STS_AUDIENCE,
      [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccountName}`,
    };
    // A token cannot be a JSON key in the template; CfnJson resolves the keys at deploy time.
    const conditions = Token.isUnresolved(issuer) ? new CfnJson(scope, 'TrustConditions', { value: equals }) : equals;
    return new iam.FederatedPrincipal(providerArn, { StringEquals: conditions }, 'sts:AssumeRoleWithWebIdentity');
  }

  public _associate(): void {}
}

class PodIdentityMode extends WorkloadIdentityMode {
  public readonly annotatesServiceAccount = false;
  constructor(private readonly options: PodIdentityOptions) { super(); }

  public _principal(scope: Construct, namespace: string, serviceAccountName: string): iam.IPrincipal {
    if (typeof (this.options as PodIdentityOptions | undefined)?.cluster?.clusterName !== 'string') {
      fail(scope, `podIdentity() options must name an EKS cluster, but cluster is ${describeValue((this.options as PodIdentityOptions | undefined)?.cluster)}`,
        'pass WorkloadIdentityMode.podIdentity({ cluster })');
    }
    if (this.options.cluster instanceof eks.FargateCluster) {
      fail(scope, `EKS Pod Identity does not run on Fargate, and cluster ${this.options.cluster.node.path} is a FargateCluster`,
        'use WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromCluster(cluster))');
    }
    const service = new iam.ServicePrincipal(POD_IDENTITY_SERVICE);
    if (this.options.sessionTagConditions === false) return service.withSessionTags();
    return service.withConditions({
      StringEquals: {
        'aws:RequestTag/eks-cluster-name': this.options.cluster.clusterName,
        'aws:RequestTag/kubernetes-namespace': namespace,
        'aws:RequestTag/kubernetes-service-account': serviceAccountName,
      },
    }).withSessionTags();
  }

  public _associate(scope: Construct, namespace: string, serviceAccountName: string, role: iam.IRole): void {
    // Reading the property makes an aws-eks Cluster install its Pod Identity Agent add-on (as
    // aws-eks's own ServiceAccount does); an imported cluster returns undefined and must have it.
    const agent = this.options.cluster.eksPodIdentityAgent;
    const association = new eks.CfnPodIdentityAssociation(scope, 'PodIdentityAssociation', {
      clusterName: this.options.cluster.clusterName,
      namespace,
      serviceAccount: serviceAccountName,
      roleArn: role.roleArn,
    });
    if (agent) association.node.addDependency(agent);
  }
}

/** Properties of a `WorkloadIdentity`. */
export interface WorkloadIdentityProps {
  /** Namespace of the workload's ServiceAccount. */
  readonly namespace: string;
  /** Name of the workload's ServiceAccount; only it can assume the role. */
  readonly serviceAccountName: string;
  /** IRSA or EKS Pod Identity. */
  readonly mode: WorkloadIdentityMode;

  /**
   * Explicit IAM role name. With a stack of concrete account and region, it makes the role
   * ARN known at synth time, so it can be written into the ServiceAccount YAML.
   * @default - CloudFormation generates a name
   */
  readonly roleName?: string;
  /**
   * IAM path of the role.
   * @default "/"
   */
  readonly rolePath?: string;
  /**
   * Permissions boundary attached to the role.
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /**
   * Maximum session duration, 1 to 12 hours.
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
  /**
   * Description of the role.
   * @default "AWS identity of <namespace>/<serviceAccountName>"
   */
  readonly description?: string;
}

/**
 * The AWS identity of one Kubernetes workload: an IAM role that only the workload's
 * ServiceAccount can assume and that holds only what is granted to it.
 *
 * It is an `iam.IPrincipal`, so permissions are granted the CDK way:
 * `bucket.grantRead(identity)`.
 */
export class WorkloadIdentity extends Construct implements iam.IPrincipal {
  /** The role the workload assumes. */
  public readonly role: iam.Role;
  /** Namespace of the bound ServiceAccount. */
  public readonly namespace: string;
  /** Name of the bound ServiceAccount. */
  public readonly serviceAccountName: string;
  /** The mode the identity was created with. */
  public readonly mode: WorkloadIdentityMode;

  /** The principal permissions are granted to: the role. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The action that assumes the role (`sts:AssumeRole`). */
  public readonly assumeRoleAction: string;
  /** The role's policy fragment. */
  public readonly policyFragment: iam.PrincipalPolicyFragment;
  /** The account of the role, when known. */
  public readonly principalAccount?: string;

  private readonly roleName?: string;
  private readonly rolePath: string;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    assertConstructArgs(scope, id, 'WorkloadIdentity');
    super(scope, id);
    assertPlainObject(this, 'WorkloadIdentity props', props, 'pass { namespace, serviceAccountName, mode }');
    requireInstance(this, 'mode', props.mode, WorkloadIdentityMode,
      'use WorkloadIdentityMode.irsa(ClusterOidcIssuer.fromCluster(cluster)) or WorkloadIdentityMode.podIdentity({ cluster })');
    if (props.description !== undefined) requireString(this, 'description', props.description, 'pass the description as a string, or omit it');
    validateNamespace(this, props.namespace);
    validateServiceAccountName(this, props.serviceAccountName);
    validateRoleName(this, props.roleName);
    this.rolePath = props.rolePath ?? '/';
    validateRolePath(this, this.rolePath);
    const maxSessionDuration = props.maxSessionDuration ?? Duration.hours(1);
    validateMaxSessionDuration(this, maxSessionDuration);

    this.namespace = props.namespace;
    this.serviceAccountName = props.serviceAccountName;
    this.mode = props.mode;
    this.roleName = props.roleName;

    this.role = new iam.Role(this, 'Role', {
      assumedBy: props.mode._principal(this, props.namespace, props.serviceAccountName),
      roleName: props.roleName,
      path: this.rolePath,
      permissionsBoundary: props.permissionsBoundary,
      maxSessionDuration,
      description: props.description ?? `AWS identity of ${props.namespace}/${props.serviceAccountName}`,
    });
    props.mode._associate(this, props.namespace, props.serviceAccountName, this.role);

    this.grantPrincipal = this.role.grantPrincipal;
    this.assumeRoleAction = this.role.assumeRoleAction;
    this.policyFragment = this.role.policyFragment;
    this.principalAccount = this.role.principalAccount;
  }

  /** Adds a statement to the role's policy (the `iam.IPrincipal` contract). */
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    return this.role.addToPrincipalPolicy(statement);
  }

  /**
   * The role ARN as a literal string, when it is known at synth time (explicit `roleName`,
   * stack with concrete account and region); otherwise `undefined`.
   */
  public get literalRoleArn(): string | undefined {
    const result = literalRoleArn(Stack.of(this), this.roleName, this.rolePath);
    return 'arn' in result ? result.arn : undefined;
  }

  /**
   * Connects the role to the workload's Kubernetes ServiceAccount.
   *
   * The ServiceAccount must be the one the trust names. For IRSA it gets
   * `eks.amazonaws.com/role-arn` (and the optional token annotations); Pod Identity needs no
   * annotation. The ARN written is a literal; an unresolved CDK token is only written when
   * `chartAppliedBy` says CloudFormation applies the chart and resolves it.
   */
  public bindServiceAccount(binding: IServiceAccountBinding, options: ServiceAccountBindingOptions = {}): void {
    const b = binding as Partial<IServiceAccountBinding> | undefined;
    if (!b || typeof b.namespace !== 'string' || typeof b.serviceAccountName !== 'string' || typeof b.addServiceAccountAnnotation !== 'function') {
      fail(this, `cannot bind ${describeValue(binding)}: it is not a ServiceAccount binding`,
        'pass a ZeroTrustWorkload, or ServiceAccountBinding.fromServiceAccount(serviceAccount)');
    }
    assertPlainObject(this, 'bindServiceAccount() options', options, 'pass an object of options, or omit it');
    if (options.tokenExpiration !== undefined) requireInstance(this, 'tokenExpiration', options.tokenExpiration, Duration, 'pass a Duration, e.g. Duration.hours(1)');
    assertOptionalBoolean(this, 'stsRegionalEndpoints', options.stsRegionalEndpoints);
    if (binding.namespace !== this.namespace || binding.serviceAccountName !== this.serviceAccountName) {
      fail(this, `cannot bind ServiceAccount ${binding.namespace}/${binding.serviceAccountName}: this role trusts only ${this.namespace}/${this.serviceAccountName}`,
        'create one WorkloadIdentity per ServiceAccount');
    }
    if (!this.mode.annotatesServiceAccount) {
      if (options.tokenExpiration !== undefined || options.stsRegionalEndpoints !== undefined || options.chartAppliedBy !== undefined) {
        fail(this, 'tokenExpiration, stsRegionalEndpoints and chartAppliedBy apply to IRSA only, and EKS Pod Identity writes no ServiceAccount annotation', 'remove them');
      }
      return;
    }

    const annotations: Record<string, string> = { 'eks.amazonaws.com/role-arn': this.roleArnForYaml(options.chartAppliedBy) };
    if (options.tokenExpiration !== undefined) {
      const seconds = options.tokenExpiration.isUnresolved() ? NaN : options.tokenExpiration.toSeconds();
      validateSeconds(this, 'tokenExpiration', seconds, 600, 86400, 'the EKS webhook accepts 600 to 86400 seconds (10 minutes to 24 hours)');
      annotations['eks.amazonaws.com/token-expiration'] = String(seconds);
    }
    if (options.stsRegionalEndpoints !== undefined) {
      annotations['eks.amazonaws.com/sts-regional-endpoints'] = String(options.stsRegionalEndpoints);
    }
    for (const key of Object.keys(annotations).sort()) {
      binding.addServiceAccountAnnotation(key, annotations[key]);
    }
  }

  private roleArnForYaml(chartAppliedBy: eks.ICluster | undefined): string {
    const literal = literalRoleArn(Stack.of(this), this.roleName, this.rolePath);
    if ('arn' in literal) return literal.arn;
    if (chartAppliedBy !== undefined) {
      if (chartAppliedBy.node.root !== this.node.root) {
        fail(this, `chartAppliedBy names cluster ${chartAppliedBy.node.path} of another CDK app, where the role ARN token cannot resolve`, 'pass a cluster of this app');
      }
      return this.role.roleArn;
    }
    return fail(this, `the role ARN is not known at synth time (${literal.missing}), and an unresolved token must never be written into Kubernetes YAML`,
      'either (a) give the identity an explicit roleName and its stack a concrete env { account, region }, so the ARN is a literal; '
      + 'or (b) apply the chart with cluster.addCdk8sChart(...) and pass { chartAppliedBy: cluster }, so CloudFormation resolves the ARN');
  }
}
