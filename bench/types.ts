/** One measured figure; `target` states the goal the issue sets, for the table in docs/benchmarks.md. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  target?: string;
  /** Whether the figure meets the target (undefined when no target applies). */
  met?: boolean;
}

export interface BenchSuite {
  name: string;
  /** Returns the figures; a suite that needs root or a package returns a row saying it skipped. */
  run(): Promise<BenchRow[]>;
}
