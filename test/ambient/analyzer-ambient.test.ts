import { App } from 'cdk8s';
import { referenceScenario } from '../../examples/reference/scenario';
import { DataPlane, Reachability } from '../../lib';
import { synthApp } from '../support/synth';

describe('the analyzer on ambient manifests', () => {
  test('it says it does not model an ambient namespace, rather than presenting sidecar verdicts as proof', () => {
    const app = new App();
    referenceScenario(app, { production: DataPlane.AMBIENT, risk: DataPlane.SIDECAR });
    const findings = Reachability.fromManifests(synthApp(app)).findings();
    const ambient = findings.filter(f => f.message.includes('ambient data plane'));
    expect(ambient.map(f => [f.kind, f.subject])).toEqual([['unsupported', 'Namespace production']]);
  });
});
