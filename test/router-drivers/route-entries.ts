import type { RouteEntry } from '../../src/router-drivers/records.js';
import { parseUptime } from '../../src/router-drivers/uptime.js';

/** A selected, installed BGP route as zebra lists it (distance 20), all next hops in the FIB. */
export function bgpRoute(
  prefix: string,
  hops: string[],
  intf: string,
  uptimeText: string,
  weight?: number,
): RouteEntry {
  return {
    prefix,
    family: 4,
    protocolCode: 'B',
    selected: true,
    fib: true,
    queued: false,
    rejected: false,
    distance: 20,
    metric: 0,
    nextHops: hops.map((address) => ({
      address,
      interface: intf,
      fib: true,
      directlyConnected: false,
      active: true,
      ...(weight === undefined ? {} : { weight }),
    })),
    uptimeText,
    uptimeSec: parseUptime(uptimeText) as number,
  };
}
