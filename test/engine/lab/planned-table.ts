import { loadConfigFiles } from '../../../src/config/index.js';
import { loadManifests } from '../../../src/sources/manifests-source.js';
import { planCluster } from '../../../src/sync/planner/index.js';
import type { RouteTable } from '../../lab/route-tables.js';
import { addressTexts } from '../../../src/ip/address.js';

/** What the plan says the router should carry: prefix -> sorted next hops. */
export async function plannedTable(configFile: string, manifests: string): Promise<RouteTable> {
  const { config } = await loadConfigFiles([configFile]);
  const { snapshot } = await loadManifests(manifests);
  const plan = planCluster(config, snapshot);
  return Object.fromEntries(
    plan.peers.flatMap((p) => p.routes.map((r) => [r.prefix.text, addressTexts(r.nextHops).sort()])),
  );
}
