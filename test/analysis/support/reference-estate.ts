import { DeclaredEstate, DeclaredLink, DeclaredWorkload } from './convention-manifests';

/** The reference scenario of the product brief, declared once for fixtures and tests. */
const http = [{ number: 8080, name: 'http' }];
const postgres = [{ number: 5432, name: 'postgres' }];
const prod = (name: string, ports: DeclaredWorkload['ports'], servicePorts?: DeclaredWorkload['servicePorts']): DeclaredWorkload =>
  ({ namespace: 'production', name, ports, servicePorts });

export const REFERENCE_WORKLOADS: DeclaredWorkload[] = [
  ...['checkout-api', 'checkout-service', 'api-gateway', 'order-service', 'frontend', 'mobile-backend', 'api-server', 'api-service'].map(n => prod(n, http)),
  prod('payment-service', [{ number: 8080, name: 'http' }, { number: 8443, name: 'payments' }], [{ port: 8080, targetPort: 8080 }, { port: 443, targetPort: 8443 }]),
  ...['payment-db', 'order-db', 'database', 'postgres'].map(n => prod(n, postgres)),
  prod('cache', [{ number: 6379, name: 'redis' }]),
  { namespace: 'risk', name: 'fraud-scorer', ports: [{ number: 9090, name: 'http' }] },
];

const link = (from: string, to: string, port: number, httpRule?: DeclaredLink['http']): DeclaredLink => ({
  from: from.includes('/') ? from : `production/${from}`,
  to: to.includes('/') ? to : `production/${to}`,
  ports: [{ port }],
  http: httpRule,
});

export const REFERENCE_LINKS: DeclaredLink[] = [
  link('checkout-api', 'payment-service', 8080, { methods: ['POST'], paths: ['/v1/charges'] }),
  link('api-gateway', 'payment-service', 8080),
  link('order-service', 'payment-service', 8443, { methods: ['POST'], paths: ['/api/payments/*'] }),
  link('payment-service', 'payment-db', 5432),
  link('order-service', 'order-db', 5432),
  link('api-gateway', 'order-service', 8080, { methods: ['GET', 'POST'], paths: ['/orders/*'] }),
  link('checkout-service', 'order-service', 8080, { methods: ['GET', 'POST'], paths: ['/orders/*'] }),
  link('frontend', 'api-server', 8080),
  link('mobile-backend', 'api-server', 8080),
  link('api-server', 'database', 5432),
  link('api-server', 'cache', 6379),
  link('api-service', 'postgres', 5432),
  link('payment-service', 'risk/fraud-scorer', 9090, { methods: ['POST'], paths: ['/v1/score'] }),
];

export const REFERENCE_ESTATE: DeclaredEstate = {
  namespaces: ['production', 'risk'],
  workloads: REFERENCE_WORKLOADS,
  links: REFERENCE_LINKS,
};
