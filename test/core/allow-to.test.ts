import { App } from 'cdk8s';
import { LinkPort, ZeroTrustNamespace } from '../../lib';
import { l4Allows, l7Allows, podFor } from '../support/policy-eval';
import { examineSchema } from '../support/schema';
import { synthApp } from '../support/synth';

type Direction = 'allowTo' | 'allowFrom';

function scenario(direction: Direction) {
  const app = new App();
  const production = new ZeroTrustNamespace(app, 'production');
  const risk = new ZeroTrustNamespace(app, 'risk');
  const checkout = production.addWorkload('checkout-api', { ports: [{ number: 8080, name: 'http' }] });
  const payments = production.addWorkload('payment-service', { ports: [{ number: 8080, name: 'http' }] });
  const scorer = risk.addWorkload('fraud-scorer', { ports: [{ number: 9090, name: 'http' }] });
  const charges = { ports: [LinkPort.tcp(8080)], http: { methods: ['POST'], paths: ['/v1/charges'] } };
  const score = { ports: [LinkPort.named('http')], http: { methods: ['POST'], paths: ['/v1/score'] } };
  if (direction === 'allowTo') {
    checkout.allowTo(payments, charges);
    payments.allowTo(scorer, score);
  } else {
    payments.allowFrom(checkout, charges);
    scorer.allowFrom(payments, score);
  }
  return synthApp(app);
}

test('client.allowTo(server) emits exactly what server.allowFrom(client) emits, in and across namespaces', () => {
  const to = scenario('allowTo');
  expect(JSON.stringify(to)).toBe(JSON.stringify(scenario('allowFrom')));
  expect(examineSchema(to)).toEqual([]);

  const checkout = podFor('production', 'checkout-api', [8080], to);
  const payments = podFor('production', 'payment-service', [8080], to);
  const scorer = podFor('risk', 'fraud-scorer', [9090], to);
  expect(l7Allows(to, checkout, payments, { port: 8080, method: 'POST', path: '/v1/charges' })).toBe(true);
  expect(l7Allows(to, checkout, payments, { port: 8080, method: 'GET', path: '/v1/charges' })).toBe(false);
  expect(l4Allows(to, payments, checkout, { port: 8080 })).toBe(false);
  expect(l4Allows(to, payments, scorer, { port: 9090 })).toBe(true);
  expect(l7Allows(to, payments, scorer, { port: 9090, method: 'POST', path: '/v1/score' })).toBe(true);
  expect(l4Allows(to, checkout, scorer, { port: 9090 })).toBe(false);
});

test('two allowTo calls to one server get distinct ids and merge into one policy per side', () => {
  const app = new App();
  const production = new ZeroTrustNamespace(app, 'production');
  const api = production.addWorkload('api', { ports: [{ number: 8080 }] });
  const db = production.addWorkload('db', { ports: [{ number: 5432 }, { number: 9187 }] });
  const first = api.allowTo(db, { ports: [LinkPort.tcp(5432)] });
  const second = api.allowTo(db, { ports: [LinkPort.tcp(9187)] });
  expect([first.node.id, second.node.id]).toEqual(['AllowTo-production-db', 'AllowTo-production-db-2']);
  const manifests = synthApp(app);
  expect(manifests.filter((m: any) => m.kind === 'NetworkPolicy').map((m: any) => m.metadata.name).sort())
    .toEqual(expect.arrayContaining(['api-egress', 'db-ingress']));
  const apiPod = podFor('production', 'api', [8080], manifests);
  const dbPod = podFor('production', 'db', [5432, 9187], manifests);
  expect([5432, 9187, 8080].map(port => l4Allows(manifests, apiPod, dbPod, { port }))).toEqual([true, true, false]);
});
