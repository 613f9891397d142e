import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { AnalysisInputError } from './errors';

const YAML_FILE = /\.(ya?ml|json)$/i;
/** Larger manifest files are refused: no real estate needs more, and hostile input must stay bounded. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Aliases one document may expand (the `yaml` package's guard against "billion laughs"). */
const MAX_ALIASES = 1000;

export interface LoadedManifests {
  readonly objects: unknown[];
  /** JSON files found in directories that hold no Kubernetes object (e.g. CloudFormation templates). */
  readonly skipped: string[];
  /** FIFOs, sockets and devices named like manifests inside directories: never read. */
  readonly special: string[];
  /** What reading had to interpret (tab quirks accepted as go-yaml does). */
  readonly notes: string[];
}

const ORIGINS = new WeakMap<object, string>();

/** The file an object was read from, when it came from `loadManifests`. */
export function originOf(obj: unknown): string | undefined {
  return obj && typeof obj === 'object' ? ORIGINS.get(obj) : undefined;
}

/** Records the file an object came from (objects derived from it, such as List items, keep it). */
export function setOrigin(obj: unknown, origin: string): void {
  if (obj && typeof obj === 'object' && !ORIGINS.has(obj)) ORIGINS.set(obj, origin);
}

/**
 * Reads every Kubernetes object from YAML/JSON files and directories (recursively, in sorted
 * order so results never depend on the file system's listing order). JSON files found inside a
 * directory are skipped when they are not Kubernetes objects, since `cdk8s synth` output can sit
 * next to CDK assets; files named explicitly are always read. Only regular files are read: a
 * FIFO or device named `*.yaml` is skipped inside a directory and refused when named.
 */
export function loadManifests(paths: readonly string[]): LoadedManifests {
  if (paths.length === 0) throw new AnalysisInputError('no manifest path given: pass at least one YAML file or directory');
  const files: Array<{ file: string; explicit: boolean }> = [];
  const skipped: string[] = [];
  const special: string[] = [];
  const visited = new Set<string>();
  for (const p of paths) collect(p, files, true, special, visited);
  const objects: unknown[] = [];
  const notes: string[] = [];
  for (const { file, explicit } of files) {
    const size = fs.statSync(file).size;
    if (size > MAX_FILE_BYTES) throw new AnalysisInputError(`${file}: ${size} bytes is more than the ${MAX_FILE_BYTES} a manifest file may have`);
    const docs = parseManifestText(fs.readFileSync(file, 'utf8'), file, notes);
    if (!explicit && /\.json$/i.test(file) && !docs.some(d => typeof (d as any)?.kind === 'string' && typeof (d as any)?.apiVersion === 'string')) {
      skipped.push(file);
      continue;
    }
    for (const d of docs) setOrigin(d, file);
    objects.push(...docs);
  }
  return { objects, skipped, special, notes };
}

/** The objects of `loadManifests`. */
export function loadManifestFiles(paths: readonly string[]): unknown[] {
  return loadManifests(paths).objects;
}

function collect(p: string, out: Array<{ file: string; explicit: boolean }>, explicit: boolean, skipped: string[], visited: Set<string>): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new AnalysisInputError(`manifest path '${p}' is a symbolic link loop`);
    if (code === 'EACCES') throw new AnalysisInputError(`manifest path '${p}' is not readable (permission denied)`);
    throw new AnalysisInputError(`manifest path '${p}' does not exist`);
  }
  if (stat.isDirectory()) {
    // A symlink back to an ancestor would otherwise recurse forever.
    const real = fs.realpathSync(p);
    if (visited.has(real)) return;
    visited.add(real);
    let entries: string[];
    try {
      entries = fs.readdirSync(p).sort();
    } catch {
      throw new AnalysisInputError(`manifest directory '${p}' is not readable`);
    }
    for (const entry of entries) collect(path.join(p, entry), out, false, skipped, visited);
  } else if (!stat.isFile()) {
    // FIFOs, sockets and devices never end (or never start): never read them.
    if (explicit) throw new AnalysisInputError(`manifest path '${p}' is not a regular file (${kindOf(stat)}); pass YAML or JSON files or directories`);
    if (YAML_FILE.test(p)) skipped.push(p);
  } else if (explicit || YAML_FILE.test(p)) {
    out.push({ file: p, explicit });
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * Parses a multi-document YAML text; `null` documents (stray `---`) are skipped. Merge keys
 * (`<<: *base`) are read as kubectl does; alias expansion is bounded and alias cycles are refused.
 */
export function parseManifestText(text: string, origin: string, notes: string[] = []): unknown[] {
  let docs = parseAllDocuments(text, { merge: true, uniqueKeys: false });
  if (docs.some(d => d.errors.length > 0) && tabQuirk(docs)) {
    // go-yaml (kubectl) accepts a tab that starts a continuation line of a flow collection.
    const retried = parseAllDocuments(text.replace(/^\t+/gm, t => ' '.repeat(8 * t.length)), { merge: true, uniqueKeys: false });
    if (retried.every(d => d.errors.length === 0)) {
      notes.push(`${origin}: a tab indents a flow collection item; read as kubectl reads it`);
      docs = retried;
    }
  }
  const out: unknown[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) {
      throw new AnalysisInputError(`${origin}: YAML document ${i + 1} is invalid: ${doc.errors[0].message.split('\n')[0]}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      throw new AnalysisInputError(`${origin}: YAML document ${i + 1} is refused: ${(e as Error).message} (at most ${MAX_ALIASES} alias expansions)`);
    }
    if (hasCycle(value)) throw new AnalysisInputError(`${origin}: YAML document ${i + 1} is refused: an alias refers to a node that contains it (a cycle)`);
    if (value !== null && value !== undefined) out.push(value);
  });
  return out;
}

function tabQuirk(docs: ReturnType<typeof parseAllDocuments>): boolean {
  const codes = docs.flatMap(d => d.errors.map(e => e.code));
  return !codes.includes('TAB_AS_INDENT') && codes.includes('BAD_INDENT');
}

/** Depth-first search over the parsed value: a node reachable from itself is a cycle. */
function hasCycle(value: unknown): boolean {
  const onPath = new Set<object>();
  const done = new Set<object>();
  const visit = (v: unknown): boolean => {
    if (!v || typeof v !== 'object') return false;
    if (onPath.has(v)) return true;
    if (done.has(v)) return false;
    onPath.add(v);
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (visit(child)) return true;
    onPath.delete(v);
    done.add(v);
    return false;
  };
  return visit(value);
}
