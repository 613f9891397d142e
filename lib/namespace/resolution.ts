import { IdentityAwareEntryPoint } from '../access/identity-aware-entry-point';
import { PublicRoute } from '../access/public-route';
import { AddressEgress, HostEgress } from '../egress/external-egress';
import { AddressIngress } from '../ingress/address-ingress';
import { portKey } from '../link/resolve-ports';
import { ServiceLink, workloadIntent } from '../link/service-link';
import { LinkIntent, NamespaceIntent } from '../model/intent';
import { sortBy } from '../model/order';
import { ZeroTrustRegistry } from '../model/registry';
import { NamespaceRenderContext } from '../render/renderer';
import { ZeroTrustWorkload } from '../workload/workload';

/** A link's intent, resolved once per synthesis (validation and every namespace share it). */
export function resolvedLink(link: ServiceLink): LinkIntent {
  return ZeroTrustRegistry.of(link).resolved(link, () => link.toIntent());
}

/** An entry point's intent, resolved once per synthesis. */
export function resolvedEntryPoint(ep: IdentityAwareEntryPoint) {
  return ZeroTrustRegistry.of(ep).resolved(ep, () => ep.toIntent());
}

/**
 * What every layer of one namespace reads at synth: its workloads and the declarations
 * touching them, ports resolved and sorted. Built once per synthesis, whatever the number
 * of objects, layers and charts that read it.
 */
export function namespaceContext(owner: object, registry: ZeroTrustRegistry, namespace: NamespaceIntent): NamespaceRenderContext {
  return registry.resolved(owner, () => {
    const name = namespace.name;
    const touching = registry.linksTouching<ServiceLink>(name)
      .filter(l => (l.from.managed && l.from.namespace === name) || (l.to.managed && l.to.namespace === name));
    const links = sortBy(touching.map(resolvedLink), linkKey);
    return {
      namespace,
      workloads: registry.workloadsIn<ZeroTrustWorkload>(name).map(workloadIntent),
      inbound: links.filter(l => l.to.managed && l.to.namespace === name),
      outbound: links.filter(l => l.from.managed && l.from.namespace === name),
      externalEgress: sortBy([...registry.edges(AddressEgress), ...registry.edges(HostEgress)]
        .filter(e => e.from.namespace === name)
        .map(e => registry.resolved(e, () => e.toIntent())), e => edgeSortKey(e.from.name, e.name, e)),
      entryPoints: sortBy(registry.edges(IdentityAwareEntryPoint)
        .filter(e => e.workload.namespace === name).map(resolvedEntryPoint), e => edgeSortKey(e.workload.name, e.name, e)),
      publicRoutes: sortBy(registry.edges(PublicRoute)
        .filter(e => e.workload.namespace === name)
        .map(e => registry.resolved(e, () => e.toIntent())), e => edgeSortKey(e.workload.name, e.name, e)),
      addressIngress: sortBy(registry.edges(AddressIngress)
        .filter(e => e.to.namespace === name)
        .map(e => registry.resolved(e, () => e.toIntent())), e => edgeSortKey(e.to.name, e.name, e)),
    };
  });
}

/** Workload, name, then the declaration itself (without its path), so ties never depend on declaration order. */
function edgeSortKey(workload: string, name: string, intent: { path: string }): string {
  return `${workload} ${name} ${JSON.stringify({ ...intent, path: undefined })}`;
}

function linkKey(l: LinkIntent): string {
  const http = l.http ? `${(l.http.methods ?? []).join(',')} ${(l.http.paths ?? []).join(',')}` : '';
  return `${l.from.namespace}/${l.from.name} ${l.to.namespace}/${l.to.name} ${l.ports.map(portKey).join(',')} ${http}`;
}
