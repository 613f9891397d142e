import { IConstruct } from 'constructs';
import { ZeroTrustError, zeroTrustError } from './errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const TRUST_DOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Refuses a name that Kubernetes would reject as a namespace, ServiceAccount or object name. */
export function assertDns1123Label(scope: IConstruct, what: string, value: string): void {
  if (typeof value !== 'string') {
    throw zeroTrustError(scope, `${what} must be a string, but it is ${describeValue(value)}`, `pass the ${what} as a string, e.g. "payment-service"`);
  }
  if (value === '') {
    throw zeroTrustError(scope, `${what} is empty`, `give a ${what} of 1 to 63 lower-case letters, digits and "-", e.g. "payment-service"`);
  }
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw zeroTrustError(scope, `${what} "${value}" is not a valid DNS-1123 label`,
      'use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit');
  }
}

/** Refuses a port that no socket can listen on. */
export function assertPortNumber(scope: IConstruct, what: string, port: number): void {
  if (typeof port !== 'number') {
    const fix = typeof port === 'string' && /^\d+$/.test(port) ? `pass the number ${port}, without quotes` : 'pass a whole port number between 1 and 65535';
    throw zeroTrustError(scope, `${what} must be a number, but it is ${describeValue(port)}`, fix);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw zeroTrustError(scope, `${what} ${port} is outside 1-65535`, 'use a whole port number between 1 and 65535');
  }
}

/**
 * Refuses an empty or malformed label set: an empty selector selects every pod,
 * which would silently widen a policy to the whole namespace.
 */
export function assertLabels(scope: IConstruct, what: string, labels: { [key: string]: string }): void {
  if (labels !== undefined) assertStringMap(scope, what, labels);
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) {
    throw zeroTrustError(scope, `${what} is empty, which would select every pod in the namespace`,
      'give at least one label that only this workload\'s pods carry');
  }
  for (const [key, value] of entries) {
    const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
    if (name.length > 63 || !LABEL_NAME.test(name)) {
      throw zeroTrustError(scope, `${what} has an invalid label key "${key}"`, 'use a Kubernetes label key such as "app.kubernetes.io/name"');
    }
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      throw zeroTrustError(scope, `${what} has an invalid value "${value}" for label "${key}"`,
        'use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
    }
  }
}

/** Refuses a trust domain that cannot appear in a SPIFFE ID. */
export function assertTrustDomain(scope: IConstruct, value: string): void {
  if (typeof value !== 'string') {
    throw zeroTrustError(scope, `trust domain must be a string, but it is ${describeValue(value)}`, 'pass the trust domain as a string, e.g. "cluster.local"');
  }
  if (value.length > 255 || !TRUST_DOMAIN.test(value)) {
    throw zeroTrustError(scope, `trust domain "${value}" is not a valid SPIFFE trust domain`,
      'use lower-case letters, digits, "-" and "." only, for example "cluster.local"');
  }
}

/*
 * Shape checks for the public entry points. jsii users (Python, Java, Go, C#) can pass any
 * value, and TypeScript users can cast; a wrong shape must become a clear ZeroTrustError,
 * never a TypeError from deep inside the library or a silently misread value.
 */

/** A short, readable description of any value, for error messages (never "[object Object]"). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `the ${typeof value} ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  const path = (value as { node?: { path?: unknown } }).node?.path;
  if (typeof path === 'string') return path || '<root>';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  let json: string;
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    json = '';
  }
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  const kind = name && name !== 'Object' ? `an instance of ${name}` : 'an object';
  return json ? `${kind} ${json.length > 80 ? json.slice(0, 77) + '...' : json}` : kind;
}

function wrongShape(scope: IConstruct, what: string, expected: string, value: unknown, fix: string): never {
  const isConstruct = typeof (value as { node?: { path?: unknown } } | undefined)?.node?.path === 'string';
  throw zeroTrustError(scope, `${what} must be ${expected}, but it is ${isConstruct ? 'the construct ' : ''}${describeValue(value)}`, fix);
}

/** A string (optionally non-empty). */
export function assertString(
  scope: IConstruct, what: string, value: unknown, fix: string, options: { nonEmpty?: boolean } = {},
): asserts value is string {
  if (typeof value !== 'string') wrongShape(scope, what, 'a string', value, fix);
  if (options.nonEmpty && value === '') throw zeroTrustError(scope, `${what} is empty`, fix);
}

