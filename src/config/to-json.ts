import { formatIp } from '../ip/address.js';
import type { Config } from './model.js';

/**
 * A JSON-safe copy of a Config: address ranges carry their first/last addresses as text
 * (bigints do not serialize, and addresses are what a reader wants to see); peer passwords
 * are `<redacted>`.
 */
export function configToJson(config: Config): unknown {
  return {
    ...config,
    // A peer's TCP-MD5 password never leaves the process in output (`plan --output json`).
    peers: config.peers.map((p) => (p.password === undefined ? p : { ...p, password: '<redacted>' })),
    pools: config.pools.map((pool) => ({
      ...pool,
      addresses: pool.addresses.map((r) => ({
        text: r.text,
        family: r.family,
        first: formatIp(r.family, r.first),
        last: formatIp(r.family, r.last),
      })),
    })),
  };
}
