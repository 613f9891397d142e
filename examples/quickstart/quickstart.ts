import { App } from 'cdk8s';
import { LinkPort, ZeroTrustNamespace } from '../../lib';

/** The README's quick start: checkout-api may POST /v1/charges to payment-service, and nothing else opens. */
export function quickstart(app: App): ZeroTrustNamespace {
  const production = new ZeroTrustNamespace(app, 'production');
  const checkout = production.addWorkload('checkout-api', { ports: [{ number: 8080, name: 'http' }] });
  const payments = production.addWorkload('payment-service', { ports: [{ number: 8080, name: 'http' }] });
  payments.allowFrom(checkout, {
    ports: [LinkPort.tcp(8080)],
    http: { methods: ['POST'], paths: ['/v1/charges'] },
  });
  return production;
}
