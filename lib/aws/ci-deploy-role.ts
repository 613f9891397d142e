import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { fail, normalizeIssuer, requireInstance, requireString, validateRoleName, validateRolePath } from './validation';
import { assertConstructArgs, assertOptionalBoolean, assertPlainObject } from '../validation';

const GITHUB_ACTIONS_ISSUER = 'token.actions.githubusercontent.com';
const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

/** Which GitHub Actions runs may assume the role. */
export interface GitHubActionsTrustOptions {
  /** Repository owner (user or organization), e.g. "acme". */
  readonly owner: string;
  /** Repository name, e.g. "payments". */
  readonly repository: string;
  /**
   * Branch whose workflow runs may deploy: `sub` = `repo:<owner>/<repo>:ref:refs/heads/<branch>`.
   * Give exactly one of `branch`, `environment`, `allowAnyBranchUnsafe`.
   * @default - none
   */
  readonly branch?: string;
  /**
   * GitHub environment whose jobs may deploy: `sub` = `repo:<owner>/<repo>:environment:<env>`.
   * @default - none
   */
  readonly environment?: string;
  /**
   * Let a run on any branch of the repository deploy (`sub` matched with StringLike
   * `repo:<owner>/<repo>:ref:refs/heads/*`). Anyone who can push a branch can then deploy.
   * @default false
   */
  readonly allowAnyBranchUnsafe?: boolean;
}

/** Trust in any OIDC issuer, with an exact subject. */
export interface OidcIssuerTrustOptions {
  /** Issuer, with or without `https://` (a host; see the README's issuer rule). */
  readonly issuer: string;
  /**
   * The exact `sub` claim that may assume the role, e.g.
   * `project_path:acme/payments:ref_type:branch:ref:main`. Wildcards are refused here.
   * Give exactly one of `subject` and `subjectPatternUnsafe`.
   * @default - none
   */
  readonly subject?: string;
  /**
   * A `StringLike` pattern (`*`, `?`) for `sub`: it admits every matching subject.
   * @default - none
   */
  readonly subjectPatternUnsafe?: string;
  /**
   * The `aud` claim the role requires.
   * @default "sts.amazonaws.com"
   */
  readonly audience?: string;
}

/** @internal */
export interface ResolvedCiTrust {
  readonly issuer: string;
  readonly audience: string;
  readonly subject: string;
  readonly subjectIsPattern: boolean;
}

/** Whose OIDC tokens a `CiDeployRole` accepts. */
export abstract class CiOidcTrust {
  /** GitHub Actions (`token.actions.githubusercontent.com`), pinned to a repository and branch or environment. */
  public static gitHubActions(options: GitHubActionsTrustOptions): CiOidcTrust {
    return new GitHubActionsTrust(options);
  }

  /** Any OIDC issuer, with an exact `sub` (or a pattern only through `subjectPatternUnsafe`). */
  public static issuer(options: OidcIssuerTrustOptions): CiOidcTrust {
    return new IssuerTrust(options);
  }

  /** @internal */
  public abstract _resolve(scope: IConstruct): ResolvedCiTrust;
}

