/**
 * A round's writes with a bounded number of requests in flight. One at a time, the first status
 * round at 10,000 Services took over 15 minutes (each write waits for the API server's admission
 * and etcd commit, on a machine where the API server shares the cores); without a bound, 10,000
 * requests at once would queue in the API server's max-in-flight limit and in our socket pool.
 */

/**
 * Writes in flight per round. 16 stays far below the API server's default
 * --max-mutating-requests-inflight (200), which every other client of the cluster shares, and
 * below the bench loader's 32, which already reached 40 to 68 objects/s on the shared two-core
 * machine (docs/benchmarks.md): more would queue in the API server and etcd, not go faster.
 */
export const WRITES_IN_FLIGHT = 16;

/**
 * Runs `work` for every item, `width` at a time, in the items' order of starting. After a
 * failure nothing new starts; the ones in flight finish, then the first failure is thrown.
 */
export async function forEachInFlight<T>(
  items: readonly T[],
  width: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await work(items[index] as T, index);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  if (failure !== undefined) throw failure.err;
}

/** `work` for every item, `width` at a time (as forEachInFlight); the results in the items' order. */
export async function mapInFlight<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  await forEachInFlight(items, width, async (item, index) => {
    results[index] = await work(item);
  });
  return results;
}
