import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { deployApp } from './deploy';
import {
  AddressEgress, ExternalPort, HostEgress, IdentityAwareEntryPoint, LinkPort, ServiceLink,
  ZeroTrustAlerts, ZeroTrustMode, ZeroTrustNamespace, ZeroTrustWorkload,
} from '../../lib';

const MONITORING = { namespace: 'monitoring' };

/** The organisation's identity provider (placeholder URLs). */
export const EXAMPLE_ISSUER = 'https://login.example.com';

/** What the edges example declares, for tests. */
export interface EdgesExample {
  readonly internalTools: ZeroTrustNamespace;
  readonly shop: ZeroTrustNamespace;
  readonly legacy: ZeroTrustNamespace;
  readonly workloads: { [name: string]: ZeroTrustWorkload };
}

/**
 * `internal-tools/admin-panel`, reachable only through the ingress gateway, only with a
 * token of the company issuer showing group `engineering` and MFA.
 */
export function adminPanel(scope: Construct): { namespace: ZeroTrustNamespace; adminPanel: ZeroTrustWorkload } {
  const internalTools = new ZeroTrustNamespace(scope, 'internal-tools', { monitoring: MONITORING });
  const panel = deployApp(internalTools, 'admin-panel', 80);
  new IdentityAwareEntryPoint(internalTools, 'admin-panel-entry', {
    workload: panel,
    ports: [LinkPort.named('http')],
    oidc: { issuer: EXAMPLE_ISSUER, jwksUri: `${EXAMPLE_ISSUER}/.well-known/jwks.json`, audiences: ['admin-panel'] },
    requiredClaims: [
      { claim: 'groups', values: ['engineering'] },
      { claim: 'amr', values: ['mfa'] },
    ],
    route: { hosts: ['admin.example.com'], tlsCredentialName: 'admin-example-com-tls', servicePort: 80 },
  });
  return { namespace: internalTools, adminPanel: panel };
}

/**
 * `shop/checkout` calls Stripe by name, `shop/ledger-sync` calls a partner network by
 * address, and `shop/recommendations` is still auditing while the rest of `shop` enforces.
 */
export function controlledEgress(scope: Construct): { namespace: ZeroTrustNamespace; workloads: { [name: string]: ZeroTrustWorkload } } {
  const shop = new ZeroTrustNamespace(scope, 'shop', { monitoring: MONITORING });
  const checkout = deployApp(shop, 'checkout');
  const ledgerSync = deployApp(shop, 'ledger-sync');
  const recommendations = deployApp(shop, 'recommendations', 8080, { mode: ZeroTrustMode.AUDIT });
  new HostEgress(shop, 'checkout-to-stripe', {
    from: checkout,
    host: 'api.stripe.com',
    ports: [ExternalPort.https(443)],
    // NetworkPolicy cannot match names: these are the provider's published ranges (placeholders here).
    addresses: ['198.51.100.0/24'],
  });
  new AddressEgress(shop, 'ledger-sync-to-partner', {
    from: ledgerSync,
    cidr: '203.0.113.0/24',
    except: ['203.0.113.128/25'],
    ports: [ExternalPort.tls(8443)],
  });
  new ServiceLink(shop, 'checkout-to-recommendations', { from: checkout, to: recommendations, ports: [LinkPort.named('http')] });
  return { namespace: shop, workloads: { checkout, 'ledger-sync': ledgerSync, recommendations } };
}

/** `legacy` rolls out in audit mode: Istio reports what enforce would deny, nothing new is enforced. */
export function auditRollout(scope: Construct): { namespace: ZeroTrustNamespace; workloads: { [name: string]: ZeroTrustWorkload } } {
  const legacy = new ZeroTrustNamespace(scope, 'legacy', { mode: ZeroTrustMode.AUDIT, monitoring: MONITORING });
  const web = deployApp(legacy, 'web');
  const api = deployApp(legacy, 'api');
  new ServiceLink(legacy, 'web-to-api', { from: web, to: api, ports: [LinkPort.named('http')], http: { methods: ['GET'], paths: ['/v1/*'] } });
  new HostEgress(legacy, 'api-to-geo', { from: api, host: 'geo.example.net', ports: [ExternalPort.https()], addresses: ['192.0.2.0/24'] });
  return { namespace: legacy, workloads: { web, api } };
}

/** Every capability of the edges issue in one app; `cdk8s synth` writes it to dist/edges/. */
export function edgesExample(scope: Construct): EdgesExample {
  const access = adminPanel(scope);
  const egress = controlledEgress(scope);
  const audit = auditRollout(scope);
  const monitoring = new Chart(scope, 'monitoring', { namespace: 'monitoring' });
  new ZeroTrustAlerts(monitoring, 'alerts', {
    namespaces: [access.namespace, egress.namespace, audit.namespace],
    ruleLabels: { release: 'prometheus' },
    alertLabels: { team: 'platform' },
    deniedCalls: { threshold: 0.05, window: Duration.minutes(5), for: Duration.minutes(10) },
    mtlsHandshakeFailures: { severity: 'critical' },
  });
  return {
    internalTools: access.namespace,
    shop: egress.namespace,
    legacy: audit.namespace,
    workloads: { 'admin-panel': access.adminPanel, ...egress.workloads, ...audit.workloads },
  };
}
