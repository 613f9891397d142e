import { RequestContext } from './rules';
import { AuthorizationPolicyInfo, IstioRule, IstioSource } from '../estate/model';

/**
 * The rules of one policy, indexed by the exact principals their sources require. A rule whose
 * every source lists exact principals, and that holds nothing the analyzer would remark on
 * (unknown fields, `when` conditions, address ranges, hosts, path templates), matches no request
 * of any other principal and adds no note while failing: it can be skipped for those, without
 * changing a verdict or a caveat. Every other rule is always evaluated.
 */
interface RuleIndex {
  /** Positions of the rules evaluated for every source. */
  readonly always: number[];
  readonly byPrincipal: Map<string, number[]>;
  /** The rules handed out per principal, in policy order. */
  readonly cache: Map<string, readonly IstioRule[]>;
}

const INDEXES = new WeakMap<AuthorizationPolicyInfo, RuleIndex>();

/**
 * The rules of `policy` that can match a request from the source of `ctx`, in policy order.
 * A source known only by a prefix (a representative endpoint) gets every rule.
 */
export function rulesFor(policy: AuthorizationPolicyInfo, ctx: RequestContext): readonly IstioRule[] {
  if (ctx.partial !== undefined) return policy.rules;
  let index = INDEXES.get(policy);
  if (!index) INDEXES.set(policy, index = indexRules(policy.rules));
  if (index.always.length === policy.rules.length) return policy.rules;
  let rules = index.cache.get(ctx.principal);
  if (!rules) {
    const named = index.byPrincipal.get(ctx.principal) ?? [];
    const positions = named.length === 0 ? index.always : [...index.always, ...named].sort((a, b) => a - b);
    rules = positions.map(i => policy.rules[i]);
    index.cache.set(ctx.principal, rules);
  }
  return rules;
}

function indexRules(rules: readonly IstioRule[]): RuleIndex {
  const index: RuleIndex = { always: [], byPrincipal: new Map(), cache: new Map() };
  rules.forEach((rule, i) => {
    const principals = exactPrincipals(rule);
    if (!principals) {
      index.always.push(i);
      return;
    }
    for (const p of principals) {
      const list = index.byPrincipal.get(p);
      if (!list) index.byPrincipal.set(p, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  });
  return index;
}

/** The principals a rule requires of every request, or undefined when it cannot be skipped safely. */
function exactPrincipals(rule: IstioRule): Set<string> | undefined {
  if (rule.unknownFields?.length || rule.when || !rule.from || rule.from.length === 0) return undefined;
  for (const op of rule.to ?? []) {
    if (op.unknownFields?.length || op.hosts || op.notHosts) return undefined;
    if ([...op.paths ?? [], ...op.notPaths ?? []].some(p => p.includes('{'))) return undefined;
  }
  const principals = new Set<string>();
  for (const source of rule.from) {
    if (!quietSource(source)) return undefined;
    source.principals!.forEach(p => principals.add(p));
  }
  return principals;
}

/** A source that fails on its exact principals alone, silently. */
function quietSource(s: IstioSource): boolean {
  return !s.unknownFields?.length && !s.ipBlocks && !s.notIpBlocks && !s.remoteIpBlocks && !s.notRemoteIpBlocks
    && s.principals !== undefined && s.principals.length > 0 && s.principals.every(p => p !== '' && !p.includes('*'));
}
