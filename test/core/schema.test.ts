import { App } from 'cdk8s';
import { quickstart } from '../../examples/quickstart/quickstart';
import { referenceScenario } from '../../examples/reference/scenario';
import { ZeroTrustMode, ZeroTrustNamespace } from '../../lib';
import { examineSchema, loadCrdSchemas } from '../support/schema';
import { synthApp } from '../support/synth';

describe('every emitted object validates against the real schemas', () => {
  test.each([
    ['reference scenario', (app: App) => referenceScenario(app)],
    ['quick start', (app: App) => quickstart(app)],
    ['audit mode with a revision and monitoring', (app: App) => new ZeroTrustNamespace(app, 'audit', {
      mode: ZeroTrustMode.AUDIT, controlPlane: { revision: 'stable' }, monitoring: { namespace: 'monitoring' },
    }).addWorkload('api')],
  ])('%s', (_name, build) => {
    const app = new App();
    build(app);
    const manifests = synthApp(app);
    expect(manifests.length).toBeGreaterThan(0);
    expect(examineSchema(manifests)).toEqual([]);
  });

  test('the checker itself catches a misspelled policy field and an unknown kind', () => {
    const typo = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'x', namespace: 'y' }, spec: { rules: [{ form: [] }] } };
    const badPort = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x' }, spec: { podSelector: 'everything' } };
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    const problems = examineSchema([typo, badPort, unknown]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/AuthorizationPolicy y\/x: .*additionalProperty.*form/);
    expect(problems[1]).toMatch(/NetworkPolicy \/x: .*podSelector/);
    expect(problems[2]).toBe('Widget /w: no schema known for example.com/v1 Widget');
  });

  test('a CRD file that cannot be loaded is named in one clear error', () => {
    expect(() => loadCrdSchemas(['/nonexistent/crds/istio.yaml'])).toThrow(
      /^cannot load the CRD schemas in \/nonexistent\/crds\/istio\.yaml: ENOENT/);
  });

  test('the CRDs the tests need are carried in the repository', () => {
    const kinds = [...loadCrdSchemas(['istio.yaml', 'prometheus-rules.yaml', 'gateway-api-standard.yaml']
      .map(f => `${__dirname}/../../crds/${f}`)).keys()];
    for (const gvk of ['security.istio.io/v1/AuthorizationPolicy', 'monitoring.coreos.com/v1/PrometheusRule', 'gateway.networking.k8s.io/v1/Gateway']) {
      expect(kinds).toContain(gvk);
    }
  });
});
