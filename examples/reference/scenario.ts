import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AdoptOptions, DataPlane, LinkPort, ServiceLink, ZeroTrustNamespace, ZeroTrustWorkload } from '../../lib';

/** A container port of the reference scenario. */
interface Port { readonly number: number; readonly name: string }

const HTTP: Port = { number: 8080, name: 'http' };
const POSTGRES: Port = { number: 5432, name: 'postgres' };

/** The workloads of the brief's reference scenario, with their container ports. */
const PRODUCTION_WORKLOADS: { [name: string]: Port[] } = {
  'checkout-api': [HTTP],
  'checkout-service': [HTTP],
  'api-gateway': [HTTP],
  'order-service': [HTTP],
  'frontend': [HTTP],
  'mobile-backend': [HTTP],
  'api-server': [HTTP],
  'api-service': [HTTP],
  'payment-service': [HTTP, { number: 8443, name: 'payments' }],
  'payment-db': [POSTGRES],
  'order-db': [POSTGRES],
  'database': [POSTGRES],
  'postgres': [POSTGRES],
  'cache': [{ number: 6379, name: 'redis' }],
};

/** Service ports that differ from the pod ports: payment-service answers on 443 for 8443. */
const SERVICE_PORTS: { [name: string]: kplus.ServicePort[] } = {
  'payment-service': [{ name: 'http', port: 8080, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }],
};

export interface ReferenceScenario {
  readonly production: ZeroTrustNamespace;
  readonly risk: ZeroTrustNamespace;
  readonly workloads: { [name: string]: ZeroTrustWorkload };
}

/**
 * Deploys one workload the way a team would with cdk8s-plus, then adopts it:
 * a Deployment with cdk8s-plus defaults (adopt() makes its pods pass restricted Pod Security),
 * a Service in front, and its identity.
 */
export function deployAndAdopt(
  ns: ZeroTrustNamespace, name: string, ports: Port[], servicePorts?: kplus.ServicePort[], options: AdoptOptions = {},
): ZeroTrustWorkload {
  const deployment = new kplus.Deployment(ns, `${name}-deployment`, {
    metadata: { name },
    replicas: 2,
    containers: [{
      name: 'app',
      image: `registry.example.com/shop/${name}:1.0.0`,
      ports: ports.map(p => ({ number: p.number, name: p.name })),
    }],
  });
  const service = deployment.exposeViaService({
    name,
    ports: servicePorts ?? ports.map(p => ({ name: p.name, port: p.number, targetPort: p.number })),
  });
  return ns.adopt(deployment, { ...options, services: [service] });
}

/** Data plane of each namespace of the reference scenario. */
export interface ReferenceDataPlanes {
  /** @default DataPlane.SIDECAR */
  readonly production?: DataPlane;
  /** @default DataPlane.SIDECAR */
  readonly risk?: DataPlane;
}

/**
 * The reference scenario of the product brief: two zero-trust namespaces and thirteen links.
 * The same declarations render for sidecars, ambient, or one of each (only the option changes).
 */
export function referenceScenario(scope: Construct, dataPlanes: ReferenceDataPlanes = {}): ReferenceScenario {
  const production = new ZeroTrustNamespace(scope, 'production', { monitoring: { namespace: 'monitoring' }, dataPlane: dataPlanes.production });
  const risk = new ZeroTrustNamespace(scope, 'risk', { monitoring: { namespace: 'monitoring' }, dataPlane: dataPlanes.risk });

  const w: { [name: string]: ZeroTrustWorkload } = {};
  for (const [name, ports] of Object.entries(PRODUCTION_WORKLOADS)) {
    w[name] = deployAndAdopt(production, name, ports, SERVICE_PORTS[name]);
  }
  w['fraud-scorer'] = deployAndAdopt(risk, 'fraud-scorer', [{ number: 9090, name: 'http' }]);

  const link = (id: string, from: string, to: string, ports: LinkPort[], http?: { methods?: string[]; paths?: string[] }) =>
    new ServiceLink(Chart.of(w[from]), id, { from: w[from], to: w[to], ports, http });

  link('checkout-api-to-payment-service', 'checkout-api', 'payment-service', [LinkPort.tcp(8080)], { methods: ['POST'], paths: ['/v1/charges'] });
  link('api-gateway-to-payment-service', 'api-gateway', 'payment-service', [LinkPort.tcp(8080)]);
  link('order-service-to-payment-service', 'order-service', 'payment-service', [LinkPort.service(443)], { methods: ['POST'], paths: ['/api/payments/*'] });
  link('payment-service-to-payment-db', 'payment-service', 'payment-db', [LinkPort.tcp(5432)]);
  link('order-service-to-order-db', 'order-service', 'order-db', [LinkPort.tcp(5432)]);
  link('api-gateway-to-order-service', 'api-gateway', 'order-service', [LinkPort.tcp(8080)], { methods: ['GET', 'POST'], paths: ['/orders/*'] });
  link('checkout-service-to-order-service', 'checkout-service', 'order-service', [LinkPort.tcp(8080)], { methods: ['GET', 'POST'], paths: ['/orders/*'] });
  link('frontend-to-api-server', 'frontend', 'api-server', [LinkPort.tcp(8080)]);
  link('mobile-backend-to-api-server', 'mobile-backend', 'api-server', [LinkPort.tcp(8080)]);
  link('api-server-to-database', 'api-server', 'database', [LinkPort.tcp(5432)]);
  link('api-server-to-cache', 'api-server', 'cache', [LinkPort.named('redis')]);
  link('api-service-to-postgres', 'api-service', 'postgres', [LinkPort.tcp(5432)]);
  link('payment-service-to-fraud-scorer', 'payment-service', 'fraud-scorer', [LinkPort.tcp(9090)], { methods: ['POST'], paths: ['/v1/score'] });

  return { production, risk, workloads: w };
}
