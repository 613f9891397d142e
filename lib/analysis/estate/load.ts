import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { AnalysisInputError } from './errors';

const YAML_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads every Kubernetes object from YAML/JSON files and directories (recursively, in sorted
 * order so results never depend on the file system's listing order).
 */
export function loadManifestFiles(paths: readonly string[]): unknown[] {
  if (paths.length === 0) throw new AnalysisInputError('no manifest path given: pass at least one YAML file or directory');
  const files: string[] = [];
  for (const p of paths) collect(p, files, true);
  const objects: unknown[] = [];
  for (const file of files) objects.push(...parseManifestText(fs.readFileSync(file, 'utf8'), file));
  return objects;
}

function collect(p: string, out: string[], explicit: boolean): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new AnalysisInputError(`manifest path '${p}' does not exist`);
  }
  if (stat.isDirectory()) {
    for (const entry of fs.readdirSync(p).sort()) collect(path.join(p, entry), out, false);
  } else if (explicit || YAML_FILE.test(p)) {
    out.push(p);
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
