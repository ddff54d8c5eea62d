import { expect } from 'chai';
import type { DesiredRoute, SpeakerPeer } from '../../src/bgp/index.js';
import { startFrr, type FrrRouter, speakerNeighborLines } from '../lab/frr.js';
import { createLab, type Lab } from '../lab/netns.js';
import { requireLab } from '../support/requirements.js';
import { waitFor } from '../support/wait-for.js';
import { SpeakerProcess } from './lab/speaker-process.js';
import type { ChildOptions } from './lab/speaker-child.js';
import { labRouterPeer } from '../lab/speaker-peer.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';

const route = (prefix: string, nextHops: string[]): DesiredRoute => ({
  prefix: routePrefixOf(prefix),
  nextHops: nextHopsOf(nextHops),
  communities: [],
  largeCommunities: [],
});

/** The seed's routes: what the blog's router showed in `show ip route bgp`. */
const SEED = [
  route('192.168.197.0/32', ['192.168.201.11']),
  route('192.168.197.1/32', ['192.168.201.12']),
  route('192.168.197.254/32', ['192.168.201.12']),
];
const ECMP = route('192.168.197.2/32', ['192.168.201.11', '192.168.201.12']);

const PEER: SpeakerPeer = labRouterPeer({ sourceAddress: '192.168.201.2' });

interface FrrRoute {
  prefix: string;
  selected?: boolean;
  installed?: boolean;
  nexthops: { ip?: string; fib?: boolean; active?: boolean }[];
}

/** prefix -> sorted installed next hops, from `show ip route bgp json`. */
async function bgpRoutes(frr: FrrRouter): Promise<Record<string, string[]>> {
  const json = await frr.vtyshJson<Record<string, FrrRoute[]>>('show ip route bgp json');
  const out: Record<string, string[]> = {};
  for (const [prefix, entries] of Object.entries(json)) {
    const installed = entries.find((e) => e.installed);
    if (installed)
      out[prefix] = installed.nexthops
        .filter((n) => n.fib)
        .map((n) => n.ip ?? '')
        .sort();
  }
  return out;
}

const SEED_VIEW = {
  '192.168.197.0/32': ['192.168.201.11'],
  '192.168.197.1/32': ['192.168.201.12'],
  '192.168.197.254/32': ['192.168.201.12'],
};

async function peerState(frr: FrrRouter): Promise<string | undefined> {
  const s = await frr.vtyshJson<{ ipv4Unicast?: { peers?: Record<string, { state?: string }> } }>(
    'show bgp summary json',
  );
  return s.ipv4Unicast?.peers?.['192.168.201.2']?.state;
}

