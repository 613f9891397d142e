import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AlertSettings, deniedCallsExpr, mtlsFailuresExpr } from './alert-rules';
import { zeroTrustError } from '../errors';
import { compareStrings, sortedLabels } from '../model/order';
import { ZeroTrustNamespace } from '../namespace/zero-trust-namespace';
import {
  assertArray, assertConstructArgs, assertDns1123Label, assertLabels, assertOptionalBoolean, assertOptionalPlainObject, assertOptionalString,
  assertPlainObject, assertStringMap, describeValue,
} from '../validation';

/** Settings of one alert. */
export interface ZeroTrustAlertOptions {
  /**
   * Emit this alert.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Fire when the per-second rate over `window` is above this value.
   * @default 0 - any sustained occurrence
   */
  readonly threshold?: number;
  /**
   * Rate window, written as a Prometheus duration (`Duration.minutes(5)` becomes `5m`).
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
  /**
   * How long the condition must hold before the alert fires, written as a Prometheus duration.
   * @default Duration.minutes(5)
   */
  readonly for?: Duration;
  /**
   * Value of the `severity` label.
   * @default 'warning'
   */
  readonly severity?: string;
}

/** Properties of ZeroTrustAlerts. */
export interface ZeroTrustAlertsProps {
  /**
   * The zero-trust namespaces to watch. Each must set `monitoring`, so Prometheus can
   * scrape their sidecars (TCP 15020/15090); otherwise the alerts could never fire.
   */
  readonly namespaces: ZeroTrustNamespace[];
  /**
   * Name of the PrometheusRule.
   * @default 'zero-trust-alerts'
   */
  readonly name?: string;
  /**
   * Namespace of the PrometheusRule (where your Prometheus looks for rules).
   * @default - the namespace of the enclosing chart
   */
  readonly ruleNamespace?: string;
  /**
   * Labels of the PrometheusRule object, to match your Prometheus `ruleSelector` (e.g. `release: prometheus`).
   * @default - none
   */
  readonly ruleLabels?: { [key: string]: string };
  /**
   * Labels added to every alert (routing keys such as `team`).
   * @default - none
   */
  readonly alertLabels?: { [key: string]: string };
  /**
   * The alert on calls denied by authorization (`istio_requests_total`, response code 403).
   * @default - enabled, threshold 0, window 5m, for 5m, severity warning
   */
  readonly deniedCalls?: ZeroTrustAlertOptions;
  /**
   * The alert on mTLS handshake failures (Envoy `ssl.connection_error`).
   * @default - enabled, threshold 0, window 5m, for 5m, severity warning
   */
  readonly mtlsHandshakeFailures?: ZeroTrustAlertOptions;
}

const PROM_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A PrometheusRule (monitoring.coreos.com/v1) with two zero-trust alerts for the given
 * namespaces: a workload denied calling another, and mTLS handshakes failing.
 *
 * The denied-calls alert uses Istio's standard metric. The mTLS alert uses Envoy
 * statistics that Istio does not export by default: add `ssl.connection_error` to the
 * proxy's `proxyStatsMatcher.inclusionSuffixes` (mesh-wide or per pod).
 */
export class ZeroTrustAlerts extends Construct {
  /** The PrometheusRule object. */
  public readonly rule: ApiObject;

  constructor(scope: Construct, id: string, props: ZeroTrustAlertsProps) {
    assertConstructArgs(scope, id, 'ZeroTrustAlerts');
    super(scope, id);
    assertPlainObject(this, 'ZeroTrustAlerts props', props, 'pass { namespaces: [production] } and any alert options');
    assertArray(this, 'namespaces', props.namespaces, 'pass the ZeroTrustNamespaces whose calls the alerts cover, e.g. namespaces: [production]');
    assertOptionalString(this, 'ruleNamespace', props.ruleNamespace, 'name the namespace of the PrometheusRule, e.g. ruleNamespace: "monitoring"');
    if (props.alertLabels !== undefined) assertStringMap(this, 'alertLabels', props.alertLabels);
    for (const option of ['deniedCalls', 'mtlsHandshakeFailures'] as const) {
      const o = props[option];
      assertOptionalPlainObject(this, option, o, `pass the ${option} options as an object, e.g. { threshold: 0.1 }, or omit it`);
      assertOptionalBoolean(this, `${option}.enabled`, o?.enabled);
    }
    const namespaces = checkNamespaces(this, props.namespaces);
    const name = props.name ?? 'zero-trust-alerts';
    assertDns1123Label(this, 'PrometheusRule name', name);
    const ruleNamespace = props.ruleNamespace ?? Chart.of(this).namespace;
    if (ruleNamespace === undefined) {
      throw zeroTrustError(this, 'the PrometheusRule has no namespace (the enclosing chart sets none)',
        'set ruleNamespace, e.g. "monitoring"');
    }
    assertDns1123Label(this, 'ruleNamespace', ruleNamespace);
    if (props.ruleLabels) assertLabels(this, 'ruleLabels', props.ruleLabels);
    const alertLabels = checkAlertLabels(this, props.alertLabels ?? {});

    const rules: any[] = [];
    const denied = settings(this, 'deniedCalls', props.deniedCalls, alertLabels);
    if (denied) {
      rules.push(alertRule('ZeroTrustDeniedCalls', deniedCallsExpr(namespaces, denied), denied,
        'Workload {{ $labels.source_workload_namespace }}/{{ $labels.source_workload }} is denied calling {{ $labels.destination_workload_namespace }}/{{ $labels.destination_workload }}',
        'Istio authorization refused calls (HTTP 403) at a rate above the threshold. Either a ServiceLink is missing or the caller should not be calling.'));
    }
    const mtls = settings(this, 'mtlsHandshakeFailures', props.mtlsHandshakeFailures, alertLabels);
    if (mtls) {
      rules.push(alertRule('ZeroTrustMtlsHandshakeFailures', mtlsFailuresExpr(namespaces, mtls), mtls,
        'mTLS handshakes fail for pod {{ $labels.namespace }}/{{ $labels.pod }}',
        'Envoy reports TLS connection errors on this pod\'s connections: certificates that fail verification (expired, another trust domain) or peers whose TLS settings do not match.'));
    }
    if (rules.length === 0) {
      throw zeroTrustError(this, 'both alerts are disabled, so the PrometheusRule would be empty', 'enable deniedCalls or mtlsHandshakeFailures, or remove the construct');
    }
    this.rule = new ApiObject(this, 'PrometheusRule', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name, namespace: ruleNamespace, ...(props.ruleLabels ? { labels: sortedLabels(props.ruleLabels) } : {}) },
      spec: { groups: [{ name: 'zero-trust', rules }] },
    });
  }
}

