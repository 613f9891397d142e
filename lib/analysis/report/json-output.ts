import { AccessDiff, AccessPath, AnalysisFinding, BlastRadius, WorkloadSummary } from '../types';

/** Version of the CLI's JSON output; bumped on any incompatible change. */
export const JSON_SCHEMA_VERSION = 1 as const;

/** `reach --output json` */
export interface ReachJson {
  readonly schemaVersion: typeof JSON_SCHEMA_VERSION;
  readonly command: 'reach';
  /** Readable lines of the paths both layers admit. */
  readonly allowed: string[];
  readonly paths: AccessPath[];
  readonly workloads: WorkloadSummary[];
  readonly findings: AnalysisFinding[];
}

/** `blast-radius --output json` */
export interface BlastRadiusJson {
  readonly schemaVersion: typeof JSON_SCHEMA_VERSION;
  readonly command: 'blast-radius';
  readonly blastRadius: BlastRadius;
}

/** `diff --output json` */
export interface DiffJson {
  readonly schemaVersion: typeof JSON_SCHEMA_VERSION;
  readonly command: 'diff';
  readonly diff: AccessDiff;
  readonly approved: boolean;
  /** True when `--fail-on-new-access` is set, access widened and `--approve` was not given. */
  readonly failed: boolean;
}

/** `check --output json` */
export interface CheckJson {
  readonly schemaVersion: typeof JSON_SCHEMA_VERSION;
  readonly command: 'check';
  /** `<source> -> <destination> <protocol>/<port>[ <method> <path>]` */
  readonly request: string;
  readonly l4: string;
  readonly l7: string;
  readonly verdict: string;
  readonly reasons: string[];
  readonly caveats: string[];
}

export type AnalysisJson = ReachJson | BlastRadiusJson | DiffJson | CheckJson;
