/**
 * A set of bigints kept as sorted, merged, inclusive intervals. Memory follows the number of
 * runs of used values, never the size of the space they live in, and because runs are merged the
 * value after the run that covers a point is always free: that makes "lowest free" a binary search.
 */
export class IntervalSet {
  private readonly starts: bigint[] = [];
  private readonly ends: bigint[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Index of the first interval whose end is >= value (intervals.length when none). */
  private firstEndingAtOrAfter(value: bigint): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ends[mid] as bigint) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(value: bigint): boolean {
    const i = this.firstEndingAtOrAfter(value);
    return i < this.starts.length && (this.starts[i] as bigint) <= value;
  }

  /** Adds a value; returns false when it was already present. */
  add(value: bigint): boolean {
    const i = this.firstEndingAtOrAfter(value);
    const next = i < this.starts.length ? (this.starts[i] as bigint) : undefined;
    if (next !== undefined && next <= value) return false;
    this.count++;
    const joinsPrev = i > 0 && (this.ends[i - 1] as bigint) === value - 1n;
    const joinsNext = next === value + 1n;
    if (joinsPrev && joinsNext) {
      this.ends[i - 1] = this.ends[i] as bigint;
      this.starts.splice(i, 1);
      this.ends.splice(i, 1);
    } else if (joinsPrev) {
      this.ends[i - 1] = value;
    } else if (joinsNext) {
      this.starts[i] = value;
    } else {
      this.starts.splice(i, 0, value);
      this.ends.splice(i, 0, value);
    }
    return true;
  }

  /** Removes a value; returns false when it was absent. */
  delete(value: bigint): boolean {
    const i = this.firstEndingAtOrAfter(value);
    if (i >= this.starts.length) return false;
    const start = this.starts[i] as bigint;
    const end = this.ends[i] as bigint;
    if (start > value) return false;
    this.count--;
    if (start === end) {
      this.starts.splice(i, 1);
      this.ends.splice(i, 1);
    } else if (value === start) {
      this.starts[i] = value + 1n;
    } else if (value === end) {
      this.ends[i] = value - 1n;
    } else {
      this.ends[i] = value - 1n;
      this.starts.splice(i + 1, 0, value + 1n);
      this.ends.splice(i + 1, 0, end);
    }
    return true;
  }

  /** The lowest value in [lo, hi] not in the set, or undefined when the whole span is taken. */
  lowestFree(lo: bigint, hi: bigint): bigint | undefined {
    if (lo > hi) return undefined;
    const i = this.firstEndingAtOrAfter(lo);
    if (i >= this.starts.length || (this.starts[i] as bigint) > lo) return lo;
    const candidate = (this.ends[i] as bigint) + 1n;
    return candidate <= hi ? candidate : undefined;
  }

  /** Number of stored runs: what memory use is proportional to. */
  get runs(): number {
    return this.starts.length;
  }
}