function checkNamespaces(scope: IConstruct, namespaces: ZeroTrustNamespace[]): string[] {
  if (!Array.isArray(namespaces) || namespaces.length === 0) {
    throw zeroTrustError(scope, 'no namespace to watch', 'pass the ZeroTrustNamespaces whose calls the alerts cover');
  }
  for (const ns of namespaces) {
    if (!(ns instanceof ZeroTrustNamespace)) {
      throw zeroTrustError(scope, `${describeValue(ns)} is not a ZeroTrustNamespace`, 'pass ZeroTrustNamespace constructs');
    }
    if (!ns.toIntent().monitoring) {
      throw zeroTrustError(scope, `namespace "${ns.name}" has no monitoring option, so Prometheus cannot scrape its sidecars (TCP 15020/15090) and the alerts would never fire`,
        `set monitoring: { namespace: '<your Prometheus namespace>' } on the ZeroTrustNamespace "${ns.name}"`);
    }
  }
  return [...new Set(namespaces.map(n => n.name))].sort(compareStrings);
}

function checkAlertLabels(scope: IConstruct, labels: { [key: string]: string }): { [key: string]: string } {
  for (const [key, value] of Object.entries(labels)) {
    if (!PROM_LABEL_NAME.test(key) || key.startsWith('__')) {
      throw zeroTrustError(scope, `alert label name "${key}" is not a valid Prometheus label name`, 'use letters, digits and "_", not starting with a digit or "__"');
    }
    if (typeof value !== 'string' || value === '') {
      throw zeroTrustError(scope, `alert label "${key}" has an empty value`, 'give it a value, or leave the label out');
    }
  }
  return sortedLabels(labels);
}

function settings(scope: IConstruct, what: string, o: ZeroTrustAlertOptions | undefined,
  labels: { [key: string]: string }): AlertSettings | undefined {
  if (o?.enabled === false) return undefined;
  const threshold = o?.threshold ?? 0;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0) {
    throw zeroTrustError(scope, `${what}.threshold ${threshold} is not a non-negative number`, 'give a rate per second, e.g. 0 or 0.1');
  }
  const window = promDuration(scope, `${what}.window`, o?.window);
  const forDuration = promDuration(scope, `${what}.for`, o?.for);
  const severity = o?.severity ?? 'warning';
  if (typeof severity !== 'string' || severity === '') {
    throw zeroTrustError(scope, `${what}.severity is empty`, 'use a severity such as "warning" or "critical"');
  }
  return { threshold, window, forDuration, severity, labels };
}

const PROM_UNITS: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/** A cdk8s Duration as a Prometheus duration (`90 s` → `1m30s`); zero, negative or sub-millisecond is refused. */
function promDuration(scope: IConstruct, field: string, value: Duration | undefined): string {
  const d = value ?? Duration.minutes(5);
  let ms = d.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms <= 0) {
    throw zeroTrustError(scope, `${field} ${d.toHumanString()} is not a positive whole number of milliseconds`,
      'pass a cdk8s Duration such as Duration.minutes(5), Duration.hours(1) or Duration.seconds(30)');
  }
  let out = '';
  for (const [unit, size] of PROM_UNITS) {
    if (ms >= size) {
      out += `${Math.floor(ms / size)}${unit}`;
      ms %= size;
    }
  }
  return out;
}

function alertRule(alert: string, expr: string, s: AlertSettings, summary: string, description: string): any {
  return {
    alert,
    expr,
    for: s.forDuration,
    labels: sortedLabels({ ...s.labels, severity: s.severity }),
    annotations: { description, summary },
  };
}
