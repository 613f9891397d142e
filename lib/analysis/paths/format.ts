import { RequestShape } from '../l7/authorization';
import { AccessPath } from '../types';

/** `GET,POST /orders/*`; `*` stands for any method or path; exclusions follow in brackets. */
export function formatShape(shape: RequestShape): string {
  const parts = [shape.methods ? shape.methods.join(',') : '*', shape.paths ? shape.paths.join(',') : '*'];
  if (shape.notMethods) parts.push(`(not ${shape.notMethods.join(',')})`);
  if (shape.notPaths) parts.push(`(not ${shape.notPaths.join(',')})`);
  if (shape.hosts) parts.push(`(host ${shape.hosts.join(',')})`);
  if (shape.token) parts.push(`(${shape.token})`);
  return parts.join(' ');
}

/** `<source> -> <destination> <protocol>/<port>`: the key of a path, without the HTTP part. */
export function pathKey(p: AccessPath): string {
  return `${p.source} -> ${p.destination} ${p.protocol}/${p.port}`;
}

/**
 * The readable lines of a path, one per admitted request family:
 * `production/checkout-api -> production/payment-service tcp/8080 POST /v1/charges`.
 */
export function pathLines(p: AccessPath): string[] {
  if (p.requests.length === 0) return [pathKey(p)];
  return p.requests.map(r => `${pathKey(p)} ${r}`);
}
