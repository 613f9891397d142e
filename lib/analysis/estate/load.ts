import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { AnalysisInputError } from './errors';

const YAML_FILE = /\.(ya?ml|json)$/i;

export interface LoadedManifests {
  readonly objects: unknown[];
  /** JSON files found in directories that hold no Kubernetes object (e.g. CloudFormation templates). */
  readonly skipped: string[];
}

/**
 * Reads every Kubernetes object from YAML/JSON files and directories (recursively, in sorted
 * order so results never depend on the file system's listing order). JSON files found inside a
 * directory are skipped when they are not Kubernetes objects, since `cdk8s synth` output can sit
 * next to CDK assets; files named explicitly are always read.
 */
export function loadManifests(paths: readonly string[]): LoadedManifests {
  if (paths.length === 0) throw new AnalysisInputError('no manifest path given: pass at least one YAML file or directory');
  const files: Array<{ file: string; explicit: boolean }> = [];
  for (const p of paths) collect(p, files, true);
  const objects: unknown[] = [];
  const skipped: string[] = [];
  for (const { file, explicit } of files) {
    const docs = parseManifestText(fs.readFileSync(file, 'utf8'), file);
    if (!explicit && /\.json$/i.test(file) && !docs.some(d => typeof (d as any)?.kind === 'string' && typeof (d as any)?.apiVersion === 'string')) {
      skipped.push(file);
      continue;
    }
    objects.push(...docs);
  }
  return { objects, skipped };
}

/** The objects of `loadManifests`. */
export function loadManifestFiles(paths: readonly string[]): unknown[] {
  return loadManifests(paths).objects;
}

function collect(p: string, out: Array<{ file: string; explicit: boolean }>, explicit: boolean): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new AnalysisInputError(`manifest path '${p}' does not exist`);
  }
  if (stat.isDirectory()) {
    for (const entry of fs.readdirSync(p).sort()) collect(path.join(p, entry), out, false);
  } else if (explicit || YAML_FILE.test(p)) {
    out.push({ file: p, explicit });
  }
}

/** Parses a multi-document YAML text; `null` documents (stray `---`) are skipped. */
export function parseManifestText(text: string, origin: string): unknown[] {
  const docs = parseAllDocuments(text);
  const out: unknown[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) {
      throw new AnalysisInputError(`${origin}: YAML document ${i + 1} is invalid: ${doc.errors[0].message}`);
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  });
  return out;
}
