// Cases from the Kubernetes NetworkPolicy documentation (concepts/services-networking/network-policies),
// written as fixtures here, plus the semantics corners the docs call out.
import { Reachability, ReachabilityOptions } from '../../lib';
import { namespace, networkPolicy, workload } from './support/objects';

const noPlatform: ReachabilityOptions = { platformWorkloads: false };
const reach = (objects: any[]) => Reachability.fromManifests(objects, noPlatform);
const l4 = (r: Reachability, source: string, destination: string, port: number, protocol = 'tcp') =>
  r.check({ source, destination, port, protocol }).l4;

describe('the documentation example test-network-policy', () => {
  const objects = [
    namespace('default'),
    namespace('myproject', { project: 'myproject' }),
    namespace('other'),
    workload('default', 'db', { labels: { role: 'db' }, ports: [{ port: 6379 }] }),
    workload('default', 'frontend', { labels: { role: 'frontend' } }),
    workload('default', 'backend', { labels: { role: 'backend' } }),
    workload('myproject', 'anything'),
    workload('other', 'stranger', { labels: { role: 'frontend' } }),
    networkPolicy('default', 'test-network-policy', {
      podSelector: { matchLabels: { role: 'db' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{
        from: [
          { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
          { namespaceSelector: { matchLabels: { project: 'myproject' } } },
          { podSelector: { matchLabels: { role: 'frontend' } } },
        ],
        ports: [{ protocol: 'TCP', port: 6379 }],
      }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
    }),
  ];
  const r = reach(objects);

  test('admits role=frontend pods of its own namespace and every pod of project=myproject namespaces on TCP 6379', () => {
    expect(l4(r, 'default/frontend', 'default/db', 6379)).toBe('allow');
    expect(l4(r, 'myproject/anything', 'default/db', 6379)).toBe('allow');
  });

  test('refuses other ports, other pods, and role=frontend pods of other namespaces (podSelector alone = own namespace)', () => {
    expect(l4(r, 'default/frontend', 'default/db', 6380)).toBe('deny');
    expect(l4(r, 'default/frontend', 'default/db', 6379, 'udp')).toBe('deny');
    expect(l4(r, 'default/backend', 'default/db', 6379)).toBe('deny');
    expect(l4(r, 'other/stranger', 'default/db', 6379)).toBe('deny');
  });

  test('db egress only reaches the 10.0.0.0/24 block on TCP 5978; the ingress ipBlock is an external source', () => {
    expect(r.allowedPaths({ source: 'default/db' })).toEqual(['default/db -> cidr 10.0.0.0/24 tcp/5978']);
    expect(r.allowedPaths().filter(l => l.startsWith('external (172'))).toEqual([
      'external (172.17.0.0/16 except 172.17.1.0/24) -> default/db tcp/6379',
    ]);
  });

  test('pods no policy selects stay open in both directions, the internet included', () => {
    expect(l4(r, 'default/backend', 'default/frontend', 1234)).toBe('allow');
    expect(r.allowedPaths({ source: 'default/backend' })).toContain('default/backend -> internet (0.0.0.0/0) tcp/any');
  });

  test('says that the ipBlock is never matched against pods', () => {
    expect(r.findings()).toContainEqual({
      kind: 'unsupported',
      subject: 'NetworkPolicy default/test-network-policy',
      message: 'ipBlock 172.17.0.0/16 is reported as an external network only: pod IPs are not in the manifests, so it is never matched against pods',
    });
  });
});

describe('namespaceSelector and podSelector: one peer (AND) versus two peers (OR)', () => {
  const base = [
    namespace('default'),
    namespace('alice', { user: 'alice' }),
    namespace('bob', { user: 'bob' }),
    workload('default', 'server', { ports: [{ port: 80 }] }),
    workload('alice', 'client', { labels: { role: 'client' } }),
    workload('alice', 'other'),
    workload('bob', 'client', { labels: { role: 'client' } }),
    workload('default', 'client', { labels: { role: 'client' } }),
  ];
  const policy = (from: any[]) => networkPolicy('default', 'p', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from }] });

  test('one element with both selectors admits role=client pods in user=alice namespaces only', () => {
    const r = reach([...base, policy([{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }])]);
    expect(r.allowedPaths({ external: false, outside: false }).filter(l => l.includes('-> default/server'))).toEqual([
      'alice/client -> default/server tcp/any',
      'alice/client -> default/server udp/any',
      'alice/client -> default/server sctp/any',
    ].sort());
    // The selector may match namespaces these manifests do not hold: one representative stands for their role=client pods.
    expect(r.allowedPaths({ external: false }).filter(l => l.startsWith('[user=alice]/[role=client] -> default/server tcp'))).toEqual([
      '[user=alice]/[role=client] -> default/server tcp/any',
    ]);
  });

  test('two elements admit role=client pods of the policy namespace OR any pod in user=alice namespaces', () => {
    const r = reach([...base, policy([{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }])]);
    const sources = [...new Set(r.paths().filter(p => p.destination === 'default/server' && p.verdict === 'allow').map(p => p.source))];
    expect(sources).toEqual(['[user=alice]/*', 'alice/client', 'alice/other', 'default/client']);
  });

  test('namespaceSelector {} with a podSelector selects matching pods in every namespace', () => {
    const r = reach([...base, policy([{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'client' } } }])]);
    const sources = [...new Set(r.paths().filter(p => p.destination === 'default/server' && p.verdict === 'allow').map(p => p.source))];
    expect(sources).toEqual(['*/[role=client]', 'alice/client', 'bob/client', 'default/client']);
  });

  test('every namespace has the kubernetes.io/metadata.name label, declared or not', () => {
    const r = reach([
      workload('default', 'server', { ports: [{ port: 80 }] }),
      workload('undeclared', 'client'),
      workload('elsewhere', 'client'),
      policy([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'undeclared' } } }]),
    ]);
    expect(l4(r, 'undeclared/client', 'default/server', 80)).toBe('allow');
    expect(l4(r, 'elsewhere/client', 'default/server', 80)).toBe('deny');
  });
});

