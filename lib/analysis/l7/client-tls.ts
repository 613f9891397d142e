import { DestinationRuleInfo, Estate, Workload } from '../estate/model';
import { selectorMatches } from '../l4/selectors';

/** Whether a sidecar client sends plaintext to a destination port because a DestinationRule says `tls.mode: DISABLE`. */
export interface ClientTls {
  /** Every Service route to the port is DISABLE: the client's sidecar sends plaintext. */
  readonly plaintext?: string;
  /** Some routes only: the verdict holds for the others. */
  readonly caveat?: string;
}

/**
 * Istio looks a DestinationRule up for the Service host the client calls: first in the client's
 * namespace, then in the Service's namespace (unless `exportTo: ["."]` hides it), then in the
 * root namespace. Port-level settings override the rule's own `tls.mode`.
 */
export function clientTls(estate: Estate, source: Workload, destination: Workload, port: number): ClientTls {
  if (estate.destinationRules.length === 0) return {};
  const routes: Array<{ service: string; disabledBy?: string }> = [];
  const portName = destination.ports.find(c => c.port === port && c.protocol === 'tcp')?.name;
  for (const s of estate.services) {
    if (s.namespace !== destination.namespace || !s.selector || Object.keys(s.selector).length === 0) continue;
    if (!selectorMatches({ matchLabels: s.selector }, destination.labels)) continue;
    for (const sp of s.ports) {
      if (sp.protocol !== 'tcp' || !(sp.targetPort === port || (portName !== undefined && sp.targetPort === portName))) continue;
      const fqdn = `${s.name}.${s.namespace}.svc.cluster.local`;
      const rule = lookup(estate, source.namespace, s.namespace, fqdn);
      const mode = rule ? rule.portModes.get(sp.port) ?? rule.mode : undefined;
      routes.push({ service: `${s.name}:${sp.port}`, disabledBy: mode === 'DISABLE' ? `DestinationRule ${rule!.namespace}/${rule!.name}` : undefined });
    }
  }
  const disabled = routes.filter(r => r.disabledBy);
  if (disabled.length === 0) return {};
  const text = disabled.map(r => `${r.service} (${r.disabledBy} sets tls.mode DISABLE)`).join(', ');
  if (disabled.length === routes.length) return { plaintext: `the client sends plaintext via ${text}` };
  return { caveat: `via ${text} the client sends plaintext, which the verdict for the other routes does not cover` };
}

function lookup(estate: Estate, clientNamespace: string, serviceNamespace: string, fqdn: string): DestinationRuleInfo | undefined {
  const order = [clientNamespace, serviceNamespace, estate.settings.rootNamespace];
  for (const ns of [...new Set(order)]) {
    const candidates = estate.destinationRules.filter(r => r.namespace === ns && (ns === clientNamespace || !r.privateToNamespace));
    const exact = candidates.find(r => expand(r.host, r.namespace) === fqdn);
    if (exact) return exact;
    const wildcard = candidates.filter(r => hostMatches(expand(r.host, r.namespace), fqdn))
      .sort((a, b) => b.host.length - a.host.length)[0];
    if (wildcard) return wildcard;
  }
  return undefined;
}

/** Short names are relative to the rule's namespace, as Istio reads them. */
function expand(host: string, namespace: string): string {
  if (host.startsWith('*')) return host;
  const dots = host.split('.').length - 1;
  if (dots === 0) return `${host}.${namespace}.svc.cluster.local`;
  if (dots === 1) return `${host}.svc.cluster.local`;
  if (host.endsWith('.svc')) return `${host}.cluster.local`;
  return host;
}

function hostMatches(pattern: string, fqdn: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return fqdn.endsWith(pattern.slice(1));
  return pattern === fqdn;
}
