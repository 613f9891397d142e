import { IConstruct } from 'constructs';
import { zeroTrustError } from '../errors';
import { ClaimIntent, JwtIntent } from '../model/edge-intent';
import { compareStrings } from '../model/order';

/** The organisation's OIDC issuer whose tokens an entry point accepts. */
export interface OidcIssuer {
  /** Issuer URL, exactly as in the tokens' `iss` claim. Must be https. */
  readonly issuer: string;
  /**
   * https URL of the issuer's JSON Web Key Set. Set this or `jwks`.
   * @default - `jwks`
   */
  readonly jwksUri?: string;
  /**
   * Inline JSON Web Key Set (a JSON document with a non-empty `keys` array). Set this or `jwksUri`.
   * @default - `jwksUri`
   */
  readonly jwks?: string;
  /**
   * Accepted `aud` values: the tokens minted for this application.
   * @default - any audience (then `requiredClaims` must not be empty)
   */
  readonly audiences?: string[];
}

/**
 * A claim every request's token must carry. A string claim must equal one of `values`;
 * a list claim (such as `groups` or `amr`) must contain one of them.
 */
export interface RequiredClaim {
  /** Top-level claim name, e.g. `groups`, `amr`, `device_compliant`. */
  readonly claim: string;
  /**
   * Names below `claim` for a nested claim, e.g. `claim: 'device', nested: ['posture']`.
   * @default - a top-level claim
   */
  readonly nested?: string[];
  /** Accepted values; any one of them satisfies the claim. Must not be empty. */
  readonly values: string[];
}

/** Checks the issuer and key source; returns them as intent. */
export function jwtIntent(scope: IConstruct, oidc: OidcIssuer): JwtIntent {
  if (!oidc || !isHttpsUrl(oidc.issuer)) {
    throw zeroTrustError(scope, `issuer "${oidc?.issuer}" is not an https URL`,
      'use the issuer URL from your identity provider\'s discovery document, for example "https://login.example.com"; tokens from a plain-http issuer can be forged in transit');
  }
  if ((oidc.jwksUri === undefined) === (oidc.jwks === undefined)) {
    throw zeroTrustError(scope, `issuer "${oidc.issuer}" has ${oidc.jwksUri === undefined ? 'neither jwksUri nor jwks' : 'both jwksUri and jwks'}`,
      'set exactly one: jwksUri (the JWKS endpoint) or jwks (the key set inline)');
  }
  if (oidc.jwksUri !== undefined && !isHttpsUrl(oidc.jwksUri)) {
    throw zeroTrustError(scope, `jwksUri "${oidc.jwksUri}" is not an https URL`, 'use the https JWKS endpoint of the issuer');
  }
  if (oidc.jwks !== undefined) checkInlineJwks(scope, oidc.jwks);
  if (oidc.audiences !== undefined) {
    if (oidc.audiences.length === 0 || oidc.audiences.some(a => typeof a !== 'string' || a.trim() === '')) {
      throw zeroTrustError(scope, `audiences ${JSON.stringify(oidc.audiences)} has an empty entry or is empty`,
        'list the audience values of this application, or omit "audiences"');
    }
  }
  return {
    issuer: oidc.issuer,
    ...(oidc.jwksUri !== undefined ? { jwksUri: oidc.jwksUri } : { jwks: oidc.jwks }),
    ...(oidc.audiences ? { audiences: [...new Set(oidc.audiences)].sort(compareStrings) } : {}),
  };
}

/** Checks the required claims; returns them sorted by path. */
export function claimIntents(scope: IConstruct, claims: RequiredClaim[]): ClaimIntent[] {
  const out = new Map<string, ClaimIntent>();
  for (const c of claims) {
    const path = [c?.claim, ...(c?.nested ?? [])];
    for (const name of path) {
      if (typeof name !== 'string' || name.trim() === '') {
        throw zeroTrustError(scope, `a required claim has an empty name (${JSON.stringify(c)})`,
          'name the claim, for example { claim: "groups", values: ["engineering"] }');
      }
      if (/[[\]]/.test(name)) {
        throw zeroTrustError(scope, `claim name "${name}" contains "[" or "]", which Istio reads as nesting`,
          'use "nested" for nested claims: { claim: "device", nested: ["posture"], values: [...] }');
      }
    }
    if (!Array.isArray(c.values) || c.values.length === 0 || c.values.some(v => typeof v !== 'string' || v === '')) {
      throw zeroTrustError(scope, `claim "${path.join('.')}" has no values or an empty value`,
        `list the accepted values, for example { claim: "${c.claim}", values: ["engineering"] }`);
    }
    if (c.values.some(v => v.includes('*'))) {
      throw zeroTrustError(scope, `claim "${path.join('.')}" has a value with "*", which Istio treats as a wildcard`,
        'list exact values');
    }
    const key = JSON.stringify(path);
    if (out.has(key)) {
      throw zeroTrustError(scope, `claim "${path.join('.')}" is required twice`, 'merge its values into one requirement (values are alternatives)');
    }
    out.set(key, { claim: path as string[], values: [...new Set(c.values)].sort(compareStrings) });
  }
  return [...out.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, v]) => v);
}

/** Istio's attribute key for a claim: `request.auth.claims[groups]`, `request.auth.claims[device][posture]`. */
export function claimKey(claim: string[]): string {
  return `request.auth.claims${claim.map(n => `[${n}]`).join('')}`;
}

function isHttpsUrl(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname.length > 0 && !url.username && !url.password;
  } catch {
    return false;
  }
}

function checkInlineJwks(scope: IConstruct, jwks: string): void {
  let keys: unknown;
  try {
    keys = JSON.parse(jwks)?.keys;
  } catch {
    keys = undefined;
  }
  if (!Array.isArray(keys) || keys.length === 0) {
    throw zeroTrustError(scope, 'jwks is not a JSON Web Key Set with a non-empty "keys" array',
      'paste the issuer\'s JWKS document (`{"keys":[...]}`), or use jwksUri');
  }
}
