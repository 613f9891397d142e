import { IConstruct } from 'constructs';
import { PodSecurityLevel } from './options';
import { zeroTrustError } from '../errors';
import {
  assertArray, assertEnumValue, assertOptionalPlainObject, assertOptionalString, assertPlainObject, describeValue,
} from '../validation';

/** The shape of ZeroTrustNamespace props, checked before any of them is read. */
export function checkNamespaceProps(scope: IConstruct, props: unknown): void {
  assertPlainObject(scope, 'ZeroTrustNamespace props', props, 'pass an object of options, e.g. { mode: ZeroTrustMode.AUDIT }');
  const p = props as { [key: string]: any };
  if (p.name !== undefined && typeof p.name !== 'string') {
    throw zeroTrustError(scope, `namespace name must be a string, but it is ${describeValue(p.name)}`, 'pass the namespace name as a string, e.g. name: "production"');
  }
  for (const option of ['controlPlane', 'dns', 'monitoring']) {
    assertOptionalPlainObject(scope, option, p[option], `pass ${option} as an object of options (see the ${option} docs), or omit it`);
  }
  if (p.controlPlane?.port !== undefined && typeof p.controlPlane.port !== 'number') {
    throw zeroTrustError(scope, `controlPlane.port must be a number, but it is ${describeValue(p.controlPlane.port)}`, 'pass a whole port number, e.g. port: 15012');
  }
  assertOptionalString(scope, 'controlPlane.revision', p.controlPlane?.revision, 'pass the Istio revision as a string, e.g. revision: "1-22"');
  if (p.monitoring !== undefined && typeof p.monitoring.namespace !== 'string') {
    throw zeroTrustError(scope, `monitoring.namespace must be a string, but it is ${describeValue(p.monitoring.namespace)}`,
      'name the namespace of the scraper, e.g. monitoring: { namespace: "monitoring" }');
  }
  if (p.podSecurity !== undefined) {
    assertEnumValue(scope, 'podSecurity', p.podSecurity, PodSecurityLevel as unknown as { [key: string]: string }, 'PodSecurityLevel');
  }
  if (p.renderers !== undefined) {
    assertArray(scope, 'renderers', p.renderers, 'pass a list of renderers, e.g. renderers: [new NetworkPolicyRenderer(), new IstioRenderer()]');
    p.renderers.forEach((r: any, i: number) => {
      const missing = RENDERER_METHODS.find(m => !r || typeof r[m] !== 'function');
      if (missing) {
        throw zeroTrustError(scope, `renderers[${i}] (${describeValue(r)}) has no ${missing}() method`,
          'pass objects that implement ILayerRenderer (or extend LayerRenderer), e.g. new IstioRenderer()');
      }
    });
  }
}

/** The calls every layer receives (ILayerRenderer). */
const RENDERER_METHODS = ['addNamespace', 'addWorkload', 'addLink', 'addEntryPoint', 'addExternalEgress', 'addIngress'];

const POD_SECURITY_PREFIX = 'pod-security.kubernetes.io/';
const POD_SECURITY_MODES = ['enforce', 'audit', 'warn'];

/**
 * Refuses user labels that the library sets itself (it would silently override them) and
 * Pod Security labels with values the admission controller would not understand.
 */
export function checkNamespaceLabels(scope: IConstruct, labels: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(labels)) {
    if (key === 'istio-injection' || key === 'istio.io/rev') {
      throw zeroTrustError(scope, `labels sets "${key}: ${value}", which the library sets itself (sidecar injection is what makes the namespace's Istio policies apply)`,
        'remove it from labels; to inject a specific revision use controlPlane: { revision: "<revision>" } (labels the namespace istio.io/rev), otherwise the namespace gets istio-injection: enabled');
    }
    if (key === 'istio.io/dataplane-mode' || key === 'istio.io/use-waypoint') {
      throw zeroTrustError(scope, `labels sets "${key}: ${value}", which the library sets itself from the dataPlane option (the data plane decides which policies enforce the namespace)`,
        'remove it from labels; to run the namespace in ambient mode set dataPlane: DataPlane.AMBIENT');
    }
    if (key === `${POD_SECURITY_PREFIX}enforce`) {
      throw zeroTrustError(scope, `labels sets "${key}: ${value}", which the library sets itself from the podSecurity option`,
        `remove it from labels and set podSecurity: PodSecurityLevel.${value.toUpperCase() in PodSecurityLevel ? value.toUpperCase() : 'BASELINE'} instead`);
    }
    if (!key.startsWith(POD_SECURITY_PREFIX)) continue;
    const field = key.slice(POD_SECURITY_PREFIX.length);
    if (POD_SECURITY_MODES.includes(field)) {
      if (!Object.values(PodSecurityLevel).includes(value as PodSecurityLevel)) {
        throw zeroTrustError(scope, `labels sets "${key}: ${value}", which is not a Pod Security level`, 'use "privileged", "baseline" or "restricted"');
      }
    } else if (POD_SECURITY_MODES.some(m => field === `${m}-version`)) {
      if (value !== 'latest' && !/^v1\.\d+$/.test(value)) {
        throw zeroTrustError(scope, `labels sets "${key}: ${value}", which is not a Pod Security version`, 'use "latest" or a Kubernetes minor version such as "v1.30"');
      }
    } else {
      throw zeroTrustError(scope, `labels sets "${key}", which Pod Security admission does not know`,
        'use pod-security.kubernetes.io/audit, /warn, or their -version labels (enforce comes from the podSecurity option)');
    }
  }
}
