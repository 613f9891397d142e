import { Reachability } from '../../lib';
import { conventionManifests, DeclaredLink } from './support/convention-manifests';
import { REFERENCE_ESTATE } from './support/reference-estate';

/** The reference estate with the checkout-api → payment-service link's HTTP rule replaced. */
function withCheckoutRule(http: DeclaredLink['http']): Reachability {
  const links = REFERENCE_ESTATE.links.map(l => (l.from === 'production/checkout-api' ? { ...l, http } : l));
  return Reachability.fromManifests(conventionManifests({ ...REFERENCE_ESTATE, links }));
}

const base = withCheckoutRule({ methods: ['GET', 'POST'], paths: ['/v1/charges'] });

test('fewer methods on an open port narrows access: changed, not widened', () => {
  const diff = base.diff(withCheckoutRule({ methods: ['POST'], paths: ['/v1/charges'] }));
  expect(diff.changes.map(c => `${c.path} ${c.l4}/${c.l7}/${c.combined}`)).toEqual(['production/checkout-api -> production/payment-service tcp/8080 unchanged/changed/changed']);
  expect(diff).toMatchObject({ widened: 0, narrowed: 1 });
});

test('more methods, or dropping the HTTP rule, widens access', () => {
  expect(base.diff(withCheckoutRule({ methods: ['DELETE', 'GET', 'POST'], paths: ['/v1/charges'] }))).toMatchObject({ widened: 1, narrowed: 0 });
  expect(base.diff(withCheckoutRule(undefined))).toMatchObject({ widened: 1, narrowed: 0 });
  expect(withCheckoutRule(undefined).diff(base)).toMatchObject({ widened: 0, narrowed: 1 });
});

test('a prefix path covering the old exact path widens; the reverse narrows', () => {
  const prefix = withCheckoutRule({ methods: ['GET', 'POST'], paths: ['/v1/*'] });
  expect(base.diff(prefix)).toMatchObject({ widened: 1, narrowed: 0 });
  expect(prefix.diff(base)).toMatchObject({ widened: 0, narrowed: 1 });
});
