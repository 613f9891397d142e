import { textLines } from './line-reader';
import { Aggregate, ObservationStore } from './observation';
import { detectFormat, readInto, readTelemetryFiles, replay } from './read';

/** How telemetry is read. */
export interface TelemetryOptions {
  /**
   * Distinct HTTP paths kept per caller, callee, port and method; further paths are cut to
   * their first segment (`/orders/*`), so URLs full of IDs keep memory bounded.
   * @default 200
   */
  readonly maxPathsPerGroup?: number;
}

/**
 * Observed traffic: Istio standard metrics (a Prometheus `/api/v1/query` vector response),
 * Istio JSON access logs, or Cilium Hubble flows (`hubble observe -o json`). The format of each
 * file is recognised from its content. Files are streamed, so size is bounded by the number of
 * distinct calls, not of records.
 */
export class Telemetry {
  /** Reads telemetry files, whatever their format (several formats may be mixed). */
  public static fromFiles(paths: string[], options: TelemetryOptions = {}): Telemetry {
    return readTelemetryFiles(paths, options);
  }

  /**
   * Reads telemetry held in a string.
   * @param text the file's content
   * @param origin the name used in error messages
   */
  public static fromText(text: string, origin?: string, options: TelemetryOptions = {}): Telemetry {
    const store = new ObservationStore(options.maxPathsPerGroup);
    const name = origin ?? 'telemetry';
    const format = detectFormat(text.slice(0, 64 * 1024), name);
    readInto(store, format, name, textLines(text));
    return new Telemetry(store, [format]);
  }

  /** Combines the calls of several telemetry sources. */
  public static merge(sources: Telemetry[]): Telemetry {
    const store = new ObservationStore();
    for (const s of sources) for (const a of s.store.aggregates()) replay(store, a);
    store.records = sources.reduce((n, s) => n + s.records, 0);
    store.truncatedPaths = sources.reduce((n, s) => n + s.truncatedPaths, 0);
    return new Telemetry(store, [...new Set(sources.flatMap(s => s.formats))].sort());
  }

  /** @internal */
  public static _of(store: ObservationStore, formats: string[]): Telemetry {
    return new Telemetry(store, formats);
  }

  /** Records read (series, log lines, flows), including those that carried no call. */
  public readonly records: number;
  /** Formats found: `istio-metrics`, `istio-access-log`, `hubble`. */
  public readonly formats: string[];
  /** Paths cut to a prefix because a group had more distinct paths than `maxPathsPerGroup`. */
  public readonly truncatedPaths: number;

  private constructor(private readonly store: ObservationStore, formats: string[]) {
    this.records = store.records;
    this.formats = [...formats];
    this.truncatedPaths = store.truncatedPaths;
  }

  /** @internal */
  public _aggregates(): Aggregate[] {
    return this.store.aggregates();
  }
}

