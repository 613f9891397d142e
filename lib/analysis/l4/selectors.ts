/** A Kubernetes LabelSelector as it appears in manifests. */
export interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: ReadonlyArray<LabelSelectorRequirement>;
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: ReadonlyArray<string>;
}

export type Labels = Readonly<Record<string, string>>;

/**
 * Kubernetes label selector semantics: every matchLabels entry and every expression must hold;
 * an empty selector matches everything. NotIn and DoesNotExist hold when the key is absent.
 */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[req.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[req.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // validateSelector rejects these earlier; an unknown operator never matches.
        return false;
    }
  }
  return true;
}

/** Returns a problem description when the selector is malformed, undefined when it is valid. */
export function selectorProblem(selector: unknown): string | undefined {
  if (selector === null || typeof selector !== 'object') return 'selector must be an object';
  const s = selector as LabelSelector;
  for (const req of s.matchExpressions ?? []) {
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(req.operator)) {
      return `unknown matchExpressions operator '${req.operator}' (expected In, NotIn, Exists or DoesNotExist)`;
    }
    if ((req.operator === 'In' || req.operator === 'NotIn') && (req.values ?? []).length === 0) {
      return `matchExpressions operator '${req.operator}' on key '${req.key}' needs at least one value`;
    }
    if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && (req.values ?? []).length > 0) {
      return `matchExpressions operator '${req.operator}' on key '${req.key}' takes no values`;
    }
  }
  return undefined;
}

/** A label pair usable to narrow candidates through an index, if the selector has one. */
export function indexKeyOf(selector: LabelSelector): string | undefined {
  const entries = Object.entries(selector.matchLabels ?? {});
  if (entries.length > 0) return `${entries[0][0]}=${entries[0][1]}`;
  return undefined;
}