describe('default policies', () => {
  const pods = [workload('default', 'a', { ports: [{ port: 80 }] }), workload('default', 'b', { ports: [{ port: 80 }] })];

  test('default-deny ingress: podSelector {} with policyTypes Ingress and no rules', () => {
    const r = reach([...pods, networkPolicy('default', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] })]);
    expect(l4(r, 'default/a', 'default/b', 80)).toBe('deny');
    // Egress is untouched: the internet stays reachable.
    expect(r.allowedPaths({ source: 'default/a' })).toContain('default/a -> internet (0.0.0.0/0) tcp/any');
  });

  test('allow-all ingress: one empty rule admits every source and port', () => {
    const r = reach([...pods,
      networkPolicy('default', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }),
      networkPolicy('default', 'allow-all-ingress', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] })]);
    expect(l4(r, 'default/a', 'default/b', 80)).toBe('allow');
    expect(l4(r, 'default/a', 'default/b', 9999, 'udp')).toBe('allow');
  });

  test('default-deny egress blocks even traffic the destination admits', () => {
    const r = reach([...pods, networkPolicy('default', 'default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] })]);
    expect(l4(r, 'default/a', 'default/b', 80)).toBe('deny');
    expect(r.allowedPaths({ source: 'default/a' })).toEqual([]);
  });

  test('allow-all egress: `egress: [{}]` reaches every pod and the internet', () => {
    const r = reach([...pods, networkPolicy('default', 'allow-all-egress', { podSelector: {}, egress: [{}], policyTypes: ['Egress'] })]);
    expect(l4(r, 'default/a', 'default/b', 80)).toBe('allow');
    expect(r.allowedPaths({ source: 'default/a' })).toContain('default/a -> internet (0.0.0.0/0) tcp/any');
  });
});

describe('policyTypes defaults', () => {
  const pods = [workload('default', 'a', { ports: [{ port: 80 }] }), workload('default', 'b', { ports: [{ port: 80 }] })];

  test('without policyTypes, a policy with egress rules isolates Ingress too', () => {
    const r = reach([...pods, networkPolicy('default', 'p', {
      podSelector: { matchLabels: { app: 'b' } },
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'a' } } }] }],
    })]);
    expect(l4(r, 'default/a', 'default/b', 80)).toBe('deny'); // b's ingress is isolated, with no ingress rule
    expect(l4(r, 'default/b', 'default/a', 80)).toBe('allow');
    expect(r.workloads().find(w => w.id === 'default/b')).toMatchObject({ ingressIsolated: true, egressIsolated: true });
  });

  test('without policyTypes, `egress: []` does not isolate Egress', () => {
    const r = reach([...pods, networkPolicy('default', 'p', { podSelector: { matchLabels: { app: 'b' } }, egress: [] })]);
    expect(r.workloads().find(w => w.id === 'default/b')).toMatchObject({ ingressIsolated: true, egressIsolated: false });
    expect(l4(r, 'default/b', 'default/a', 80)).toBe('allow');
  });

  test('rules of a direction policyTypes leaves out are ignored', () => {
    const r = reach([...pods, networkPolicy('default', 'p', {
      podSelector: { matchLabels: { app: 'b' } },
      policyTypes: ['Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }],
      egress: [],
    })]);
    expect(r.workloads().find(w => w.id === 'default/b')).toMatchObject({ ingressIsolated: false, egressIsolated: true });
    expect(l4(r, 'default/b', 'default/a', 80)).toBe('deny');
  });
});

