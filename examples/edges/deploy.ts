import * as kplus from 'cdk8s-plus-28';
import { AdoptOptions, ZeroTrustNamespace, ZeroTrustWorkload } from '../../lib';

/** One HTTP app: a cdk8s-plus Deployment with defaults (adopt() makes it pass restricted), listening on 8080 (`http`), a Service in front, adopted with `options`. */
export function deployApp(ns: ZeroTrustNamespace, name: string, servicePort: number = 8080, options: AdoptOptions = {}): ZeroTrustWorkload {
  const deployment = new kplus.Deployment(ns, `${name}-deployment`, {
    metadata: { name },
    replicas: 2,
    containers: [{
      name: 'app',
      image: `registry.example.com/${ns.name}/${name}:1.0.0`,
      ports: [{ number: 8080, name: 'http' }],
    }],
  });
  const service = deployment.exposeViaService({ name, ports: [{ name: 'http', port: servicePort, targetPort: 8080 }] });
  return ns.adopt(deployment, { ...options, services: [service] });
}
