import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AddressIngress, DataPlane, LinkPort, PublicRoute, ServiceLink, ZeroTrustMode, ZeroTrustNamespace, ZeroTrustWorkload,
} from '../../lib';
import { deployApp } from '../edges/deploy';

/** The payment partner's network that calls the webhook receiver (a documentation range). */
export const PARTNER_RANGE = '198.51.100.0/24';

/** What the storefront example declares, for tests. */
export interface Storefront {
  readonly namespace: ZeroTrustNamespace;
  readonly workloads: { [name: string]: ZeroTrustWorkload };
}

/** Options of the storefront example. */
export interface StorefrontOptions {
  /** Audit first, or enforce (the default). */
  readonly mode?: ZeroTrustMode;
  /** False: the shop before it opened its doors (internal links only), the base of the access diff. */
  readonly waysIn?: boolean;
  /** Sidecars (the default) or ambient. */
  readonly dataPlane?: DataPlane;
}

/**
 * A shop with two ways in from outside, and nothing else:
 * - `frontend` is public through the Istio ingress gateway (shop.example.com), for GET and POST only;
 * - `webhook` admits the payment partner's range, plaintext from outside the mesh, on 8443 only;
 * - inside, frontend calls `cart` and `catalog`, and webhook calls `orders`.
 */
export function storefront(scope: Construct, options: StorefrontOptions = {}): Storefront {
  const ns = new ZeroTrustNamespace(scope, 'storefront', { mode: options.mode, dataPlane: options.dataPlane });
  const frontend = deployApp(ns, 'frontend', 80);
  const cart = deployApp(ns, 'cart');
  const catalog = deployApp(ns, 'catalog');
  const orders = deployApp(ns, 'orders');
  const webhook = webhookReceiver(ns);

  if (options.waysIn !== false) openTheDoors(ns, frontend, webhook);
  new ServiceLink(ns, 'frontend-to-cart', { from: frontend, to: cart, ports: [LinkPort.named('http')], http: { methods: ['GET', 'POST', 'DELETE'], paths: ['/cart/*'] } });
  new ServiceLink(ns, 'frontend-to-catalog', { from: frontend, to: catalog, ports: [LinkPort.named('http')], http: { methods: ['GET'] } });
  new ServiceLink(ns, 'webhook-to-orders', { from: webhook, to: orders, ports: [LinkPort.named('http')], http: { methods: ['POST'], paths: ['/orders/*'] } });
  return { namespace: ns, workloads: { frontend, cart, catalog, orders, webhook } };
}

/** The two ways in: the public front door, and the partner's range to the webhook receiver. */
function openTheDoors(ns: ZeroTrustNamespace, frontend: ZeroTrustWorkload, webhook: ZeroTrustWorkload): void {
  new PublicRoute(ns, 'frontend-public', {
    workload: frontend,
    ports: [LinkPort.named('http')],
    http: { methods: ['GET', 'POST'] },
    route: { hosts: ['shop.example.com'], tlsCredentialName: 'shop-example-com-tls', servicePort: 80 },
  });
  new AddressIngress(ns, 'partner-to-webhook', {
    to: webhook,
    cidr: PARTNER_RANGE,
    ports: [LinkPort.tcp(8443)],
  });
}

/** The webhook receiver listens on 8443 (`webhooks`) behind a LoadBalancer that keeps client addresses. */
function webhookReceiver(ns: ZeroTrustNamespace): ZeroTrustWorkload {
  const deployment = new kplus.Deployment(ns, 'webhook-deployment', {
    metadata: { name: 'webhook' },
    replicas: 2,
    containers: [{
      name: 'app',
      image: `registry.example.com/${ns.name}/webhook:1.0.0`,
      ports: [{ number: 8443, name: 'webhooks' }],
      securityContext: {
        capabilities: { drop: [kplus.Capability.ALL] },
        seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
      },
    }],
  });
  // externalTrafficPolicy Local: no source NAT, so the pod (and its policies) see the partner's address.
  const service = deployment.exposeViaService({
    name: 'webhook',
    serviceType: kplus.ServiceType.LOAD_BALANCER,
    ports: [{ name: 'webhooks', port: 443, targetPort: 8443 }],
  });
  ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/externalTrafficPolicy', 'Local'));
  return ns.adopt(deployment, { services: [service] });
}
