import { expect } from 'chai';
import { inspect } from 'node:util';
import type { DesiredRoute, SpeakerPeer } from '../../src/bgp/index.js';
import { createDriverOn } from '../../src/router-drivers/driver.js';
import type { RouterDriver } from '../../src/router-drivers/router-driver.js';
import { NeighborVerificationError } from '../../src/router-drivers/errors.js';
import { applyNeighborPlan } from '../../src/router-drivers/neighbor-apply.js';
import {
  planNeighborChanges,
  renderNeighborPlan,
  type NeighborPolicy,
} from '../../src/router-drivers/neighbor-plan.js';
import { createLocalTransport } from '../../src/router-drivers/transport-local.js';
import type { RouterTransport } from '../../src/router-drivers/transport.js';
import { SpeakerProcess } from '../bgp/lab/speaker-process.js';
import { startFrr, type FrrRouter } from '../lab/frr.js';
import { createLab, type Lab } from '../lab/netns.js';
import { requireLab } from '../support/requirements.js';
import { waitFor } from '../support/wait-for.js';
import { labRouterPeer } from '../lab/speaker-peer.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';

const KEY = `crs-md5-${Math.random().toString(36).slice(2, 10)}`;
const route = (prefix: string): DesiredRoute => ({
  prefix: routePrefixOf(prefix),
  nextHops: nextHopsOf(['192.168.201.2']),
  communities: [],
  largeCommunities: [],
});
/** Two host routes in the pool, and what the filter must reject: outside the pool, not a host route. */
const IN_POOL = ['192.168.197.0/32', '192.168.197.1/32'];
const OUTSIDE = ['192.168.196.5/32', '10.199.0.1/32', '192.168.197.0/24'];

const POLICY: NeighborPolicy = {
  routerAs: 64501,
  descriptionMarker: 'crs-managed',
  neighbors: [{ address: '192.168.201.2', remoteAs: 64500, password: KEY }],
  importPools: [{ addresses: '192.168.197.0/24' }, { addresses: 'fd00:197::/120' }],
};

const PEER: SpeakerPeer = labRouterPeer({ connectTimeSec: 3, sourceAddress: '192.168.201.2', password: KEY });

describe('import filter and password applied by the neighbor planner, against real FRR 8.4 @lab', function () {
  this.timeout(180_000);
  let lab: Lab | undefined;
  let frr: FrrRouter | undefined;
  let speaker: SpeakerProcess | undefined;
  let driver: RouterDriver | undefined;
  const logged: string[] = [];
  const record = (o: object, m: string) =>
    logged.push(`${m} ${JSON.stringify(o)} ${inspect(o, { depth: 10 })}`);
  const log = { debug: record, info: record, warn: record, error: record };

  before(async function () {
    requireLab(this, { root: true, commands: ['vtysh', '/usr/lib/frr/bgpd'] });
    lab = await createLab();
    // No neighbor and FRR's defaults: `bgp ebgp-requires-policy` stays on.
    frr = await startFrr(lab, { bgpLines: [] });
    driver = createDriverOn(
      createLocalTransport({ vtyshPath: frr.vtyshPath, commandTimeoutMs: 20_000 }),
      log,
      'frr',
    );
  });

  after(async () => {
    await speaker?.kill();
    await driver?.close();
    await frr?.stop();
    await lab?.destroy();
  });

  it('adds the neighbor with password and import filter, verified by re-reading the router', async () => {
    const plan = planNeighborChanges(await driver!.runningBgpConfig(), POLICY);
    const diff = renderNeighborPlan(plan);
    expect(diff).to.include('+ neighbor 192.168.201.2 password <redacted>');
    expect(diff).to.include('+ ip prefix-list crs-managed-in seq 5 permit 192.168.197.0/24 ge 32');
    expect(diff.includes(KEY), 'the key in the diff').to.equal(false);
    const result = await applyNeighborPlan(driver!, plan, POLICY, { log });
    expect(result).to.deep.include({ verified: true, applied: plan.steps.length });

    const running = await frr!.vtysh('show running-config');
    expect(running).to.not.include('no bgp ebgp-requires-policy');
    expect(running.includes(`neighbor 192.168.201.2 password ${KEY}`), 'FRR has our key').to.equal(true);
    expect(running).to.include('route-map crs-managed-in permit 10');
    expect(planNeighborChanges(await driver!.runningBgpConfig(), POLICY).steps).to.deep.equal([]);
  });

  it('FRR installs the pool host routes from our signed session and rejects everything else', async () => {
    speaker = await SpeakerProcess.start(lab!.speakerNs, {
      routerId: '192.168.201.2',
      peers: [PEER],
      routes: { router: [...IN_POOL, ...OUTSIDE].map(route) },
    });
    await speaker.waitEvent((e) => e.event === 'established', 60_000);
    const sent = await speaker.waitEvent((e) => e.event === 'routes-sent', 30_000);
    expect(sent.announced).to.equal(IN_POOL.length + OUTSIDE.length);
    await waitFor('the pool routes in FRR', async () => {
      const t = await frr!.vtyshJson<{ routes?: Record<string, unknown> }>('show bgp ipv4 unicast json');
      return IN_POOL.every((p) => p in (t.routes ?? {}));
    });
    const table = await frr!.vtyshJson<{ routes?: Record<string, unknown> }>('show bgp ipv4 unicast json');
    expect(Object.keys(table.routes ?? {}).sort()).to.deep.equal([...IN_POOL].sort());
    // `show bgp ipv4 unicast summary json` has no per-family wrapper: the peers are at the top.
    const summary = await frr!.vtyshJson<{ peers?: Record<string, { pfxRcd?: number }> }>(
      'show bgp ipv4 unicast summary json',
    );
    expect(summary.peers?.['192.168.201.2']?.pfxRcd).to.equal(IN_POOL.length);
    // In bgpd's table first, in the kernel once zebra has installed them.
    await waitFor('the pool routes in the kernel FIB', async () => {
      for (const p of IN_POOL) if (!(await frr!.kernelRoutes(p)).includes('via 192.168.201.2')) return false;
      return true;
    });
  });

  it('no log line, event or error of ours contains the key', () => {
    expect(logged.length).to.be.greaterThan(0);
    expect(logged.join('\n')).to.include('password <redacted>');
    expect(logged.join('\n').includes(KEY), 'the key in our logs').to.equal(false);
    expect(
      `${JSON.stringify(speaker!.events)}\n${speaker!.stderr}`.includes(KEY),
      'the key in speaker output',
    ).to.equal(false);
  });
});

