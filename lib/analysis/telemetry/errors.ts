import { AnalysisInputError } from '../estate/errors';

/** Bad telemetry: names the file and line, and what to do about it (CLI exit code 2). */
export class TelemetryInputError extends AnalysisInputError {
  constructor(origin: string, what: string, fix: string) {
    super(`${origin}: ${what}; ${fix}`);
    this.name = 'TelemetryInputError';
  }
}
