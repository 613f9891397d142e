// The rule index may only leave out rules that would fail for that source anyway, and silently:
// every verdict and every caveat must be what evaluating all rules gives.
import * as fc from 'fast-check';
import { AuthorizationPolicyInfo, IstioRule } from '../../lib/analysis/estate/model';
import { rulesFor } from '../../lib/analysis/l7/rule-index';
import { MatchNotes, RequestContext, ruleMatches, ruleMatchesIgnoringHttp } from '../../lib/analysis/l7/rules';

const PRINCIPALS = ['cluster.local/ns/shop/sa/web', 'cluster.local/ns/shop/sa/api', 'cluster.local/ns/risk/sa/scorer'];
const principal = fc.constantFrom(...PRINCIPALS, 'cluster.local/ns/shop/sa/*', '*', '');
const source = fc.record({
  principals: fc.option(fc.array(principal, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  notPrincipals: fc.option(fc.constant(['*']), { nil: undefined }),
  namespaces: fc.option(fc.constant(['shop']), { nil: undefined }),
  ipBlocks: fc.option(fc.constant(['10.0.0.0/8']), { nil: undefined }),
  requestPrincipals: fc.option(fc.constant(['https://issuer.example/*']), { nil: undefined }),
  unknownFields: fc.option(fc.constant(['sourceLabels']), { nil: undefined }),
}, { requiredKeys: [] });
const operation = fc.record({
  ports: fc.option(fc.constant(['8080']), { nil: undefined }),
  methods: fc.option(fc.constant(['GET']), { nil: undefined }),
  paths: fc.option(fc.constantFrom(['/api/*'], ['/v1/{*}/items'], ['/bad/{x}']), { nil: undefined }),
  hosts: fc.option(fc.constant(['shop.example']), { nil: undefined }),
  unknownFields: fc.option(fc.constant(['mystery']), { nil: undefined }),
}, { requiredKeys: [] });
const rule: fc.Arbitrary<IstioRule> = fc.record({
  from: fc.option(fc.array(source, { maxLength: 2 }), { nil: undefined }),
  to: fc.option(fc.array(operation, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  when: fc.option(fc.constantFrom([{ key: 'source.ip', values: ['10.0.0.1'] }], [{ key: 'request.auth.claims[group]', values: ['ops'] }]), { nil: undefined }),
  unknownFields: fc.option(fc.constant(['extra']), { nil: undefined }),
}, { requiredKeys: [] });
const context: fc.Arbitrary<RequestContext> = fc.record({
  principal: fc.constantFrom(...PRINCIPALS, 'cluster.local/ns/other/sa/x', ''),
  port: fc.constantFrom(8080, 9090),
  http: fc.option(fc.record({ method: fc.constantFrom('GET', 'POST'), path: fc.constantFrom('/api/x', '/v1/a/items', '/') }), { nil: undefined }),
}).map(c => ({ ...c, namespace: c.principal.split('/')[2] ?? '', serviceAccount: '', trustDomain: c.principal ? 'cluster.local' : '', policyNamespace: 'shop' }));

const noNotes = (): MatchNotes => ({ unknown: new Set(), unsupported: new Set() });

describe('rulesFor', () => {
  test('leaves out only rules that fail for that source, with no note, and keeps policy order', () => {
    fc.assert(fc.property(fc.array(rule, { minLength: 1, maxLength: 6 }), context, fc.constantFrom('ALLOW', 'DENY'), (rules, ctx, action) => {
      const policy: AuthorizationPolicyInfo = { namespace: 'shop', name: 'p', apiVersion: 'security.istio.io/v1', hasTargetRefs: false, action, rules, dryRun: false };
      const kept = rulesFor(policy, ctx);
      expect(kept).toEqual(rules.filter(r => kept.includes(r)));
      for (const r of rules.filter(x => !kept.includes(x))) {
        for (const a of ['ALLOW', 'DENY'] as const) {
          const notes = noNotes();
          expect(ruleMatches(r, ctx, a, notes)).toBe('no');
          expect(ruleMatchesIgnoringHttp(r, ctx, notes)).toBe('no');
          expect([...notes.unknown, ...notes.unsupported]).toEqual([]);
        }
      }
    }), { numRuns: 2000 });
  });

  test('indexes the rules the library writes: each client sees only its own rule', () => {
    const rules: IstioRule[] = PRINCIPALS.map(p => ({ from: [{ principals: [p] }], to: [{ ports: ['8080'], methods: ['GET'], paths: ['/api/*'] }] }));
    const policy: AuthorizationPolicyInfo = { namespace: 'shop', name: 'api', apiVersion: 'security.istio.io/v1', hasTargetRefs: false, action: 'ALLOW', rules, dryRun: false };
    const ctx = (identity: string): RequestContext => ({ principal: identity, namespace: 'shop', serviceAccount: '', trustDomain: 'cluster.local', port: 8080 });
    expect(rulesFor(policy, ctx(PRINCIPALS[1]))).toEqual([rules[1]]);
    expect(rulesFor(policy, ctx('cluster.local/ns/other/sa/x'))).toEqual([]);
    // A representative endpoint is known by a prefix only: every rule is evaluated.
    expect(rulesFor(policy, { ...ctx('cluster.local/ns/shop/sa/'), partial: 'serviceAccount' })).toBe(rules);
  });
});