describe('import filter rollback on real FRR 8.4 @lab', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let frr: FrrRouter | undefined;
  let driver: RouterDriver | undefined;
  const logged: string[] = [];
  const record = (o: object, m: string) => logged.push(`${m} ${JSON.stringify(o)}`);
  const log = { debug: record, info: record, warn: record, error: record };

  before(async function () {
    requireLab(this, { root: true, commands: ['vtysh', '/usr/lib/frr/bgpd'] });
    lab = await createLab();
    frr = await startFrr(lab, { bgpLines: [] });
    const local = createLocalTransport({ vtyshPath: frr.vtyshPath, commandTimeoutMs: 20_000 });
    // A router that silently drops the route-map's match line: the re-read shows the filter
    // incomplete, so the apply must roll everything back.
    const lossy: RouterTransport = {
      description: `lossy ${local.description}`,
      run: (commands) => local.run(commands.filter((c) => !c.startsWith('match ip address prefix-list'))),
      close: () => local.close(),
    };
    driver = createDriverOn(lossy, log, 'frr');
  });

  after(async () => {
    await driver?.close();
    await frr?.stop();
    await lab?.destroy();
  });

  it('rolls back the neighbor, password, prefix-list and route-map when the filter does not verify', async () => {
    const before = await frr!.vtysh('show running-config');
    const plan = planNeighborChanges(await driver!.runningBgpConfig(), POLICY);
    const err = await applyNeighborPlan(driver!, plan, POLICY, { log }).then(
      () => undefined,
      (e: unknown) => e as NeighborVerificationError,
    );
    expect(err).to.be.instanceOf(NeighborVerificationError);
    expect(err?.rolledBack).to.equal(true);
    expect(err?.message).to.include('match ip address prefix-list crs-managed-in');
    expect(err?.message.includes(KEY), 'the key in the error').to.equal(false);
    const after = await frr!.vtysh('show running-config');
    for (const gone of ['neighbor 192.168.201.2', 'crs-managed-in', KEY])
      expect(after.includes(gone), `FRR still has ${gone === KEY ? 'the key' : gone}`).to.equal(false);
    expect(after.replace(/^!.*$/gm, '').trim()).to.equal(before.replace(/^!.*$/gm, '').trim());
    expect(logged.join('\n').includes(KEY), 'the key in our logs').to.equal(false);
  });
});
