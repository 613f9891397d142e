// Entry point of `cdk8s synth` (see cdk8s.yaml): builds every example into its own folder of dist/.
import * as path from 'path';
import { App } from 'cdk8s';
import { synthAwsExamples } from './aws';
import { DataPlane } from '../lib';
import { edgesExample } from './edges/edges';
import { quickstart } from './quickstart/quickstart';
import { referenceScenario } from './reference/scenario';
import { storefront } from './storefront/storefront';

const outRoot = process.env.CDK8S_OUTDIR ?? 'dist';

// The reference scenario, with payment-service's IRSA role written to dist/aws/ first, so its
// ServiceAccount carries the role's concrete ARN in dist/reference/.
const reference = new App({ outdir: path.join(outRoot, 'reference') });
const scenario = referenceScenario(reference);
synthAwsExamples({ paymentService: scenario.workloads['payment-service'], outdir: path.join(outRoot, 'aws') });
reference.synth();

// The same scenario in Istio ambient (issue 13): one option per namespace, the same links.
const ambient = new App({ outdir: path.join(outRoot, 'reference-ambient') });
referenceScenario(ambient, { production: DataPlane.AMBIENT, risk: DataPlane.AMBIENT });
ambient.synth();

const quick = new App({ outdir: path.join(outRoot, 'quickstart') });
quickstart(quick);
quick.synth();

// Edges of the mesh (issue 4): entry point, controlled egress, audit rollout, alerts.
const edges = new App({ outdir: path.join(outRoot, 'edges') });
edgesExample(edges);
edges.synth();

// Ways in from outside (issue 14): a public storefront through the gateway, a partner's range to a webhook.
const shop = new App({ outdir: path.join(outRoot, 'storefront') });
storefront(shop);
shop.synth();

// The same ways in, in ambient: the public route through the waypoint, the partner's range decided by ztunnel.
const shopAmbient = new App({ outdir: path.join(outRoot, 'storefront-ambient') });
storefront(shopAmbient, { dataPlane: DataPlane.AMBIENT });
shopAmbient.synth();
