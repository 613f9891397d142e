// The reference scenario's 13 calls, observed in each telemetry format (fixtures written from
// the formats' documentation): suggest reproduces the links, the code compiles and synthesizes
// to the same access, and review finds exactly the links the telemetry left out.
import * as fs from 'fs';
import * as path from 'path';
import { evaluateGenerated, referenceWithoutLinks, TELEMETRY, typeCheckGenerated } from './support';
import { Reachability, Telemetry } from '../../../lib';
import { referenceApp } from '../support/app-yaml';
import { conventionManifests } from '../support/convention-manifests';
import { REFERENCE_ESTATE } from '../support/reference-estate';

const telemetry = (file: string) => Telemetry.fromFiles([path.join(TELEMETRY, file)]);
const declared = Reachability.fromApp(referenceApp().app);
const noLinks = Reachability.fromManifests(conventionManifests({ ...REFERENCE_ESTATE, links: [] }));

/** Synthesizes the reference workloads plus the generated links, and analyses the result. */
function applySuggestion(code: string): Reachability {
  const { app, workloads } = referenceWithoutLinks();
  const generated = evaluateGenerated(code);
  const links = generated.addObservedLinks(app.charts[0], workloads);
  expect(links.length).toBeGreaterThan(0);
  app.synth();
  return Reachability.fromApp(app);
}

describe.each(['reference-access-log.jsonl', 'reference-hubble.jsonl'])('suggest from %s', file => {
  const suggestion = noLinks.suggest(telemetry(file));

  test('13 links, HTTP paths generalised as declared, one per observed pair', () => {
    expect(suggestion.links.map(l => [l.from, l.to, l.ports.join(','), l.methods?.join(',') ?? '', l.paths?.join(',') ?? ''])).toEqual([
      ['production/api-gateway', 'production/order-service', 'LinkPort.tcp(8080)', 'GET,POST', '/orders/*'],
      ['production/api-gateway', 'production/payment-service', 'LinkPort.tcp(8080)', '', ''],
      ['production/api-server', 'production/cache', 'LinkPort.tcp(6379)', '', ''],
      ['production/api-server', 'production/database', 'LinkPort.tcp(5432)', '', ''],
      ['production/api-service', 'production/postgres', 'LinkPort.tcp(5432)', '', ''],
      ['production/checkout-api', 'production/payment-service', 'LinkPort.tcp(8080)', 'POST', '/v1/charges'],
      ['production/checkout-service', 'production/order-service', 'LinkPort.tcp(8080)', 'GET,POST', '/orders/*'],
      ['production/frontend', 'production/api-server', 'LinkPort.tcp(8080)', '', ''],
      ['production/mobile-backend', 'production/api-server', 'LinkPort.tcp(8080)', '', ''],
      ['production/order-service', 'production/order-db', 'LinkPort.tcp(5432)', '', ''],
      // Access logs see the Service port the caller used; Hubble sees the pod port behind it.
      ['production/order-service', 'production/payment-service', file.includes('access') ? 'LinkPort.service(443)' : 'LinkPort.tcp(8443)', 'POST', '/api/payments/*'],
      ['production/payment-service', 'production/payment-db', 'LinkPort.tcp(5432)', '', ''],
      ['production/payment-service', 'risk/fraud-scorer', 'LinkPort.tcp(9090)', 'POST', '/v1/score'],
    ]);
    expect(suggestion.alreadyAllowed).toBe(0);
    expect(suggestion.unattributed).toEqual([]);
    expect(suggestion.comments).toEqual([]);
  });

  test('each link carries its evidence: count, window, response codes', () => {
    const charges = suggestion.links.find(l => l.id === 'checkout-api-to-payment-service')!;
    expect(charges.evidence[0]).toMatch(/^observed \d+ calls? in (istio-access-log|hubble), from 2026-11-2\dT/);
    expect(charges.evidence.join('\n')).toContain('POST /v1/charges');
  });

  test('the pasted code synthesizes to exactly the declared access', () => {
    const applied = applySuggestion(suggestion.code);
    expect(applied.allowedPaths()).toEqual(declared.allowedPaths());
    // And it refuses what the scenario refuses.
    expect(applied.check({ source: 'production/checkout-api', destination: 'production/payment-service', port: 8080, method: 'GET', path: '/v1/charges' }).verdict).toBe('deny');
    expect(applied.check({ source: 'production/order-service', destination: 'production/payment-db', port: 5432 }).verdict).toBe('deny');
  });

  test('suggesting against the full app finds nothing new', () => {
    const again = Reachability.fromApp(referenceApp().app).suggest(telemetry(file));
    expect(again.links).toEqual([]);
    expect(again.alreadyAllowed).toBeGreaterThanOrEqual(13);
  });
});

