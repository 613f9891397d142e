// Writes the hand-built reference fixtures (YAML) used by the CLI tests and the README:
//   npx ts-node --transpile-only test/analysis/support/write-reference-fixture.ts
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { conventionManifests } from './convention-manifests';
import { REFERENCE_ESTATE } from './reference-estate';

const fixtures = path.join(__dirname, '..', 'fixtures');

function write(dir: string, objects: any[]): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const ns of [...new Set(objects.map(o => o.metadata.namespace ?? o.metadata.name))]) {
    const docs = objects.filter(o => (o.metadata.namespace ?? o.metadata.name) === ns);
    fs.writeFileSync(path.join(dir, `${ns}.k8s.yaml`), docs.map(d => stringify(d)).join('---\n'));
  }
}

write(path.join(fixtures, 'reference'), conventionManifests(REFERENCE_ESTATE));
write(path.join(fixtures, 'reference-plus-one-link'), conventionManifests({
  ...REFERENCE_ESTATE,
  links: [...REFERENCE_ESTATE.links, { from: 'production/frontend', to: 'production/cache', ports: [{ port: 6379 }] }],
}));
