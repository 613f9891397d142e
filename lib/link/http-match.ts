import { IConstruct } from 'constructs';
import { zeroTrustError } from '../errors';
import { assertArray, assertString } from '../validation';

/** HTTP constraints of a link, in Istio's match syntax. */
export interface HttpMatch {
  /**
   * Upper-case HTTP methods, e.g. `['GET', 'POST']`.
   * @default - any method
   */
  readonly methods?: string[];
  /**
   * Request paths: exact (`/v1/charges`), prefix (`/orders/*`) or suffix (`*.json`).
   * @default - any path
   */
  readonly paths?: string[];
}

const KNOWN_METHODS = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'];

/** Refuses HTTP constraints that Istio would misread or that would match everything. */
export function checkHttpMatch(scope: IConstruct, http: HttpMatch): void {
  if (http.methods !== undefined) {
    assertArray(scope, 'http.methods', http.methods, `list the methods, e.g. methods: [${typeof http.methods === 'string' ? JSON.stringify(http.methods) : '"GET"'}]`);
    if (http.methods.length === 0) {
      throw zeroTrustError(scope, 'http.methods is an empty list', 'list at least one method, or omit "methods" to allow any method');
    }
    for (const method of http.methods) {
      assertString(scope, 'each of http.methods', method, 'list methods as strings, e.g. methods: ["GET", "POST"]');
      if (!KNOWN_METHODS.includes(method)) {
        const hint = KNOWN_METHODS.includes(String(method).toUpperCase()) ? ` (methods are case-sensitive: "${String(method).toUpperCase()}")` : '';
        throw zeroTrustError(scope, `http.methods has unknown verb "${method}"${hint}`, `use upper-case verbs from ${KNOWN_METHODS.join(', ')}`);
      }
    }
  }
  if (http.paths !== undefined) {
    assertArray(scope, 'http.paths', http.paths, `list the paths, e.g. paths: [${typeof http.paths === 'string' ? JSON.stringify(http.paths) : '"/orders/*"'}]`);
    if (http.paths.length === 0) {
      throw zeroTrustError(scope, 'http.paths is an empty list', 'list at least one path, or omit "paths" to allow any path');
    }
    for (const path of http.paths) checkPath(scope, path);
  }
  if (http.methods === undefined && http.paths === undefined) {
    throw zeroTrustError(scope, 'http has neither methods nor paths', 'list methods and/or paths, or omit "http" to allow any request on the ports');
  }
}

function checkPath(scope: IConstruct, path: string): void {
  assertString(scope, 'each of http.paths', path, 'list paths as strings, e.g. paths: ["/v1/charges"]');
  const stars = (path.match(/\*/g) ?? []).length;
  const isSuffix = path.startsWith('*') && path.length > 1 && stars === 1;
  const isExactOrPrefix = path.startsWith('/') && (stars === 0 || (stars === 1 && path.endsWith('*')));
  if (!isSuffix && !isExactOrPrefix) {
    throw zeroTrustError(scope, `http.paths has "${path}", which is not an exact, prefix or suffix path`,
      'start the path with "/" (exact "/v1/charges" or prefix "/orders/*"), or use a suffix such as "*.json"; "*" alone is refused because it matches every path');
  }
  // Every request path starts with "/", so the prefix "/*" is "*" spelled differently.
  if (path === '/*') {
    throw zeroTrustError(scope, 'http.paths has "/*", which matches every path like "*"',
      'list the path prefixes the client calls (e.g. "/orders/*"), or omit "paths" if it may call any path');
  }
}
