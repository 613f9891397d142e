export * from './ci-deploy-role';
export * from './oidc-issuer';
export * from './projected-token';
export * from './service-account-binding';
export * from './workload-identity';
