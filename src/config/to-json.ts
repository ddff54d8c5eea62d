import { formatIpAddress } from './addresses.js';
import type { Config } from './model.js';

/**
 * A JSON-safe copy of a Config: address ranges carry their first/last addresses as text
 * (bigints do not serialize, and addresses are what a reader wants to see).
 */
export function configToJson(config: Config): unknown {
  return {
    ...config,
    pools: config.pools.map((pool) => ({
      ...pool,
      addresses: pool.addresses.map((r) => ({
        text: r.text,
        family: r.family,
        first: formatIpAddress(r.family, r.first),
        last: formatIpAddress(r.family, r.last),
      })),
    })),
  };
}
