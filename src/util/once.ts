/**
 * A value built on its first use and kept for every later one. The zod schemas of src/config
 * and src/sources are built this way: built when their module loads, they cost every process
 * that imports the module start-up CPU, used or not (`check` of a MetalLB ConfigMap never
 * parses our own form or the CRDs; docs/benchmarks.md, CLI start-up).
 */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
