import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { literalPartition } from './role-arn';
import { fail, normalizeIssuer, requireString } from './validation';
import { describeValue } from '../validation';

/**
 * An IAM OIDC provider and the issuer it trusts, as a trust policy needs them.
 * @internal
 */
export interface ResolvedOidcIssuer {
  /** ARN of the IAM OIDC provider (may be a token). */
  readonly providerArn: string;
  /** Issuer without `https://` (may be a token when it comes from a cluster). */
  readonly issuer: string;
}

/**
 * Where an IRSA role finds the cluster's OIDC issuer and its IAM OIDC provider.
 *
 * A literal issuer is validated (see the README's issuer rule); an issuer that only
 * CloudFormation knows (a cluster's, or a provider ARN token) is used through `CfnJson`.
 */
export abstract class ClusterOidcIssuer {
  /**
   * The OIDC provider of an `aws-eks` cluster (created by the cluster, or imported with it).
   */
  public static fromCluster(cluster: eks.ICluster): ClusterOidcIssuer {
    return new FromCluster(cluster);
  }

  /**
   * An existing IAM OIDC provider, by ARN
   * (`arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>`).
   */
  public static fromProviderArn(providerArn: string): ClusterOidcIssuer {
    return new FromProviderArn(providerArn);
  }

  /**
   * An issuer URL, with or without `https://`, whose IAM OIDC provider already exists in the
   * stack's account (e.g. created by eksctl). The provider ARN is derived from the issuer.
   */
  public static fromIssuerUrl(issuerUrl: string): ClusterOidcIssuer {
    return new FromIssuerUrl(issuerUrl);
  }

  /** @internal */
  public abstract _resolve(scope: Construct): ResolvedOidcIssuer;
}

class FromCluster extends ClusterOidcIssuer {
  constructor(private readonly cluster: eks.ICluster) { super(); }

  public _resolve(scope: Construct): ResolvedOidcIssuer {
    if (!this.cluster || typeof this.cluster !== 'object' || !('openIdConnectProvider' in this.cluster)) {
      fail(scope, `ClusterOidcIssuer.fromCluster() needs an EKS cluster, but got ${describeValue(this.cluster)}`,
        'pass the aws-eks Cluster (or an imported ICluster with its OIDC provider)');
    }
    const provider = this.cluster.openIdConnectProvider;
    return { providerArn: provider.openIdConnectProviderArn, issuer: provider.openIdConnectProviderIssuer };
  }
}

class FromProviderArn extends ClusterOidcIssuer {
  constructor(private readonly providerArn: string) { super(); }

  public _resolve(scope: Construct): ResolvedOidcIssuer {
    requireString(scope, 'providerArn', this.providerArn, 'pass the IAM OIDC provider ARN as a string');
    if (Token.isUnresolved(this.providerArn)) {
      // The issuer is everything after ":oidc-provider/" (path included), cut by CloudFormation.
      return { providerArn: this.providerArn, issuer: Arn.extractResourceName(this.providerArn, 'oidc-provider') };
    }
    const match = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/.exec(this.providerArn);
    if (!match) {
      fail(scope, `"${this.providerArn}" is not an IAM OIDC provider ARN`, 'pass arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer>');
    }
    const issuer = normalizeIssuer(scope, match[1]);
    if (issuer !== match[1]) {
      fail(scope, `"${this.providerArn}" is not an IAM OIDC provider ARN`, 'pass arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer>');
    }
    return { providerArn: this.providerArn, issuer };
  }
}

class FromIssuerUrl extends ClusterOidcIssuer {
  constructor(private readonly issuerUrl: string) { super(); }

  public _resolve(scope: Construct): ResolvedOidcIssuer {
    const issuer = normalizeIssuer(scope, this.issuerUrl);
    const providerArn = Stack.of(scope).formatArn({
      partition: literalPartition(Stack.of(scope)),
      service: 'iam',
      region: '',
      resource: 'oidc-provider',
      resourceName: issuer,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    return { providerArn, issuer };
  }
}
