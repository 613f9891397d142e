export * from './model/intent';
export * from './namespace/options';
export * from './namespace/zero-trust-namespace';
export * from './workload/ports';
export * from './workload/workload';
export * from './workload/adopt';
export * from './link/link-port';
export * from './link/http-match';
export * from './link/service-link';
export * from './render/renderer';
export * from './render/network-policy-renderer';
export * from './render/istio-renderer';
export * from './aws';
// Edges of the mesh (issue 4): people in through the gateway, workloads out on purpose, alerts.
export * from './model/edge-intent';
export * from './access/oidc';
export * from './access/ingress-gateway';
export * from './access/identity-aware-entry-point';
export * from './egress/external-port';
export * from './egress/external-egress';
export * from './alerts/zero-trust-alerts';
export * from './analysis';
// Ways in from outside (issue 14): public routes through the gateway, ingress from address ranges.
export * from './access/entry-route';
export * from './access/public-route';
export * from './ingress/address-ingress';
