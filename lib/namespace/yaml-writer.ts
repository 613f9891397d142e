import { createRequire } from 'module';
import { Yaml } from 'cdk8s';

// cdk8s writes each manifest with its own bundled `yaml` package; the fast writer asks that same
// package how to write every distinct key and scalar, so the bytes cannot drift from cdk8s's.
const CDK8S_YAML: { stringify(value: unknown, options: object): string; parseDocument(source: string, options: object): any } = createRequire(require.resolve('cdk8s'))('yaml');
/** The options of cdk8s's `Yaml.stringify` (lib/yaml.js), which the fast writer reproduces. */
const CDK8S_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' };

/** The `yaml` package quotes these at the start of a line only, so their form depends on the indent. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/;

/**
 * Strings whose plain form nothing but a schema tag could turn into another type: a letter, digit
 * or `/` first, then letters, digits and `._/*-` (no indicator first, no colon, space or `#`).
 */
const PLAIN_SHAPE = /^[A-Za-z0-9/][A-Za-z0-9._/*-]{0,199}$/;
/** The YAML 1.1 tags that would read a plain string as something else (booleans, null, numbers), as the `yaml` package checks them. */
const RETYPING_TAGS: { test: RegExp }[] = (CDK8S_YAML.parseDocument('', { version: '1.1' }).schema.tags as any[])
  .filter(tag => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test instanceof RegExp);

/** Thrown inside the fast writer when a document holds something it does not write itself. */
class NotPlain extends Error {}

/**
 * Writes JSON-like manifests exactly as cdk8s's `Yaml.stringify` does, about ten times faster:
 * the block layout is fixed (two-space indent, sequences indented under their key), and each
 * distinct key and scalar is written once by cdk8s's own `yaml` package and then reused. A
 * document with anything else (multi-line strings, shared or non-plain objects, undefined) is
 * written by cdk8s's writer itself.
 */
export class ManifestYamlWriter {
  private readonly keys = new Map<string, string>();
  private readonly scalars = new Map<unknown, string>();
  private seen = new Set<object>();

  /** The documents joined as cdk8s joins them: an undefined document is an empty line. */
  public stringify(docs: unknown[], fallback: (doc: unknown) => string): string {
    return docs.map(doc => doc === undefined ? '\n' : this.document(doc) ?? fallback(doc)).join('---\n');
  }

  /** One document, or undefined when cdk8s's writer must write it. */
  public document(doc: unknown): string | undefined {
    if (!isPlainObject(doc) || Object.keys(doc).length === 0) return undefined;
    this.seen = new Set();
    try {
      return this.map(doc, '') + '\n';
    } catch (e) {
      if (e instanceof NotPlain) return undefined;
      throw e;
    }
  }

  private map(value: { [key: string]: unknown }, indent: string): string {
    const inner = indent + '  ';
    let out = '';
    for (const key of Object.keys(value)) {
      if (out) out += '\n' + indent;
      out += this.key(key) + ':' + this.after(value[key], inner, ' ', '\n' + inner);
    }
    return out;
  }

  private seq(value: unknown[], indent: string): string {
    const inner = indent + '  ';
    let out = '';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += '\n' + indent;
      out += '-' + this.after(value[i], inner, ' ', ' ');
    }
    return out;
  }

  /** What follows a key's colon or an item's dash: a scalar or empty collection inline, else a nested block. */
  private after(value: unknown, inner: string, inlineSep: string, blockSep: string): string {
    if (Array.isArray(value)) {
      this.visit(value);
      return value.length === 0 ? inlineSep + '[]' : blockSep + this.seq(value, inner);
    }
    if (isPlainObject(value)) {
      this.visit(value);
      return Object.keys(value).length === 0 ? inlineSep + '{}' : blockSep + this.map(value, inner);
    }
    return inlineSep + this.scalar(value);
  }

  /** The `yaml` package writes an object met twice as an anchor and an alias: leave those to it. */
  private visit(value: object): void {
    if (this.seen.has(value) || (Array.isArray(value) && Object.getPrototypeOf(value) !== Array.prototype)) throw new NotPlain();
    this.seen.add(value);
  }

  private key(key: string): string {
    let written = this.keys.get(key);
    if (written === undefined && PLAIN_SHAPE.test(key)) this.keys.set(key, written = wordForm(key));
    if (written === undefined) {
      if (DOCUMENT_MARKER.test(key)) throw new NotPlain();
      const whole = CDK8S_YAML.stringify({ [key]: 0 }, CDK8S_OPTIONS);
      written = whole.endsWith(': 0\n') ? whole.slice(0, -4) : '';
      if (written === '' || written.includes('\n')) throw new NotPlain();
      this.keys.set(key, written);
    }
    return written;
  }

  private scalar(value: unknown): string {
    // A Map takes -0 for 0, and the `yaml` package writes it "-0": leave it to cdk8s's writer.
    if (value === 0 && Object.is(value, -0)) throw new NotPlain();
    let written = this.scalars.get(value);
    if (written !== undefined) return written;
    const type = typeof value;
    const writable = value === null || type === 'boolean' || type === 'number'
      || (type === 'string' && !(value as string).includes('\n') && !DOCUMENT_MARKER.test(value as string));
    if (!writable) throw new NotPlain();
    written = simpleForm(value);
    if (written === undefined) {
      const whole = CDK8S_YAML.stringify({ k: value }, CDK8S_OPTIONS);
      if (!whole.startsWith('k: ') || whole.indexOf('\n') !== whole.length - 1) throw new NotPlain();
      written = whole.slice(3, -1);
    }
    this.scalars.set(value, written);
    return written;
  }
}

/**
 * A name-shaped string as the `yaml` package writes it: plain, unless one of its tags would read
 * it as another type; then double-quoted, which for these characters needs no escape.
 */
function wordForm(text: string): string {
  return RETYPING_TAGS.some(tag => tag.test.test(text)) ? `"${text}"` : text;
}

/** The forms the `yaml` package gives the commonest scalars (its default null, true and false strings, integers as JSON writes them). */
function simpleForm(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  if (typeof value === 'string' && PLAIN_SHAPE.test(value)) return wordForm(value);
  return undefined;
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Runs `body` with cdk8s's `Yaml.stringify` (which `Yaml.save` and `App.synthYaml` call) writing
 * through one `ManifestYamlWriter`, then puts cdk8s's own writer back.
 */
export function withManifestYamlWriter<T>(body: () => T): T {
  const original = Yaml.stringify;
  if ((original as { manifestWriter?: boolean }).manifestWriter) return body();
  const writer = new ManifestYamlWriter();
  const fallback = (doc: unknown) => original.call(Yaml, doc);
  const fast = Object.assign((...docs: unknown[]) => writer.stringify(docs, fallback), { manifestWriter: true });
  Yaml.stringify = fast;
  try {
    return body();
  } finally {
    Yaml.stringify = original;
  }
}
