import type { SecretText } from './secret-text.js';

/**
 * Where a command goes: top level (prefix-lists), inside a route-map entry (`block`), directly
 * under `router bgp`, or inside its `address-family ipv4|ipv6 unicast`.
 */
export type PlanContext = 'global' | 'route-map' | 'router' | 'ipv4-unicast' | 'ipv6-unicast';

export interface PlanStep {
  op: 'add' | 'remove';
  context: PlanContext;
  /** The vtysh command, e.g. `neighbor 192.168.201.2 remote-as 64500` or `no neighbor ...`. */
  command: string;
  /** For context 'route-map': the entry it belongs to, e.g. `route-map crs-in permit 10`. */
  block?: string;
  /** For context 'route-map': the router has no such entry yet; this step creates it. */
  newBlock?: true;
  /** `command` shows `<redacted>` where this secret goes; only configLinesFor reveals it. */
  secret?: SecretText;
}
