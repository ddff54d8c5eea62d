import type { LabelSelector } from '../../config/model.js';

/** Kubernetes label-selector semantics: every matchLabels entry and every expression must hold. */
export function matchesSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const value = labels[req.key];
    switch (req.operator) {
      case 'In':
        if (!has || !req.values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (has && req.values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** MetalLB's reading of a selector list: none means "everything", otherwise any one may match. */
export function matchesAny(selectors: readonly LabelSelector[], labels: Record<string, string>): boolean {
  return selectors.length === 0 || selectors.some((s) => matchesSelector(s, labels));
}
