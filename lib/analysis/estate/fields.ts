import { AnalysisInputError } from './errors';

/**
 * Typed reads of manifest fields. A value of the wrong type is refused with the field's path,
 * never guessed at: `ports: "http"` is not a list, `from: {}` is not a list of sources.
 */
export function optionalObject(value: unknown, where: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(where, 'an object', value);
  return value as Record<string, unknown>;
}

export function optionalList(value: unknown, where: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw typeError(where, 'a list', value);
  return value;
}

export function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw typeError(where, 'a string', value);
  return value;
}

/** A list of strings; numbers are accepted and kept as text where Istio's schema is a string list of ports. */
export function optionalStringList(value: unknown, where: string, numbersAllowed = false): string[] | undefined {
  const list = optionalList(value, where);
  if (!list) return undefined;
  return list.map((v, i) => {
    if (typeof v === 'string') return v;
    if (numbersAllowed && typeof v === 'number') return String(v);
    throw typeError(`${where}[${i}]`, 'a string', v);
  });
}

/** A label map: string keys to string values (numbers and booleans are refused by the API server too). */
export function optionalLabels(value: unknown, where: string): Record<string, string> | undefined {
  const obj = optionalObject(value, where);
  if (!obj) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== 'string') throw typeError(`${where}.${k}`, 'a string', v);
    out[k] = v;
  }
  return out;
}

/** Keys of `obj` outside `known`, for "a field the analyzer does not know is never ignored". */
export function unknownKeys(obj: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(obj).filter(k => !known.includes(k)).sort();
}

export function typeError(where: string, expected: string, got: unknown): AnalysisInputError {
  return new AnalysisInputError(`${where}: expected ${expected}, got ${describe(got)}`);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `a list ${short(value)}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object ${short(value)}`;
  return `${typeof value} ${short(value)}`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
