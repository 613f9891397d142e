import { isIP } from 'net';
import { IConstruct } from 'constructs';
import { zeroTrustError } from '../errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Refuses anything but a bare, fully qualified DNS name: a scheme, path or port would
 * never match the Host/SNI the sidecar sees, a wildcard would admit a whole domain, and
 * an IP belongs in AddressEgress.
 */
export function assertExternalHostname(scope: IConstruct, host: string): void {
  const fail = (problem: string, fix: string) => { throw zeroTrustError(scope, `host "${host}" ${problem}`, fix); };
  if (typeof host !== 'string' || host.length === 0) fail('is empty', 'give the bare hostname, for example "api.stripe.com"');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(host);
  if (scheme) fail(`has a scheme ("${scheme[1]}://")`, `give the bare hostname without scheme or path, for example "${bare(host)}"`);
  if (/[/?#]/.test(host)) fail('has a path', `give the bare hostname without scheme or path, for example "${bare(host)}"`);
  if (isIP(host) || isIP(host.replace(/^\[|\]$/g, ''))) fail('is an IP address', 'use AddressEgress with a CIDR such as "203.0.113.10/32"');
  if (host.includes(':')) fail('has a port', `give the bare hostname "${host.split(':')[0]}" and the port in "ports"`);
  if (host.includes('*')) fail('is a wildcard, which would admit every host of the domain', 'declare each host the workload calls');
  if (host !== host.toLowerCase()) fail('has upper-case letters', `write "${host.toLowerCase()}"`);
  const labels = host.replace(/\.$/, '').split('.');
  if (host.length > 253 || labels.length < 2 || !labels.every(l => l.length <= 63 && DNS_LABEL.test(l))) {
    fail('is not a fully qualified DNS name', 'use dot-separated labels of lower-case letters, digits and "-", for example "api.stripe.com"');
  }
  if (/\.(svc|cluster\.local)\.?$/.test(host) || host.endsWith('.svc.cluster.local')) {
    fail('is a cluster-internal name', 'call in-cluster workloads through a ServiceLink');
  }
}

function bare(host: string): string {
  return host.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, '').split(/[/?#:]/)[0];
}
