/**
 * Jest matchers for access assertions. Import for its side effect in a test file:
 *
 *   import 'cdk8s-zero-trust/jest';
 *   expect(Reachability.fromApp(app)).toAllowExactly([...]);
 *
 * Its own entry point (`exports['./jest']`), not the package index: matchers are not a jsii API.
 */
import { AccessQuery, PathFilter, Reachability } from './reachability';

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

export const reachabilityMatchers = {
  /** Both layers admit exactly these lines (see `Reachability.allowedPaths`), nothing more, nothing less. */
  toAllowExactly(received: Reachability, expected: readonly string[], filter: PathFilter = {}): MatcherResult {
    const actual = received.allowedPaths(filter);
    const missing = [...new Set(expected)].filter(l => !actual.includes(l)).sort();
    const unexpected = actual.filter(l => !expected.includes(l));
    const pass = missing.length === 0 && unexpected.length === 0;
    return {
      pass,
      message: () => pass
        ? `expected the allowed paths to differ from the ${expected.length} given, but they are exactly those`
        : [
          'allowed paths differ from the expected ones',
          ...(missing.length > 0 ? ['missing (expected but not allowed):', ...missing.map(l => `  - ${l}`)] : []),
          ...(unexpected.length > 0 ? ['unexpected (allowed but not expected):', ...unexpected.map(l => `  + ${l}`)] : []),
        ].join('\n'),
    };
  },

  /** One concrete connection or HTTP request is allowed at both layers. */
  toAllowRequest(received: Reachability, query: AccessQuery): MatcherResult {
    const result = received.check(query);
    const pass = result.verdict === 'allow';
    return {
      pass,
      message: () => `expected ${describe(query)} ${pass ? 'not ' : ''}to be allowed; verdict ${result.verdict} (L4 ${result.l4}, L7 ${result.l7}): ${result.reasons.join('; ')}`,
    };
  },
};

function describe(q: AccessQuery): string {
  return `${q.source} -> ${q.destination} ${q.protocol ?? 'tcp'}/${q.port}${q.method ? ` ${q.method} ${q.path ?? '/'}` : ''}`;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toAllowExactly(expected: readonly string[], filter?: PathFilter): R;
      toAllowRequest(query: AccessQuery): R;
    }
  }
}

// Registers itself when loaded inside Jest, so one import is all a test needs.
if (typeof expect !== 'undefined' && typeof (expect as any).extend === 'function') {
  expect.extend(reachabilityMatchers as any);
}
