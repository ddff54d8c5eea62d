import type { RouterDialect } from './dialect.js';
import type { BgpNeighborDetail, BgpSummary, RouteEntry, RouterVersion, RunningConfig } from './records.js';

/**
 * What the engine, `verify`, `record` and `neighbors` ask of a router, whatever its dialect: the
 * FRR/Quagga driver (driver.ts) and the BIRD one (bird/driver.ts) both implement it, so it is a
 * module of its own that neither has to import the other for.
 */
export interface RouterDriver {
  readonly description: string;
  version(): Promise<RouterVersion>;
  /** BIRD's driver reads several outputs per record and has no one-command dialect. */
  dialect(): Promise<RouterDialect | { name: 'bird' }>;
  bgpSummary(): Promise<BgpSummary[]>;
  /** The RIB's BGP routes with their FIB flags (zebra's view, not bgpd's). */
  bgpRoutes(family?: 4 | 6): Promise<RouteEntry[]>;
  neighbors(): Promise<BgpNeighborDetail[]>;
  runningBgpConfig(): Promise<RunningConfig>;
  /** `configure terminal`, the lines, `end`, in one vtysh run; the first refusal throws. */
  applyConfig(lines: readonly string[]): Promise<void>;
  writeMemory(): Promise<void>;
  close(): Promise<void>;
}
