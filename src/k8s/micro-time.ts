/** Kubernetes MicroTime (Lease renewTime, events.k8s.io eventTime): RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
