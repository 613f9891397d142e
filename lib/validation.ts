import { IConstruct } from 'constructs';
import { zeroTrustError } from './errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const TRUST_DOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Refuses a name that Kubernetes would reject as a namespace, ServiceAccount or object name. */
export function assertDns1123Label(scope: IConstruct, what: string, value: string): void {
  if (typeof value !== 'string' || value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw zeroTrustError(scope, `${what} "${value}" is not a valid DNS-1123 label`,
      'use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit');
  }
}

/** Refuses a port that no socket can listen on. */
export function assertPortNumber(scope: IConstruct, what: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw zeroTrustError(scope, `${what} ${port} is outside 1-65535`, 'use a whole port number between 1 and 65535');
  }
}

/**
 * Refuses an empty or malformed label set: an empty selector selects every pod,
 * which would silently widen a policy to the whole namespace.
 */
export function assertLabels(scope: IConstruct, what: string, labels: { [key: string]: string }): void {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) {
    throw zeroTrustError(scope, `${what} is empty, which would select every pod in the namespace`,
      'give at least one label that only this workload\'s pods carry');
  }
  for (const [key, value] of entries) {
    const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
    if (name.length > 63 || !LABEL_NAME.test(name)) {
      throw zeroTrustError(scope, `${what} has an invalid label key "${key}"`, 'use a Kubernetes label key such as "app.kubernetes.io/name"');
    }
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      throw zeroTrustError(scope, `${what} has an invalid value "${value}" for label "${key}"`,
        'use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
    }
  }
}

/** Refuses a trust domain that cannot appear in a SPIFFE ID. */
export function assertTrustDomain(scope: IConstruct, value: string): void {
  if (typeof value !== 'string' || value.length > 255 || !TRUST_DOMAIN.test(value)) {
    throw zeroTrustError(scope, `trust domain "${value}" is not a valid SPIFFE trust domain`,
      'use lower-case letters, digits, "-" and "." only, for example "cluster.local"');
  }
}