describe('ports', () => {
  const objects = (ports: any[], serverPorts = [{ port: 8080, name: 'http' }, { port: 9090, name: 'metrics' }, { port: 53, name: 'http', protocol: 'UDP' }]) => [
    workload('default', 'client'),
    workload('default', 'server', { ports: serverPorts }),
    networkPolicy('default', 'p', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports }],
    }),
  ];

  test('a named port resolves against the destination pod, protocol included', () => {
    const r = reach(objects([{ port: 'http' }]));
    expect(l4(r, 'default/client', 'default/server', 8080)).toBe('allow');
    expect(l4(r, 'default/client', 'default/server', 53, 'udp')).toBe('deny');
    expect(l4(r, 'default/client', 'default/server', 9090)).toBe('deny');
  });

  test('a named port the destination does not declare admits nothing', () => {
    const r = reach(objects([{ port: 'grpc' }]));
    expect(r.paths().filter(p => p.source === 'default/client' && p.destination === 'default/server')).toEqual([]);
  });

  test('endPort admits the whole range and nothing beyond', () => {
    const r = reach(objects([{ protocol: 'TCP', port: 32000, endPort: 32768 }]));
    expect(l4(r, 'default/client', 'default/server', 32000)).toBe('allow');
    expect(l4(r, 'default/client', 'default/server', 32768)).toBe('allow');
    expect(l4(r, 'default/client', 'default/server', 31999)).toBe('deny');
    expect(l4(r, 'default/client', 'default/server', 32769)).toBe('deny');
    expect(r.allowedPaths()).toContain('default/client -> default/server tcp/32000-32768');
  });

  test('a protocol without port admits every port of that protocol only', () => {
    const r = reach(objects([{ protocol: 'UDP' }]));
    expect(l4(r, 'default/client', 'default/server', 5000, 'udp')).toBe('allow');
    expect(l4(r, 'default/client', 'default/server', 8080)).toBe('deny');
  });

  test('absent ports admit everything; a source needs egress AND ingress (policies add up)', () => {
    const r = reach([...objects([{ port: 8080 }]),
      networkPolicy('default', 'more', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 9090 }] }] }),
      networkPolicy('default', 'client-egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }] }] })]);
    expect(l4(r, 'default/client', 'default/server', 8080)).toBe('allow');
    expect(l4(r, 'default/client', 'default/server', 9090)).toBe('allow');
    expect(l4(r, 'default/client', 'default/server', 7070)).toBe('deny');
  });
});

describe('matchExpressions', () => {
  const pods = [
    workload('default', 'server', { ports: [{ port: 80 }] }),
    workload('default', 'tier-a', { labels: { tier: 'a' } }),
    workload('default', 'tier-b', { labels: { tier: 'b' } }),
    workload('default', 'untiered'),
  ];
  const sources = (expression: any) => {
    const r = reach([...pods, networkPolicy('default', 'p', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ from: [{ podSelector: { matchExpressions: [expression] } }] }],
    })]);
    return [...new Set(r.paths().filter(p => p.destination === 'default/server' && p.verdict === 'allow' && !p.source.startsWith('external')).map(p => p.source))];
  };

  test.each([
    [{ key: 'tier', operator: 'In', values: ['a'] }, ['default/tier-a']],
    [{ key: 'tier', operator: 'NotIn', values: ['a'] }, ['default/tier-b', 'default/untiered']],
    [{ key: 'tier', operator: 'Exists' }, ['default/tier-a', 'default/tier-b']],
    [{ key: 'tier', operator: 'DoesNotExist' }, ['default/untiered']],
  ])('%j selects %j', (expression, expected) => {
    expect(sources(expression)).toEqual(expected);
  });
});
