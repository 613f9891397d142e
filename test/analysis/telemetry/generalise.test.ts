import { generalisePaths, istioPathMatches, looksLikeId } from '../../../lib/analysis/telemetry/generalise';

test('IDs generalise at any count; named siblings only from the threshold on', () => {
  expect(generalisePaths(['/api/orders/123', '/api/orders/456'], 5)).toEqual(['/api/orders/*']);
  expect(generalisePaths(['/api/orders/123'], 5)).toEqual(['/api/orders/*']);
  expect(generalisePaths(['/v1/charges', '/v1/refunds'], 5)).toEqual(['/v1/charges', '/v1/refunds']);
  expect(generalisePaths(['/v1/a', '/v1/b', '/v1/c'], 3)).toEqual(['/v1/*']);
  expect(generalisePaths(['/v1/a', '/v1/b', '/v1/c'], 4)).toEqual(['/v1/a', '/v1/b', '/v1/c']);
});

test('a parent seen on its own stays exact: /orders/* does not admit /orders', () => {
  expect(generalisePaths(['/orders', '/orders/1', '/orders/2/items'], 5)).toEqual(['/orders', '/orders/*']);
  expect(istioPathMatches('/orders/*', '/orders')).toBe(false);
  expect(istioPathMatches('/orders/*', '/orders/2/items')).toBe(true);
});

test('the root becomes any path only by the threshold, never by an ID', () => {
  expect(generalisePaths(['/1', '/2'], 5)).toEqual(['/1', '/2']);
  expect(generalisePaths(['/a', '/b', '/c', '/d', '/e'], 5)).toEqual(['*']);
  expect(generalisePaths(['/'], 5)).toEqual(['/']);
});

test('every observed path is covered by the result, and nothing outside the observed prefixes is', () => {
  const observed = ['/api/orders/1', '/api/orders/2/lines', '/health', '/v1/charges'];
  const patterns = generalisePaths(observed, 5);
  for (const p of observed) expect(patterns.some(m => istioPathMatches(m, p))).toBe(true);
  for (const p of ['/api/users/1', '/admin', '/v1/refunds', '/api/orders']) expect(patterns.some(m => istioPathMatches(m, p))).toBe(false);
});

test('what counts as an ID', () => {
  for (const s of ['123', 'p-1001', 'ord_77', '550e8400-e29b-41d4-a716-446655440000', 'deadbeef12', 'aB3dE5fG7hJ9kL1mN3pQ5']) expect([s, looksLikeId(s)]).toEqual([s, true]);
  for (const s of ['v1', 'orders', 'charges', 'api', 'healthz', 'deadbeef']) expect([s, looksLikeId(s)]).toEqual([s, false]);
});
