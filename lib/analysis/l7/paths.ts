import { istioMatch, Tri } from './tri';

/** A normalized request path, or why Envoy refuses the request before any policy runs. */
export type NormalizedPath = { readonly path: string } | { readonly rejected: string };

/** Percent-encodings Istio's default (BASE) normalization decodes: unreserved characters only. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Istio's default path normalization (BASE) as its "Authorization Policy Normalization" page
 * states it: the query and fragment are not part of the compared path; `%00` is refused with
 * 400; percent-encoded unreserved characters are decoded once (`%2F` and `%5C` stay encoded);
 * backslashes become slashes; `.` and `..` segments are resolved (RFC 3986). Slashes are not
 * merged (that is MERGE_SLASHES, not the default).
 */
export function normalizePath(raw: string): NormalizedPath {
  const cut = raw.search(/[?#]/);
  let path = cut >= 0 ? raw.slice(0, cut) : raw;
  if (/%00/.test(path)) return { rejected: 'the path contains %00, which Istio always refuses with HTTP 400' };
  if (!path.startsWith('/') && !path.startsWith('\\')) return { rejected: `the path '${raw}' does not start with '/'; Envoy refuses it with HTTP 400` };
  if (/[\u0000-\u001f\u007f ]/.test(path)) return { rejected: 'the path contains a space or control character; Envoy refuses it with HTTP 400' };
  path = path.replace(/%([0-9A-Fa-f]{2})/g, (all, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : all;
  });
  path = path.replace(/\\/g, '/');
  return { path: removeDotSegments(path) };
}

/** RFC 3986 section 5.2.4 on an absolute path. */
function removeDotSegments(path: string): string {
  const segments = path.split('/').slice(1);
  const out: string[] = [];
  segments.forEach((s, i) => {
    const last = i === segments.length - 1;
    if (s === '.') {
      if (last) out.push('');
    } else if (s === '..') {
      out.pop();
      if (last) out.push('');
    } else {
      out.push(s);
    }
  });
  return `/${out.join('/')}`;
}

/**
 * An Istio `paths` entry against a normalized path: exact, `prefix*`, `*suffix`, `*`, or a path
 * template where `{*}` is exactly one segment and `{**}` one or more segments (last operator
 * only). A malformed template is `unknown`, never a guess.
 */
export function pathPatternMatch(pattern: string, path: string): Tri {
  if (!pattern.includes('{')) return istioMatch(pattern, path) ? 'yes' : 'no';
  const regex = templateRegex(pattern);
  if (!regex) return 'unknown';
  return regex.test(path) ? 'yes' : 'no';
}

/** Whether a pattern is a path template (Istio treats `{*}`/`{**}` as template operators). */
export function isPathTemplate(pattern: string): boolean {
  return pattern.includes('{');
}

function templateRegex(pattern: string): RegExp | undefined {
  if (!pattern.startsWith('/')) return undefined;
  const segments = pattern.slice(1).split('/');
  const parts: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s === '{*}') {parts.push('[^/]+');} else if (s === '{**}') {
      if (i !== segments.length - 1) return undefined;
      parts.push('[^/]+(?:/[^/]+)*');
    } else if (/[{}*]/.test(s)) {return undefined;} else {parts.push(s.replace(/[.+?^$()|[\]\\]/g, '\\$&'));}
  }
  return new RegExp(`^/${parts.join('/')}$`);
}

/** A concrete path inside a pattern, used to sample the requests a rule admits. */
export function samplePath(pattern: string): string {
  if (pattern.includes('{')) return pattern.replace(/\{\*\*?\}/g, 'x');
  if (pattern === '*') return '/x';
  if (pattern.endsWith('*')) return `${pattern.slice(0, -1)}x`;
  if (pattern.startsWith('*')) return `/x${pattern.slice(1)}`;
  return pattern;
}
