import { IConstruct } from 'constructs';

/**
 * An error that says where, what, and how to fix it.
 *
 * Every refusal names the construct path, the offending value and the fix, so a
 * reviewer can act on a failed synth without reading the library's source.
 */
export class ZeroTrustError extends Error {
  /** The message without the construct path, for `node.addValidation` (cdk8s prefixes the path itself). */
  public readonly detail: string;

  constructor(scope: IConstruct, problem: string, fix: string) {
    const detail = `${problem}. Fix: ${fix}.`;
    // A caller in another language may pass anything as scope; the message must still say what and how.
    super(`[${pathOf(scope)}] ${detail}`);
    this.detail = detail;
    this.name = 'ZeroTrustError';
  }
}

function pathOf(scope: IConstruct | undefined): string {
  const path = scope?.node?.path;
  if (typeof path !== 'string') return '<no construct>';
  return path === '' ? '<app>' : path;
}

/** Shorthand used by validators: `throw zeroTrustError(this, 'port 0 is invalid', 'use 1-65535')`. */
export function zeroTrustError(scope: IConstruct, problem: string, fix: string): ZeroTrustError {
  return new ZeroTrustError(scope, problem, fix);
}

/**
 * Runs `check` during cdk8s validation (before any file is written) and reports its
 * ZeroTrustError instead of throwing, so every problem of an app shows up in one run.
 */
export function validateWith(scope: IConstruct, check: () => void): void {
  scope.node.addValidation({
    validate: () => {
      try {
        check();
        return [];
      } catch (e) {
        if (e instanceof ZeroTrustError) return [e.detail];
        throw e;
      }
    },
  });
}
