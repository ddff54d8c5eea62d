import { expect } from 'chai';
import type { RouterDriver } from '../../src/router-drivers/router-driver.js';
import { parseRunningConfig } from '../../src/router-drivers/index.js';
import { driverNeighborManager, speakerNeighbors } from '../../src/app/engine/neighbor-manager.js';
import { silentLogger } from '../../src/observability/logger.js';
import { config, peer, pool } from '../sync/builders.js';

/** A router whose running config is what it started with plus the neighbor lines applied to it. */
function growingRouter(lines: string[]) {
  const config = [...lines];
  const applied: string[][] = [];
  const driver = {
    description: 'fake router',
    runningBgpConfig: async () => parseRunningConfig(config.join('\n')),
    applyConfig: async (commands: string[]) => {
      applied.push(commands);
      for (const c of commands) if (c.startsWith('neighbor ')) config.push(` ${c}`);
    },
  } as unknown as RouterDriver;
  return { driver, applied };
}

const marked = (address: string) => [
  ` neighbor ${address} remote-as 64500`,
  ` neighbor ${address} description cluster-router-sync`,
];

describe('engine: neighbor manager (manageNeighbors) with path slots', () => {
  const slotted = peer('192.168.200.1', {
    name: 'slotted',
    sourceAddresses: ['192.168.201.2', '192.168.201.5'],
    sourceAddress: '192.168.201.2',
  });
  const single = peer('192.168.200.2', { name: 'single', sourceAddress: '192.168.201.7' });
  const elsewhere = peer('192.168.200.3', {
    name: 'elsewhere',
    peerAsn: 65000,
    sourceAddress: '192.168.201.9',
  });
  const cfg = config([pool('default', ['192.168.197.0/24'])], [slotted, single, elsewhere]);

  it('wants one neighbor per slot address', () => {
    expect(speakerNeighbors([slotted, single], cfg.speaker).map((n) => n.address)).to.deep.equal([
      '192.168.201.2',
      '192.168.201.5',
      '192.168.201.7',
    ]);
  });

  it("re-adds a missing slot's line and keeps the router's other lines of ours", async () => {
    const router = growingRouter([
      'router bgp 64501',
      ...marked('192.168.201.2'),
      ...marked('192.168.201.7'),
    ]);
    const manager = driverNeighborManager(router.driver, cfg, silentLogger());
    expect(await manager.ensureNeighbor(slotted)).to.equal(
      'neighbor 192.168.201.2, 192.168.201.5 remote-as 64500 on the router',
    );
    expect(router.applied).to.deep.equal([
      [
        'router bgp 64501',
        'neighbor 192.168.201.5 remote-as 64500',
        'neighbor 192.168.201.5 description cluster-router-sync',
      ],
    ]);
  });
});
