import * as fs from 'fs';
import * as path from 'path';
import { TelemetryInputError } from './errors';
import { hubbleLineToObservation } from './hubble';
import { accessLogLineToObservation } from './istio-access-log';
import { metricSeriesToObservation } from './istio-metrics';
import { PrometheusResultScanner } from './json-result-scanner';
import { ProgressCallback, readLines } from './line-reader';
import { Aggregate, Observation, ObservationStore, TelemetryFormatName } from './observation';
import { Telemetry, TelemetryOptions } from './telemetry';
import { AnalysisInputError } from '../estate/errors';

type Lines = Iterable<{ text: string; line: number }>;

/** Reads files with an optional progress callback (the CLI draws it on a terminal). */
export function readTelemetryFiles(paths: readonly string[], options: TelemetryOptions = {}, progress?: ProgressCallback): Telemetry {
  if (paths.length === 0) throw new AnalysisInputError('no telemetry file given: pass at least one with --telemetry');
  const store = new ObservationStore(options.maxPathsPerGroup);
  const formats = new Set<string>();
  for (const file of expand(paths)) {
    const format = detectFormat(head(file), file);
    formats.add(format);
    readInto(store, format, file, readLines(file, progress));
  }
  return Telemetry._of(store, [...formats].sort());
}

function expand(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new AnalysisInputError(`telemetry file '${p}' does not exist`);
    }
    if (stat.isDirectory()) out.push(...expand(fs.readdirSync(p).sort().map(e => path.join(p, e))));
    else out.push(p);
  }
  return out;
}

function head(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Recognises the format from the first record, so users need not say which file is which. */
export function detectFormat(start: string, origin: string): TelemetryFormatName {
  const text = start.replace(/^\uFEFF/, '').trimStart();
  if (text === '') throw new TelemetryInputError(`${origin}:1`, 'the file is empty', 'pass a Prometheus query response, Istio JSON access log or hubble observe -o json output');
  if (/^\{\s*"(status|data)"\s*:/.test(text)) return 'istio-metrics';
  const first = text.split('\n').find(l => l.trim() !== '')!.trim().replace(/^\[pod\/[^\]]+\]\s*/, '');
  let value: any;
  try {
    value = JSON.parse(first);
  } catch {
    throw new TelemetryInputError(`${origin}:1`, 'the format is not recognised (the first line is not a JSON object)',
      'pass a Prometheus /api/v1/query response, Istio access logs with accessLogEncoding JSON, or hubble observe -o json output');
  }
  if (value && typeof value === 'object') {
    if (value.flow || (value.verdict && (value.source || value.destination))) return 'hubble';
    if ('upstream_cluster' in value || 'response_code' in value || value.kubernetes) return 'istio-access-log';
  }
  throw new TelemetryInputError(`${origin}:1`, 'the format is not recognised (no flow, upstream_cluster or Prometheus data)',
    'pass a Prometheus /api/v1/query response, Istio access logs with accessLogEncoding JSON, or hubble observe -o json output');
}

export function readInto(store: ObservationStore, format: TelemetryFormatName, file: string, lines: Lines): void {
  if (format === 'istio-metrics') {
    const scanner = new PrometheusResultScanner(file, (series, line) => {
      const o = metricSeriesToObservation(series, `${file}:${line}`);
      store.records++;
      if (o) addCounted(store, o);
    });
    let last = 0;
    for (const { text, line } of lines) {
      scanner.feed(text, line);
      last = line;
    }
    scanner.end(last);
    if (scanner.status !== undefined && scanner.status !== 'success') {
      throw new TelemetryInputError(`${file}:1`, `the Prometheus query failed (status ${scanner.status})`, 'fix the query and save a successful response');
    }
    if (scanner.resultType !== 'vector' || !scanner.sawResult) {
      throw new TelemetryInputError(`${file}:1`, `expected data.resultType "vector" with data.result, got ${JSON.stringify(scanner.resultType ?? null)}`,
        'run an instant query of sum by (...) (increase(...[7d])) against /api/v1/query');
    }
    return;
  }
  const parse = format === 'hubble' ? hubbleLineToObservation : accessLogLineToObservation;
  for (const { text, line } of lines) {
    const o = parse(text, `${file}:${line}`);
    if (text.trim() !== '') store.records++;
    if (o) addCounted(store, o);
  }
}

// store.add counts records itself; parsers that count records separately undo it here.
function addCounted(store: ObservationStore, o: Observation): void {
  store.add(o);
  store.records--;
}

export function replay(store: ObservationStore, a: Aggregate): void {
  let rest = a.count;
  for (const [code, n] of a.codes) {
    store.add({ ...a.observation, code, count: n, time: a.first });
    rest -= n;
  }
  if (rest > 0 || a.codes.size === 0) store.add({ ...a.observation, code: undefined, count: rest, time: a.first });
  if (a.last !== undefined && a.last !== a.first) store.add({ ...a.observation, code: undefined, count: 0, time: a.last });
}
