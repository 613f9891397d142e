import * as fc from 'fast-check';
import { Reachability } from '../../lib';
import { conventionManifests } from './support/convention-manifests';
import { REFERENCE_ESTATE } from './support/reference-estate';

test('the same manifests in any order give byte-identical results and graphs', () => {
  const manifests = conventionManifests(REFERENCE_ESTATE);
  const expected = Reachability.fromManifests(manifests);
  const fingerprint = (r: Reachability) => JSON.stringify([r.paths(), r.findings(), r.workloads(), r.toMermaid(), r.toDot(), r.blastRadius('production/api-gateway')]);
  const reference = fingerprint(expected);
  fc.assert(fc.property(fc.shuffledSubarray(manifests, { minLength: manifests.length }), shuffled => {
    expect(fingerprint(Reachability.fromManifests(shuffled))).toBe(reference);
  }), { numRuns: 25 });
});
