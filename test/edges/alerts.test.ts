import { App, Chart, Duration } from 'cdk8s';
import { edgesExample } from '../../examples/edges/edges';
import { ZeroTrustAlerts, ZeroTrustMode, ZeroTrustNamespace } from '../../lib';
import { examineSchema } from '../support/schema';
import { find, synthApp } from '../support/synth';

function build(props: Partial<ConstructorParameters<typeof ZeroTrustAlerts>[2]> = {}) {
  const app = new App();
  const shop = new ZeroTrustNamespace(app, 'shop', { monitoring: { namespace: 'monitoring' } });
  const risk = new ZeroTrustNamespace(app, 'risk', { mode: ZeroTrustMode.AUDIT, monitoring: { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } } });
  const monitoring = new Chart(app, 'monitoring', { namespace: 'monitoring' });
  new ZeroTrustAlerts(monitoring, 'alerts', { namespaces: [shop, risk], ...props });
  return find(synthApp(app), 'PrometheusRule', props.name ?? 'zero-trust-alerts');
}

/** A check of PromQL shape that needs no Prometheus: brackets balance and the comparison is the last operator. */
function balanced(expr: string): boolean {
  const pairs: { [c: string]: string } = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  let inString = false;
  for (const c of expr) {
    if (c === '"') inString = !inString;
    if (inString) continue;
    if ('([{'.includes(c)) stack.push(c);
    if (c in pairs && stack.pop() !== pairs[c]) return false;
  }
  return stack.length === 0 && !inString;
}

describe('ZeroTrustAlerts', () => {
  test('emits one valid PrometheusRule with the denied-calls and mTLS-failure alerts, by default', () => {
    const rule = build();
    expect(examineSchema([rule])).toEqual([]);
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata).toEqual({ name: 'zero-trust-alerts', namespace: 'monitoring' });
    const [group] = rule.spec.groups;
    expect(group.name).toBe('zero-trust');
    expect(group.rules.map((r: any) => r.alert)).toEqual(['ZeroTrustDeniedCalls', 'ZeroTrustMtlsHandshakeFailures']);
    const [denied, mtls] = group.rules;
    expect(denied.expr).toBe('sum by (source_workload_namespace, source_workload, destination_workload_namespace, destination_workload) ('
      + 'rate(istio_requests_total{reporter="destination", response_code="403", destination_workload_namespace=~"risk|shop"}[5m])) > 0');
    expect(mtls.expr).toBe('sum by (namespace, pod) ('
      + 'rate({__name__=~"envoy_cluster_ssl_connection_error|envoy_listener_ssl_connection_error", namespace=~"risk|shop"}[5m])) > 0');
    for (const r of group.rules) {
      expect(balanced(r.expr)).toBe(true);
      expect(r.for).toBe('5m');
      expect(r.labels).toEqual({ severity: 'warning' });
      expect(r.annotations.summary).toMatch(/\{\{ \$labels\.\w+ \}\}/);
    }
  });

  test('thresholds, windows, durations, severities and labels are the user\'s', () => {
    const rule = build({
      name: 'mesh-alerts',
      ruleNamespace: 'observability',
      ruleLabels: { release: 'kube-prometheus' },
      alertLabels: { team: 'platform' },
      deniedCalls: { threshold: 0.5, window: Duration.minutes(10), for: Duration.seconds(15 * 60), severity: 'critical' },
      mtlsHandshakeFailures: { threshold: 1, window: Duration.seconds(90), for: Duration.hours(2) },
    });
    expect(examineSchema([rule])).toEqual([]);
    expect(rule.metadata).toEqual({ name: 'mesh-alerts', namespace: 'observability', labels: { release: 'kube-prometheus' } });
    const [denied, mtls] = rule.spec.groups[0].rules;
    expect(denied.expr).toMatch(/\[10m\]\)\) > 0\.5$/);
    expect(denied.for).toBe('15m');
    expect(denied.labels).toEqual({ severity: 'critical', team: 'platform' });
    expect(mtls.expr).toMatch(/\[1m30s\]\)\) > 1$/);
    expect(mtls.for).toBe('2h');
    expect(mtls.labels).toEqual({ severity: 'warning', team: 'platform' });
  });

  test('either alert can be turned off', () => {
    expect(build({ mtlsHandshakeFailures: { enabled: false } }).spec.groups[0].rules.map((r: any) => r.alert)).toEqual(['ZeroTrustDeniedCalls']);
    expect(build({ deniedCalls: { enabled: false } }).spec.groups[0].rules.map((r: any) => r.alert)).toEqual(['ZeroTrustMtlsHandshakeFailures']);
  });

  test('the watched namespaces keep their scrape path open: 15020/15090 from the monitoring namespace', () => {
    const app = new App();
    const { shop, internalTools } = edgesExample(app);
    const manifests = synthApp(app);
    for (const ns of [shop.name, internalTools.name]) {
      const scraping = find(manifests, 'NetworkPolicy', 'allow-metrics-scraping', ns);
      expect(scraping.spec.ingress).toEqual([{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 15020 }, { protocol: 'TCP', port: 15090 }],
      }]);
    }
    const rule = find(manifests, 'PrometheusRule', 'zero-trust-alerts', 'monitoring');
    expect(rule.spec.groups[0].rules[0].expr).toContain('destination_workload_namespace=~"internal-tools|legacy|shop"');
    expect(examineSchema([rule])).toEqual([]);
  });

  test('the schema check catches a broken duration, so the validation above is not vacuous', () => {
    const rule = build();
    const broken = { ...rule, spec: { groups: [{ ...rule.spec.groups[0], rules: [{ ...rule.spec.groups[0].rules[0], for: 'five minutes' }] }] } };
    expect(examineSchema([broken]).join('\n')).toMatch(/PrometheusRule monitoring\/zero-trust-alerts: .*pattern/);
  });
});
