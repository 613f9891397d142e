import { IConstruct } from 'constructs';
import { GatewayIntent } from '../model/edge-intent';
import { assertDns1123Label, assertLabels, assertTrustDomain } from '../validation';

/** The Istio ingress gateway people come through. Defaults match a standard `istioctl install`. */
export interface IngressGatewayOptions {
  /**
   * Namespace of the gateway pods.
   * @default 'istio-system'
   */
  readonly namespace?: string;
  /**
   * Labels of the gateway pods (NetworkPolicy admits these pods only; the Istio Gateway selects them).
   * @default - `{ istio: 'ingressgateway' }`
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * ServiceAccount of the gateway pods; the app admits this principal only.
   * @default 'istio-ingressgateway-service-account'
   */
  readonly serviceAccountName?: string;
  /**
   * Trust domain of the gateway's identity.
   * @default - the trust domain of the app's namespace
   */
  readonly trustDomain?: string;
}

/** Resolves the gateway's defaults and checks them. */
export function gatewayIntent(scope: IConstruct, options: IngressGatewayOptions, defaultTrustDomain: string): GatewayIntent {
  const namespace = options.namespace ?? 'istio-system';
  const podLabels = { ...(options.podLabels ?? { istio: 'ingressgateway' }) };
  const serviceAccountName = options.serviceAccountName ?? 'istio-ingressgateway-service-account';
  const trustDomain = options.trustDomain ?? defaultTrustDomain;
  assertDns1123Label(scope, 'gateway namespace', namespace);
  assertLabels(scope, 'gateway podLabels', podLabels);
  assertDns1123Label(scope, 'gateway ServiceAccount name', serviceAccountName);
  assertTrustDomain(scope, trustDomain);
  return { namespace, podLabels, principal: `${trustDomain}/ns/${namespace}/sa/${serviceAccountName}` };
}
