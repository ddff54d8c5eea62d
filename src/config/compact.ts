/**
 * Drops keys whose value is undefined, so optional model fields are absent rather than present
 * and undefined: `'host' in router` and deep-equality comparisons then mean what they say.
 */
export function compact<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
