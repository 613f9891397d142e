import * as jsyaml from 'js-yaml';

/*
 * The fast path for reading manifests. js-yaml reads the plain YAML that synthesizers and
 * kubectl write about ten times faster than the `yaml` package, but the two differ at the
 * edges (aliases, merge keys, null or complex keys, tabs, directives, error messages). So
 * js-yaml reads a text only when none of those can occur in it, with plain scalars resolved
 * exactly as `yaml`'s YAML 1.2 core schema resolves them; anything else, and any text js-yaml
 * refuses, goes to the reference reader with its bounds and its exact error messages.
 */

/** `tag:yaml.org,2002:<name>` scalars, resolved by `test` and built by `construct`, as `yaml` does. */
function coreScalar(name: string, test: RegExp, construct: (s: string) => unknown): jsyaml.Type {
  return new jsyaml.Type(`tag:yaml.org,2002:${name}`, {
    kind: 'scalar',
    resolve: (data: unknown) => typeof data === 'string' && test.test(data),
    construct: (data: string) => construct(data),
  });
}

// The `yaml` package's core schema (yaml/dist/schema/core), in its order: first match wins.
const CORE_AS_YAML = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsyaml.Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (data: unknown) => data === null || (typeof data === 'string' && /^(?:~|[Nn]ull|NULL)?$/.test(data)),
      construct: () => null,
    }),
    coreScalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, s => s[0] === 't' || s[0] === 'T'),
    coreScalar('int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, s =>
      (s.startsWith('0o') ? parseInt(s.substring(2), 8) : s.startsWith('0x') ? parseInt(s.substring(2), 16) : parseInt(s, 10))),
    coreScalar('float', /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
      s => (/^[-+]?\./.test(s) && /[a-zA-Z]$/.test(s)
        ? (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY)
        : parseFloat(s))),
  ],
});

/**
 * Constructs the two readers may disagree on, or that need the reference reader's bounds:
 * anchors and aliases (alias bombs, cycles), merge keys, directives (`%YAML 1.1` changes the
 * schema), tabs (go-yaml quirks), complex keys, and empty or null keys (see `hasNullOrEmptyKey`).
 * A match only means "take the reference path", so it may be broader than needed, never narrower.
 */
const NEEDS_REFERENCE_READER = new RegExp([
  String.raw`(?:^|[\s[\]{},:])[&*]`,
  '<<',
  '^%',
  '\\t',
  String.raw`(?:^|\s)\?(?:\s|$)`,
  String.raw`[\]}][ ]*:(?:\s|$)`,
].join('|'), 'm');

const NULL_KEYS = ['~', 'null', 'Null', 'NULL'];
/** Characters after which a key starts: line breaks and spaces, flow `{` and `,`, `?` and `-` indicators. */
const KEY_START = new Set([' ', '\n', '\r', '{', ',', '?', '-']);

/**
 * A `:` that ends an empty or null key (`: x`, `null: x`, `{~: x}`): `yaml` names that key ""
 * and js-yaml "null". Found by visiting the colons, which a regular expression with a
 * lookbehind-like prefix does about five times slower on large texts.
 */
function hasNullOrEmptyKey(text: string): boolean {
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    const next = text[i + 1];
    if (next !== undefined && next !== ' ' && next !== '\n' && next !== '\r') continue;
    let end = i;
    while (end > 0 && text[end - 1] === ' ') end--;
    if (end === 0 || KEY_START.has(text[end - 1])) return true;
    for (const word of NULL_KEYS) {
      const start = end - word.length;
      if (start >= 0 && text.startsWith(word, start) && (start === 0 || KEY_START.has(text[start - 1]))) return true;
    }
  }
  return false;
}

/**
 * The documents of `text` read by js-yaml, or `undefined` when the text must go to the
 * reference reader (it uses a construct listed above, or js-yaml refuses it).
 */
export function readPlainYaml(text: string): unknown[] | undefined {
  if (NEEDS_REFERENCE_READER.test(text) || hasNullOrEmptyKey(text)) return undefined;
  try {
    return jsyaml.loadAll(text, undefined, { schema: CORE_AS_YAML });
  } catch {
    return undefined;
  }
}
