// The Istio ingress gateway pod that the analyzer assumes, as the traffic tests model it.
import { Pod } from './policy-eval';

export const INGRESS_GATEWAY_PRINCIPAL = 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';

export const INGRESS_GATEWAY_POD: Pod = {
  namespace: 'istio-system',
  name: 'istio-ingressgateway',
  labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
  serviceAccount: 'istio-ingressgateway-service-account',
  ports: [{ port: 8443, protocol: 'TCP' }],
  sidecar: true,
};
