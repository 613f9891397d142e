import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { zeroTrustError } from '../errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The name an adopted workload's identity takes when none is given: its `metadata.name`, or
 * else its construct id. Never the name cdk8s generates from the construct path
 * (`bookinfo-productpage-v1-c8af1b19`): that hash would end up in the ServiceAccount, the
 * policy names and the SPIFFE principal, and change whenever the construct tree moves.
 */
export function adoptedName(workload: kplus.Workload): string {
  const obj = ApiObject.of(workload);
  const generated = Chart.of(obj).generateObjectName(obj);
  if (workload.name !== generated) return workload.name;
  const id = workload.node.id;
  if (id.length <= 63 && DNS1123_LABEL.test(id)) return id;
  throw zeroTrustError(workload, `the workload has no metadata.name and its construct id "${id}" is not a DNS-1123 label, so its identity would be named after the generated "${generated}", which changes whenever the construct tree moves`,
    'set metadata.name on the workload, or pass adopt(workload, { name: \'<name>\' })');
}
