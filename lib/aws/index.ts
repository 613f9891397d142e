export * from './ci-deploy-role';
export * from './oidc-issuer';
export * from './service-account-binding';
export * from './workload-identity';
