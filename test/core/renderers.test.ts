import { ApiObject, App, Lazy } from 'cdk8s';
import { ILayerRenderer, IRenderLayer, IstioRenderer, LayerRenderer, LinkPort, NetworkPolicyRenderer, ZeroTrustNamespace } from '../../lib';
import { synthApp } from '../support/synth';

/** A made-up third layer: one object listing the inbound links, to prove layers plug in without touching constructs. */
class AuditLogRenderer extends LayerRenderer {
  public readonly layerName = 'AuditLog';
  public addNamespace(layer: IRenderLayer): void {
    new ApiObject(layer.scope, 'paths', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'declared-paths', namespace: layer.namespace.name },
      data: {
        paths: Lazy.any({
          produce: () => layer.resolve().inbound.map(l => `${l.from.principal} -> ${l.to.name}:${l.ports.map(p => p.port).join(',')}`).join('\n'),
        }),
      },
    });
  }
}

describe('layers are pluggable', () => {
  function build(renderers?: ILayerRenderer[]) {
    const app = new App();
    const ns = new ZeroTrustNamespace(app, 'production', { renderers });
    const payments = ns.addWorkload('payment-service');
    payments.allowFrom(ns.addWorkload('checkout-api'), { ports: [LinkPort.tcp(8080)] });
    return synthApp(app);
  }

  test('a third layer reads the same intent and adds its objects beside the others', () => {
    const manifests = build([new NetworkPolicyRenderer(), new IstioRenderer(), new AuditLogRenderer()]);
    const cm = manifests.find(m => m.kind === 'ConfigMap');
    expect(cm.data.paths).toBe('cluster.local/ns/production/sa/checkout-api -> payment-service:8080');
    expect(manifests.filter(m => m.kind === 'NetworkPolicy').length).toBeGreaterThan(0);
    expect(manifests.filter(m => m.kind === 'AuthorizationPolicy').length).toBeGreaterThan(0);
  });

  test('each layer renders on its own: NetworkPolicy only, or Istio only', () => {
    expect(new Set(build([new NetworkPolicyRenderer()]).map(m => m.kind))).toEqual(new Set(['Namespace', 'ServiceAccount', 'NetworkPolicy']));
    expect(new Set(build([new IstioRenderer()]).map(m => m.kind))).toEqual(new Set(['Namespace', 'ServiceAccount', 'PeerAuthentication', 'AuthorizationPolicy']));
  });
});