/** A string, or undefined when the option is optional. */
export function assertOptionalString(scope: IConstruct, what: string, value: unknown, fix: string): void {
  if (value !== undefined) assertString(scope, what, value, fix);
}

/** A whole number (never a numeric string: "8080" would be silently read as something else). */
export function assertInteger(scope: IConstruct, what: string, value: unknown, fix: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) wrongShape(scope, what, 'a whole number', value, fix);
}

/** true or false. */
export function assertOptionalBoolean(scope: IConstruct, what: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') wrongShape(scope, what, 'true or false', value, `pass true or false, or omit ${what}`);
}

/** An array (the elements are checked by the caller). */
export function assertArray(scope: IConstruct, what: string, value: unknown, fix: string): asserts value is unknown[] {
  if (!Array.isArray(value)) wrongShape(scope, what, 'an array', value, fix);
}

/** An array, or undefined when the option is optional. */
export function assertOptionalArray(scope: IConstruct, what: string, value: unknown, fix: string): void {
  if (value !== undefined) assertArray(scope, what, value, fix);
}

/** A plain object of options or attributes (not an array, string or construct). */
export function assertPlainObject(scope: IConstruct, what: string, value: unknown, fix: string): asserts value is object {
  const isPlain = typeof value === 'object' && value !== null && !Array.isArray(value)
    && typeof (value as { node?: unknown }).node === 'undefined';
  if (!isPlain) wrongShape(scope, what, 'an object', value, fix);
}

/** A plain object, or undefined when it is optional. */
export function assertOptionalPlainObject(scope: IConstruct, what: string, value: unknown, fix: string): void {
  if (value !== undefined) assertPlainObject(scope, what, value, fix);
}

/** A map of string to string (labels, annotations). */
export function assertStringMap(scope: IConstruct, what: string, value: unknown): asserts value is { [key: string]: string } {
  const example = `pass an object of strings, e.g. ${what}: { app: "web" }`;
  assertPlainObject(scope, what, value, example);
  for (const [key, v] of Object.entries(value as object)) {
    if (typeof v !== 'string') wrongShape(scope, `${what}["${key}"]`, 'a string', v, example);
  }
}

/** One of the values of a string enum. */
export function assertEnumValue(scope: IConstruct, what: string, value: unknown, values: { [key: string]: string }, enumName: string): void {
  if (typeof value !== 'string' || !Object.values(values).includes(value)) {
    const names = Object.keys(values).map(k => `${enumName}.${k}`);
    const choices = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names.join('');
    throw zeroTrustError(scope, `${what} ${typeof value === 'string' ? `"${value}"` : `(${describeValue(value)})`} is unknown`, `use ${choices}`);
  }
}

/**
 * The (scope, id) of a construct: checked before `super()`, so an empty or non-string id
 * gets the library's error instead of the constructs library's.
 */
export function assertConstructArgs(scope: unknown, id: unknown, what: string): void {
  const path = (scope as { node?: { path?: unknown } } | undefined)?.node?.path;
  if (typeof path !== 'string') {
    throw zeroTrustError(scope as IConstruct, `the scope of ${what} must be a construct (an App, Chart or another construct), but it is ${describeValue(scope)}`,
      `pass the construct to create the ${what} in as the first argument`);
  }
  if (typeof id !== 'string' || id === '') {
    throw zeroTrustError(scope as IConstruct, `the id of a ${what} must be a non-empty string, but it is ${describeValue(id)}`,
      'pass a readable id, e.g. "payment-service"');
  }
}

/** Throws `[path] problem. Fix: fix.` (the core's error format). */
export function fail(scope: IConstruct, problem: string, fix: string): never {
  throw new ZeroTrustError(scope, problem, fix);
}

/** A string option, whatever the caller's language passed. */
export function requireString(scope: IConstruct, what: string, value: unknown, fix: string): asserts value is string {
  if (typeof value !== 'string') fail(scope, `${what} must be a string, but it is ${describeValue(value)}`, fix);
}

/** An option that must be an instance of one of the library's classes (built by its static factories). */
export function requireInstance(scope: IConstruct, what: string, value: unknown, type: Function, fix: string, expected: string = `a ${type.name}`): void {
  if (!(value instanceof type)) fail(scope, `${what} must be ${expected}, but it is ${describeValue(value)}`, fix);
}
