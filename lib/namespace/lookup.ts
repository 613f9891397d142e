import { IConstruct } from 'constructs';
import { DataPlane, ZeroTrustMode } from '../model/intent';

const ZERO_TRUST_NAMESPACE = Symbol.for('cdk8s-zero-trust.ZeroTrustNamespace');

/** What a workload needs to know about the zero-trust namespace that holds it. */
export interface NamespaceIdentity {
  readonly name: string;
  readonly trustDomain: string;
  readonly mode?: ZeroTrustMode;
  /** Pod Security level the namespace enforces ("privileged", "baseline" or "restricted"). */
  readonly podSecurity?: string;
  /** The Istio data plane of its pods. */
  readonly dataPlane?: DataPlane;
}

/** Marks a construct as a zero-trust namespace, so constructs inside it can find it. */
export function markZeroTrustNamespace(ns: IConstruct & NamespaceIdentity): void {
  Object.defineProperty(ns, ZERO_TRUST_NAMESPACE, { value: true });
}

/** The nearest enclosing zero-trust namespace of `scope`, if any. */
export function findZeroTrustNamespace(scope: IConstruct): (IConstruct & NamespaceIdentity) | undefined {
  for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
    if ((c as any)[ZERO_TRUST_NAMESPACE]) return c as IConstruct & NamespaceIdentity;
  }
  return undefined;
}