test('the generated code type-checks as pasted (strict, noUnusedLocals)', () => {
  const dir = path.join(__dirname, '..', '..', '..', '.generated', `suggest-${process.pid}`);
  try {
    const code = noLinks.suggest(telemetry('reference-access-log.jsonl'), { importFrom: path.relative(dir, path.join(__dirname, '..', '..', '..', 'lib')) }).code;
    expect(typeCheckGenerated(code, dir)).toEqual([]);
    // A missing workload is a compile error, not a silent gap.
    const broken = code.replace("readonly 'production/cache': IZeroTrustWorkload;", '');
    expect(typeCheckGenerated(broken, dir).join('\n')).toContain("'production/cache'");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 240_000); // a full type-check of the library: tens of seconds on a shared machine

test('output is byte-identical whatever the order of the records', () => {
  const lines = fs.readFileSync(path.join(TELEMETRY, 'reference-access-log.jsonl'), 'utf8').trim().split('\n');
  const shuffled = [...lines].reverse().join('\n');
  expect(noLinks.suggest(Telemetry.fromText(shuffled, 'reversed.jsonl')).code).toBe(noLinks.suggest(telemetry('reference-access-log.jsonl')).code);
});

test('metrics alone give the pairs but no paths: HTTP links open the port, and the payment-service port is named as ambiguous', () => {
  const s = noLinks.suggest(telemetry('reference-metrics.json'));
  // payment-service has two ports and metrics carry none: those three calls become comments.
  expect(s.comments.filter(c => c.includes('carries no port'))).toHaveLength(3);
  expect(s.links.map(l => `${l.from} -> ${l.to}`)).not.toContain('production/checkout-api -> production/payment-service');
  expect(s.links).toHaveLength(10);
  expect(s.links.every(l => l.paths === undefined)).toBe(true);
});

describe('review', () => {
  const full = Reachability.fromApp(referenceApp().app);

  test.each(['reference-access-log.jsonl', 'reference-hubble.jsonl', 'reference-metrics.json'])('%s: all 13 links used, nothing denied', file => {
    const r = full.review(telemetry(file));
    expect(r.unused).toEqual([]);
    expect(r.used).toHaveLength(13);
    expect(r.denied).toEqual([]);
  });

  test('with three links absent from the telemetry, exactly those three are unused', () => {
    const r = full.review(telemetry('reference-metrics-three-missing.json'));
    expect(r.unused.map(u => u.path)).toEqual([
      'production/api-service -> production/postgres tcp/5432',
      'production/frontend -> production/api-server tcp/8080',
      'production/order-service -> production/order-db tcp/5432',
    ]);
    expect(r.used).toHaveLength(10);
  });

  test('HTTP families never used are listed per path', () => {
    const lines = fs.readFileSync(path.join(TELEMETRY, 'reference-access-log.jsonl'), 'utf8').trim().split('\n')
      .filter(l => !(l.includes('"api-gateway-') && l.includes('"POST"') && l.includes('/orders/')));
    const r = full.review(Telemetry.fromText(lines.join('\n'), 'no-post.jsonl'));
    // api-gateway still GETs /orders/*, so the path is used; its POST half is not.
    const gateway = r.used.find(u => u.path === 'production/api-gateway -> production/order-service tcp/8080')!;
    expect(gateway.calls).toBeGreaterThan(0);
    expect(gateway.unusedRequests).toEqual(['POST /orders/*']);
    expect(r.used.filter(u => u.unusedRequests.length > 0).map(u => u.path)).toEqual([gateway.path]);
    expect(r.unused).toEqual([]);
  });

  test('calls observed without a link are what enforcing would break', () => {
    const r = noLinks.review(telemetry('reference-access-log.jsonl'));
    // One row per distinct call: 13 pairs, the HTTP ones by method and path shape (requests that
    // differ only by an ID, like GET /orders/1001 and /orders/1003, share a row): 15 rows.
    expect(r.denied).toHaveLength(15);
    expect(r.denied.every(d => d.kind === 'would-deny')).toBe(true);
  });
});
