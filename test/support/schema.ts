/**
 * Validates manifests against the real schemas: the Kubernetes OpenAPI models
 * (kubernetes-models), Istio's models where they cover the version, and always the
 * CRDs carried in the repository's crds/ (Istio, PrometheusRule, Gateway API), read with ajv.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import * as YAML from 'yaml';

const CRD_FILES = ['istio.yaml', 'prometheus-rules.yaml', 'gateway-api-standard.yaml'].map(f => path.join(__dirname, '..', '..', 'crds', f));

let crdValidators: Map<string, ValidateFunction> | undefined;
// A schema file that cannot be loaded fails every later call with the same message, never "no schema known".
let crdLoadError: Error | undefined;

/**
 * Kubernetes prunes fields a structural schema does not know, so a misspelled policy
 * field would vanish silently. Forbidding unknown fields makes such a typo fail here.
 */
function forbidUnknownFields(schema: any): any {
  if (schema === null || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map(forbidUnknownFields);
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = forbidUnknownFields(v);
  // Go's RE2 syntax such as `(?i)` is not JavaScript's; such patterns cannot be checked here.
  if (typeof out.pattern === 'string' && !compiles(out.pattern)) delete out.pattern;
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function crdValidatorsByGvk(): Map<string, ValidateFunction> {
  if (crdLoadError) throw crdLoadError;
  if (!crdValidators) {
    try {
      crdValidators = loadCrdSchemas(CRD_FILES);
    } catch (e) {
      crdLoadError = e as Error;
      throw e;
    }
  }
  return crdValidators;
}

/** Compiles the CRDs of `files`; a file that cannot be read or parsed is named in the error. */
export function loadCrdSchemas(files: string[]): Map<string, ValidateFunction> {
  const loaded = new Map<string, ValidateFunction>();
  for (const file of files) {
    try {
      loadCrdFile(file, loaded);
    } catch (e) {
      throw new Error(`cannot load the CRD schemas in ${file}: ${(e as Error).message}`);
    }
  }
  return loaded;
}

function loadCrdFile(file: string, into: Map<string, ValidateFunction>): void {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const crd = doc.toJSON();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const version of crd.spec.versions) {
      const schema = forbidUnknownFields(version.schema.openAPIV3Schema);
      // apiVersion, kind and metadata are checked by the API server, not by the CRD schema.
      schema.properties = { ...schema.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
      into.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
    }
  }
}

function kubernetesModel(apiVersion: string, kind: string): any {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const candidates = group.endsWith('istio.io')
    ? [`@kubernetes-models/istio/${group}/${version}`]
    : [`kubernetes-models/${group ? `${group}/` : ''}${version}`];
  for (const mod of candidates) {
    try {
      // Which model modules exist depends on the apiVersion, so they are loaded on demand.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const model = require(mod)[kind];
      if (model) return model;
    } catch {
      // this package has no model for that version
    }
  }
  return undefined;
}

/** Problems of each manifest, as readable lines; `[]` when all are valid. */
export function examineSchema(manifests: any[]): string[] {
  const problems: string[] = [];
  for (const m of manifests) {
    const id = `${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
    const crd = crdValidatorsByGvk().get(`${m.apiVersion}/${m.kind}`);
    const model = kubernetesModel(m.apiVersion, m.kind);
    if (!crd && !model) {
      problems.push(`${id}: no schema known for ${m.apiVersion} ${m.kind}`);
      continue;
    }
    if (crd && !crd(m)) problems.push(`${id}: ${JSON.stringify(crd.errors)}`);
    if (model) {
      try {
        new model(m).validate();
      } catch (e) {
        problems.push(`${id}: ${(e as Error).message}`);
      }
    }
  }
  return problems;
}
