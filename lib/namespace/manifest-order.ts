import { compareStrings } from '../model/order';

/** Apply order: the namespace and identities before workloads, workloads before the policies about them. */
const KIND_ORDER = [
  'Namespace', 'ServiceAccount', 'ConfigMap', 'Secret', 'Service',
  'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob',
  'NetworkPolicy', 'PeerAuthentication', 'RequestAuthentication', 'AuthorizationPolicy',
];

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.length : i;
}

/** Sorts manifests by kind, then name, so output never depends on declaration order. */
export function sortManifests(manifests: any[]): any[] {
  return [...manifests].sort((a, b) =>
    rank(a.kind) - rank(b.kind)
    || compareStrings(String(a.kind), String(b.kind))
    || compareStrings(String(a.metadata?.name ?? ''), String(b.metadata?.name ?? '')));
}
