import { comparePorts, portKey } from '../link/resolve-ports';
import { LinkIntent, PortIntent, WorkloadIntent } from '../model/intent';
import { compareStrings } from '../model/order';

/** Peers (sources or destinations) that share exactly the same ports. */
export interface PeerGroup {
  readonly peers: WorkloadIntent[];
  readonly ports: PortIntent[];
}

/**
 * Merges links into rules without widening them: a peer gets the union of its own
 * ports, and peers share one rule only when their port sets are identical.
 */
export function groupPeersByPorts(links: LinkIntent[], peerOf: (l: LinkIntent) => WorkloadIntent): PeerGroup[] {
  const byPeer = new Map<string, { peer: WorkloadIntent; ports: Map<string, PortIntent> }>();
  for (const link of links) {
    const peer = peerOf(link);
    const key = peerKey(peer);
    const entry = byPeer.get(key) ?? { peer, ports: new Map<string, PortIntent>() };
    for (const p of link.ports) entry.ports.set(portKey(p), p);
    byPeer.set(key, entry);
  }
  const byPortSet = new Map<string, PeerGroup>();
  for (const { peer, ports } of byPeer.values()) {
    const sorted = [...ports.values()].sort(comparePorts);
    const key = sorted.map(portKey).join(',');
    const group = byPortSet.get(key) ?? { peers: [], ports: sorted };
    group.peers.push(peer);
    byPortSet.set(key, group);
  }
  const groups = [...byPortSet.values()].map(g => ({ ports: g.ports, peers: [...g.peers].sort((a, b) => compareStrings(peerKey(a), peerKey(b))) }));
  return groups.sort((a, b) => compareStrings(peerKey(a.peers[0]), peerKey(b.peers[0])));
}

/** `namespace/name`: unique per workload, and the order rules are listed in. */
export function peerKey(w: WorkloadIntent): string {
  return `${w.namespace}/${w.name}`;
}

/** Links grouped by one end's workload, in workload-name order. */
export function linksByWorkload(links: LinkIntent[], endOf: (l: LinkIntent) => WorkloadIntent): Map<string, LinkIntent[]> {
  const out = new Map<string, LinkIntent[]>();
  for (const link of links) {
    const name = endOf(link).name;
    const list = out.get(name);
    if (list) list.push(link);
    else out.set(name, [link]);
  }
  return new Map([...out.entries()].sort(([a], [b]) => compareStrings(a, b)));
}