const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const GIT_BRANCH = /^(?!\/|.*(?:\/\/|\.\.|@\{|\/$|\.lock$|\.$))[A-Za-z0-9._\/-]{1,255}$/;
const GITHUB_ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;

class GitHubActionsTrust extends CiOidcTrust {
  constructor(private readonly options: GitHubActionsTrustOptions) { super(); }

  public _resolve(scope: IConstruct): ResolvedCiTrust {
    assertPlainObject(scope, 'gitHubActions() options', this.options, 'pass { owner, repository, branch }');
    const { owner, repository, branch, environment, allowAnyBranchUnsafe } = this.options;
    requireString(scope, 'GitHub owner', owner, 'pass the user or organization name as a string, e.g. owner: "acme"');
    requireString(scope, 'GitHub repository', repository, 'pass the repository name as a string, e.g. repository: "payments"');
    if (branch !== undefined) requireString(scope, 'branch', branch, 'pass the branch name as a string, e.g. branch: "main"');
    if (environment !== undefined) requireString(scope, 'environment', environment, 'pass the environment name as a string, e.g. environment: "production"');
    assertOptionalBoolean(scope, 'allowAnyBranchUnsafe', allowAnyBranchUnsafe);
    if (!GITHUB_OWNER.test(owner)) {
      fail(scope, `GitHub owner "${owner}" is not valid`, 'use the user or organization name: letters, digits and \'-\' (e.g. "acme")');
    }
    if (!GITHUB_REPOSITORY.test(repository) || repository === '.' || repository === '..') {
      fail(scope, `GitHub repository "${repository}" is not valid`, 'use the repository name alone (letters, digits, \'.\', \'_\', \'-\'), without the owner');
    }
    const chosen = [branch !== undefined, environment !== undefined, allowAnyBranchUnsafe === true].filter(Boolean).length;
    if (chosen !== 1) {
      fail(scope, `GitHub Actions trust for ${owner}/${repository} needs exactly one of branch, environment or allowAnyBranchUnsafe (got ${chosen})`,
        'pin it, e.g. { branch: \'main\' }');
    }
    const repo = `repo:${owner}/${repository}`;
    if (branch !== undefined) {
      if (/[*?]/.test(branch)) {
        fail(scope, `branch "${branch}" contains a wildcard`, 'name one branch, or set allowAnyBranchUnsafe: true to admit every branch');
      }
      if (!GIT_BRANCH.test(branch)) {
        fail(scope, `branch "${branch}" is not a valid branch name`, 'use letters, digits, \'.\', \'_\', \'-\' and \'/\' (e.g. "main")');
      }
      return { issuer: GITHUB_ACTIONS_ISSUER, audience: DEFAULT_AUDIENCE, subject: `${repo}:ref:refs/heads/${branch}`, subjectIsPattern: false };
    }
    if (environment !== undefined) {
      if (/[*?]/.test(environment)) {
        fail(scope, `environment "${environment}" contains a wildcard`, 'name one GitHub environment');
      }
      if (!GITHUB_ENVIRONMENT.test(environment)) {
        fail(scope, `environment "${environment}" is not a valid GitHub environment name`, 'use letters, digits, \'.\', \'_\' and \'-\' (e.g. "production")');
      }
      return { issuer: GITHUB_ACTIONS_ISSUER, audience: DEFAULT_AUDIENCE, subject: `${repo}:environment:${environment}`, subjectIsPattern: false };
    }
    return { issuer: GITHUB_ACTIONS_ISSUER, audience: DEFAULT_AUDIENCE, subject: `${repo}:ref:refs/heads/*`, subjectIsPattern: true };
  }
}

class IssuerTrust extends CiOidcTrust {
  constructor(private readonly options: OidcIssuerTrustOptions) { super(); }

  public _resolve(scope: IConstruct): ResolvedCiTrust {
    assertPlainObject(scope, 'issuer() options', this.options, 'pass { issuer, subject }');
    for (const field of ['audience', 'subject', 'subjectPatternUnsafe'] as const) {
      if (this.options[field] !== undefined) requireString(scope, field, this.options[field], `pass ${field} as a string`);
    }
    const issuer = normalizeIssuer(scope, this.options.issuer);
    const audience = this.options.audience ?? DEFAULT_AUDIENCE;
    if (Token.isUnresolved(audience) || !/^[\x21-\x7E]+$/.test(audience) || /[*?]/.test(audience)) {
      fail(scope, `audience "${audience}" is not one literal value without spaces or wildcards`, 'pass e.g. "sts.amazonaws.com"');
    }
    const { subject, subjectPatternUnsafe } = this.options;
    if ((subject === undefined) === (subjectPatternUnsafe === undefined)) {
      fail(scope, `trust in ${issuer} needs exactly one of subject or subjectPatternUnsafe`,
        'pin the exact subject, e.g. "project_path:acme/payments:ref_type:branch:ref:main"');
    }
    const value = (subject ?? subjectPatternUnsafe) as string;
    if (Token.isUnresolved(value) || value.trim() === '' || /\s/.test(value)) {
      fail(scope, `subject "${value}" is empty, a token or contains whitespace`, 'pass the literal sub claim');
    }
    if (subject !== undefined && /[*?]/.test(subject)) {
      fail(scope, `subject "${subject}" contains a wildcard`, 'give the exact subject, or pass the pattern as subjectPatternUnsafe to admit every subject it matches');
    }
    if (subjectPatternUnsafe !== undefined && /^[*?]*$/.test(subjectPatternUnsafe)) {
      fail(scope, `subjectPatternUnsafe "${subjectPatternUnsafe}" matches every subject of ${issuer}`, 'keep at least a fixed prefix, e.g. "repo:acme/payments:*"');
    }
    return { issuer, audience, subject: value, subjectIsPattern: subject === undefined };
  }
}

/** Properties of a `CiDeployRole`. */
export interface CiDeployRoleProps {
  /** Whose OIDC tokens may assume the role, e.g. `CiOidcTrust.gitHubActions({ owner, repository, branch: 'main' })`. */
  readonly trust: CiOidcTrust;
  /**
   * ARN of the account's existing IAM OIDC provider for the issuer. An account holds one
   * provider per issuer URL: pass it when it already exists.
   * @default - a new IAM OIDC provider is created for the issuer, accepting the trust's audience
   */
  readonly oidcProviderArn?: string;
  /**
   * Explicit IAM role name (the CI configuration refers to the role by ARN).
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
   * Description of the role.
   * @default "CI deploy role for <subject>"
   */
  readonly description?: string;
}

/** Options of `CiDeployRole.grantAssumeCdkBootstrapRoles`. */
export interface CdkBootstrapRolesOptions {
  /**
   * Bootstrap qualifier of the target environment.
   * @default "hnb659fds"
   */
  readonly qualifier?: string;
}

/**
 * A deploy role for CI, assumed through OIDC federation with short-lived credentials: no IAM
 * user, no access key. Its maximum session is IAM's minimum of one hour; a deployment should
 * ask for `CiDeployRole.DEPLOY_SESSION_SECONDS` (900 s, 15 minutes).
 */
export class CiDeployRole extends Construct implements iam.IPrincipal {
  /** Session length a deployment should request (e.g. `role-duration-seconds: 900`). */
  public static readonly DEPLOY_SESSION_SECONDS = 900;

  /** The role CI assumes. */
  public readonly role: iam.Role;
  /** ARN of the IAM OIDC provider the role trusts. */
  public readonly oidcProviderArn: string;
  /** The `sub` value (or pattern, when unsafe) that may assume the role. */
  public readonly subject: string;

  /** The principal permissions are granted to: the role. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The action that assumes the role (`sts:AssumeRole`). */
  public readonly assumeRoleAction: string;
  /** The role's policy fragment. */
  public readonly policyFragment: iam.PrincipalPolicyFragment;
  /** The account of the role, when known. */
  public readonly principalAccount?: string;

  constructor(scope: Construct, id: string, props: CiDeployRoleProps) {
    assertConstructArgs(scope, id, 'CiDeployRole');
    super(scope, id);
    assertPlainObject(this, 'CiDeployRole props', props, 'pass { trust: CiOidcTrust.gitHubActions({ owner, repository, branch }) }');
    requireInstance(this, 'trust', props.trust, CiOidcTrust, 'use CiOidcTrust.gitHubActions({ ... }) or CiOidcTrust.issuer({ ... })');
    if (props.oidcProviderArn !== undefined) requireString(this, 'oidcProviderArn', props.oidcProviderArn, 'pass the provider ARN as a string, or omit it');
    if (props.description !== undefined) requireString(this, 'description', props.description, 'pass the description as a string, or omit it');
    const trust = props.trust._resolve(this);
    validateRoleName(this, props.roleName);
    const rolePath = props.rolePath ?? '/';
    validateRolePath(this, rolePath);

    this.oidcProviderArn = props.oidcProviderArn ?? new iam.OidcProviderNative(this, 'OidcProvider', {
      url: `https://${trust.issuer}`,
      clientIds: [trust.audience],
    }).oidcProviderArn;
    if (props.oidcProviderArn !== undefined && !Token.isUnresolved(props.oidcProviderArn)
      && !new RegExp(`^arn:aws[a-z-]*:iam::\\d{12}:oidc-provider/${escapeRegExp(trust.issuer)}$`).test(props.oidcProviderArn)) {
      fail(this, `oidcProviderArn "${props.oidcProviderArn}" is not the IAM OIDC provider of ${trust.issuer}`,
        `pass arn:<partition>:iam::<account>:oidc-provider/${trust.issuer}, or omit it to create the provider`);
    }
    this.subject = trust.subject;

    const conditions: Record<string, Record<string, string>> = {
      StringEquals: { [`${trust.issuer}:aud`]: trust.audience },
    };
    if (trust.subjectIsPattern) {
      conditions.StringLike = { [`${trust.issuer}:sub`]: trust.subject };
    } else {
      conditions.StringEquals[`${trust.issuer}:sub`] = trust.subject;
    }

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.FederatedPrincipal(this.oidcProviderArn, conditions, 'sts:AssumeRoleWithWebIdentity'),
      roleName: props.roleName,
      path: rolePath,
      permissionsBoundary: props.permissionsBoundary,
      // IAM's minimum; deployments request DEPLOY_SESSION_SECONDS, below it.
      maxSessionDuration: Duration.hours(1),
      description: props.description ?? `CI deploy role for ${trust.subject}`,
    });

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
   * Lets CI run `cdk deploy` into this stack's environment: `sts:AssumeRole` on exactly the
   * four CDK bootstrap roles (deploy, file publishing, image publishing, lookup), by name.
   */
  public grantAssumeCdkBootstrapRoles(options: CdkBootstrapRolesOptions = {}): void {
    const qualifier = options.qualifier ?? 'hnb659fds';
    if (Token.isUnresolved(qualifier) || !/^[A-Za-z0-9_-]{1,10}$/.test(qualifier)) {
      fail(this, `CDK bootstrap qualifier "${qualifier}" is not valid`, 'use up to 10 letters, digits, \'_\' or \'-\' (the default is "hnb659fds")');
    }
    const stack = Stack.of(this);
    const resources = ['deploy-role', 'file-publishing-role', 'image-publishing-role', 'lookup-role'].map((kind) =>
      stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `cdk-${qualifier}-${kind}-${stack.account}-${stack.region}` }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources }));
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
