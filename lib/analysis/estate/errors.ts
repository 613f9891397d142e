/** Raised for input the analyzer cannot read at all (the CLI maps it to exit code 2). */
export class AnalysisInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisInputError';
  }
}