describe('speaker against real FRR 8.4 @lab', function () {
  this.timeout(180_000);
  let lab: Lab | undefined;
  let frr: FrrRouter | undefined;
  let speaker: SpeakerProcess | undefined;

  const childOptions = (routes: DesiredRoute[]): ChildOptions => ({
    routerId: '192.168.201.2',
    listen: { address: '192.168.201.2', port: 179 },
    gracefulRestartTimeSec: 120,
    peers: [PEER],
    routes: { router: routes },
  });

  before(async function () {
    requireLab(this, { root: true, commands: ['ip', 'vtysh', '/usr/lib/frr/bgpd', '/usr/lib/frr/zebra'] });
    lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
    frr = await startFrr(lab, {
      asn: 64501,
      routerId: '192.168.198.254',
      bgpLines: speakerNeighborLines({ ecmp: true }),
    });
  });

  after(async () => {
    await speaker?.kill();
    await frr?.stop();
    await lab?.destroy();
  });

  it('reaches Established and installs the seed routes with their next hops', async () => {
    speaker = await SpeakerProcess.start(lab!.speakerNs, childOptions(SEED));
    const est = await speaker.waitEvent((e) => e.event === 'established');
    expect(est).to.deep.include({ peerAsn: 64501, peerRouterId: '192.168.198.254', ecmp: { 4: true } });
    await waitFor('FRR to show Established', async () => (await peerState(frr!)) === 'Established');
    await waitFor(
      'the seed routes in FRR',
      async () => JSON.stringify(await bgpRoutes(frr!)) === JSON.stringify(SEED_VIEW),
    );
  });

  it('installs a two-next-hop prefix as ECMP in FRR and the kernel FIB, and removes it on withdraw', async () => {
    speaker!.send({ cmd: 'setRoutes', peer: 'router', routes: [...SEED, ECMP] });
    await waitFor('ECMP in FRR', async () => (await bgpRoutes(frr!))['192.168.197.2/32']?.length === 2);
    expect((await bgpRoutes(frr!))['192.168.197.2/32']).to.deep.equal(['192.168.201.11', '192.168.201.12']);
    const fib = await waitFor('ECMP in the kernel', async () => {
      const text = await frr!.kernelRoutes('192.168.197.2');
      return (text.match(/nexthop via/g) ?? []).length === 2 && text;
    });
    expect(fib)
      .to.match(/nexthop via 192\.168\.201\.11 /)
      .and.to.match(/nexthop via 192\.168\.201\.12 /);

    speaker!.send({ cmd: 'setRoutes', peer: 'router', routes: SEED });
    await waitFor('the prefix to leave FRR', async () => !('192.168.197.2/32' in (await bgpRoutes(frr!))));
    await waitFor(
      'the prefix to leave the kernel',
      async () => (await frr!.kernelRoutes('192.168.197.2')).trim() === '',
    );
    expect(await bgpRoutes(frr!)).to.deep.equal(SEED_VIEW);
  });

  it("answers the router's ROUTE-REFRESH (`clear bgp ... soft in`) by resending its table", async () => {
    const from = speaker!.events.length;
    await frr!.vtysh('clear bgp ipv4 unicast 192.168.201.2 soft in');
    const sent = await speaker!.waitEvent(
      (e) => e.event === 'routes-sent' && e.cause === 'refresh',
      30_000,
      from,
    );
    expect(sent).to.deep.include({ announced: 3, withdrawn: 0 });
    expect(await peerState(frr!)).to.equal('Established');
    expect(await bgpRoutes(frr!)).to.deep.equal(SEED_VIEW);
  });

  it('recovers from `clear bgp *` on the router without restarting our process', async () => {
    const pid = speaker!.pid;
    const from = speaker!.events.length;
    await frr!.vtysh('clear bgp *');
    await speaker!.waitEvent((e) => e.event === 'established', 60_000, from);
    await waitFor('FRR Established again', async () => (await peerState(frr!)) === 'Established', {
      timeoutMs: 60_000,
    });
    await waitFor(
      'the seed routes back',
      async () => JSON.stringify(await bgpRoutes(frr!)) === JSON.stringify(SEED_VIEW),
    );
    expect(speaker!.pid).to.equal(pid);
  });

  it('recovers from bgpd being killed and restarted without restarting our process', async () => {
    const from = speaker!.events.length;
    await frr!.killBgpd('SIGKILL');
    await frr!.startBgpd();
    await speaker!.waitEvent((e) => e.event === 'established', 60_000, from);
    await waitFor(
      'the seed routes back',
      async () => JSON.stringify(await bgpRoutes(frr!)) === JSON.stringify(SEED_VIEW),
      {
        timeoutMs: 60_000,
      },
    );
  });

  it('keeps our routes in the FIB (graceful restart) across kill -9 of our process, with no gap', async () => {
    speaker!.send({ cmd: 'setRoutes', peer: 'router', routes: [...SEED, ECMP] });
    await waitFor(
      'ECMP in the kernel',
      async () => ((await frr!.kernelRoutes('192.168.197.2')).match(/nexthop via/g) ?? []).length === 2,
    );
    const gaps: string[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const fib = await frr!.kernelRoutes();
        for (const p of ['192.168.197.0 ', '192.168.197.1 ', '192.168.197.254 ', '192.168.197.2 ']) {
          if (!fib.includes(p)) gaps.push(`${p.trim()} missing at ${new Date().toISOString()}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await speaker!.kill();
      await waitFor('FRR to see the session drop', async () => (await peerState(frr!)) !== 'Established');
      // Stale, but still there: FRR is the graceful-restart helper for our 120 s.
      const stale = await frr!.vtyshJson<{ routes?: Record<string, { stale?: boolean }[]> }>(
        'show bgp ipv4 unicast json',
      );
      expect(
        Object.values(stale.routes ?? {})
          .flat()
          .some((p) => p.stale),
      ).to.equal(true);
      speaker = await SpeakerProcess.start(lab!.speakerNs, childOptions([...SEED, ECMP]));
      await speaker.waitEvent((e) => e.event === 'established', 60_000);
      await waitFor('the routes refreshed (no longer stale)', async () => {
        const t = await frr!.vtyshJson<{ routes?: Record<string, { stale?: boolean }[]> }>(
          'show bgp ipv4 unicast json',
        );
        const paths = Object.values(t.routes ?? {}).flat();
        return paths.length === 5 && paths.every((p) => !p.stale);
      });
    } finally {
      polling = false;
      await poller;
    }
    expect(gaps).to.deep.equal([]);
    expect(await bgpRoutes(frr!)).to.deep.equal({
      ...SEED_VIEW,
      '192.168.197.2/32': ['192.168.201.11', '192.168.201.12'],
    });
  });

  it('withdraws everything and sends Cease/Administrative Shutdown on a clean stop', async () => {
    await speaker!.stop(true);
    await waitFor('FRR to drop our routes', async () => Object.keys(await bgpRoutes(frr!)).length === 0);
    // The Cease follows the withdrawals: bgpd may not have read it yet when the routes are gone.
    let seen = '';
    await waitFor('FRR to record our Cease/Administrative Shutdown', async () => {
      const nb = await frr!.vtyshJson<
        Record<string, { lastNotificationReason?: string; lastResetDueTo?: string }>
      >('show bgp neighbors 192.168.201.2 json');
      seen = JSON.stringify(nb['192.168.201.2']);
      return /Administrative Shutdown|Admin\. shutdown/i.test(seen);
    }).catch((err: Error) => {
      throw new Error(`${err.message}\nneighbor ${seen}`);
    });
  });
});
