/**
 * What the verifier needs to know about the router, and nothing more. Drivers (text or JSON,
 * Quagga or FRR, live or recorded) are adapted into this shape, so the verifier never learns
 * which dialect or transport produced it.
 */

export interface ObservedSession {
  /** Canonical neighbor address. */
  neighbor: string;
  remoteAs: number;
  /** `Established`, or the FSM state as the router prints it (`Active`, `Idle (Admin)`...). */
  state: string;
  /** Only known for an established session. */
  prefixesReceived?: number;
  /** As printed: `3d12h38m`, `00:00:03`, `never`. */
  upDownText: string;
  /**
   * Families (4, 6) in which this session carries several paths per prefix: ADD-PATH (RFC 7911)
   * negotiated, the router receiving and the neighbor sending. Absent when the router's neighbor
   * details were not read; empty for a session without ADD-PATH (every Quagga session).
   */
  multiPathFamilies?: Array<4 | 6>;
  /**
   * Families in graceful restart (RFC 4724) whose End-of-RIB the router has not received since
   * the session came up: it still holds the routes of our previous session as stale, and drops
   * those we do not send again once the End-of-RIB arrives (section 4.2). Absent when unknown.
   */
  endOfRibAwaited?: Array<4 | 6>;
}

export interface ObservedNextHop {
  /** Canonical address; absent for connected/blackhole next hops. */
  address?: string;
  interface?: string;
  /** Installed in the kernel FIB. */
  fib: boolean;
  active: boolean;
}

/** One BGP route of `show ip route bgp` (any family). */
export interface ObservedRoute {
  /** Canonical prefix text (`192.168.197.0/32`, `2001:db8::1/128`). */
  prefix: string;
  family: 4 | 6;
  /** The status codes as the router shows them, e.g. `B>*`, `B>r`, `B`. */
  codes: string;
  selected: boolean;
  /** The route itself is installed in the FIB. */
  installed: boolean;
  nextHops: ObservedNextHop[];
  /** As printed: `3d13h00m`, `00:00:12`. */
  ageText?: string;
}

/** A `neighbor X remote-as Y` statement from the running config. */
export interface ObservedNeighborConfig {
  neighbor: string;
  remoteAs?: number | 'internal' | 'external';
}

export interface ObservedRouterState {
  routerId?: string;
  localAs?: number;
  sessions: ObservedSession[];
  /** BGP routes only; other protocols are not ours to judge. */
  routes: ObservedRoute[];
  /** From the running config when it was read; absent means "not looked at". */
  configuredNeighbors?: ObservedNeighborConfig[];
}
