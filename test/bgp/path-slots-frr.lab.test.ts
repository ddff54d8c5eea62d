import { expect } from 'chai';
import type { DesiredRoute, SpeakerPeer } from '../../src/bgp/index.js';
import { cleanUpAll, labSteps } from '../lab/cleanup.js';
import type { FrrRouter } from '../lab/frr.js';
import { createLab, type Lab } from '../lab/netns.js';
import { slotRouterLines, SLOTS } from '../lab/path-slot-lab.js';
import { monitorRoutes, type RouteMonitor } from '../lab/route-monitor.js';
import { kernelTable } from '../lab/route-tables.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr, type MatrixRouter } from '../lab/router-matrix.js';
import { labRouterPeer } from '../lab/speaker-peer.js';
import { waitFor } from '../support/wait-for.js';
import { SpeakerProcess } from './lab/speaker-process.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';

/**
 * ECMP path slots against real FRR: our speaker peers from two addresses (192.168.201.2 and .3)
 * with the same router, one session each, and the router installs what the two sessions carry as
 * one multipath route in its kernel FIB (`maximum-paths`). `neighbor X disable-addpath-rx` makes
 * FRR a router without ADD-PATH receive; FRR 7.5 has no such command (the bgpd of 8.4 and 10.3
 * has it, 7.5's not), so there that half only checks that 7.5 refuses the command.
 */

/** Matrix FRRs (major.minor) that have `neighbor X disable-addpath-rx`. */
const HAS_DISABLE_ADDPATH_RX = new Set(['8.4', '10.3']);

const NODES = ['192.168.201.11', '192.168.201.12', '192.168.201.13'];
const CLUSTER = '192.168.197.2/32';
const LOCAL = '192.168.197.3/32';

const route = (prefix: string, nextHops: string[]): DesiredRoute => ({
  prefix: routePrefixOf(prefix),
  nextHops: nextHopsOf(nextHops),
  communities: [],
  largeCommunities: [],
});

/** Gives the speaker `routes` and waits until the router's kernel FIB routes `settled`'s prefix over its next hops. */
async function setRoutesUntil(
  speaker: SpeakerProcess,
  lab: Lab,
  what: string,
  change: { routes: DesiredRoute[]; settled: [string, string[]] },
): Promise<void> {
  speaker.send({ cmd: 'setRoutes', peer: 'router', routes: change.routes });
  const [prefix, hops] = change.settled;
  await waitFor(what, async () => JSON.stringify((await kernelTable(lab))[prefix]) === JSON.stringify(hops));
}

const PEER: SpeakerPeer = labRouterPeer({ connectTimeSec: 3, sourceAddresses: [...SLOTS] });

const KEY = `crs-md5-${Math.random().toString(36).slice(2, 10)}`;

interface NeighborJson {
  bgpState?: string;
  messageStats?: { updatesRecv?: number };
}

async function neighbor(frr: FrrRouter, address: string): Promise<NeighborJson> {
  const json = await frr.vtyshJson<Record<string, NeighborJson>>(`show bgp neighbors ${address} json`);
  return json[address] ?? {};
}

/** Prefixes (paths) the router accepted from each slot neighbor, by `show bgp summary json`. */
async function pathsPerNeighbor(frr: FrrRouter): Promise<number[]> {
  const s = await frr.vtyshJson<{ ipv4Unicast?: { peers?: Record<string, { pfxRcd?: number }> } }>(
    'show bgp summary json',
  );
  return SLOTS.map((a) => s.ipv4Unicast?.peers?.[a]?.pfxRcd ?? -1);
}

interface SlotsStatus {
  sessions: Array<{ name: string; state: string; addPath: Record<string, boolean> }>;
  pathCapacity: Record<string, number | 'all'>;
}

for (const router of ROUTER_MATRIX)
  describe(`lab: path slot sessions against a real ${router.name} @lab`, function () {
    this.timeout(180_000);
    let lab: Lab | undefined;
    let frr: FrrRouter | undefined;
    let speaker: SpeakerProcess | undefined;
    let monitor: RouteMonitor | undefined;

    afterEach(async () => {
      monitor?.stop();
      monitor = undefined;
      await cleanUpAll([async () => speaker?.kill(), ...labSteps({ frr, lab })]);
      speaker = undefined;
      frr = undefined;
      lab = undefined;
    });

    async function start(
      r: MatrixRouter,
      addPath: boolean,
      routes: DesiredRoute[],
      over: { neighbor?: string[]; peer?: Partial<SpeakerPeer> } = {},
    ): Promise<void> {
      lab = await createLab({ speakerAddresses: [`${SLOTS[1]}/24`, ...NODES.map((n) => `${n}/24`)] });
      frr = await startMatrixFrr(lab, r, {
        bgpLines: slotRouterLines(SLOTS, { addPath, neighbor: over.neighbor ?? [] }),
      });
      speaker = await startSpeaker(routes, over.peer);
      await bothEstablished();
    }

    const startSpeaker = (routes: DesiredRoute[], peer: Partial<SpeakerPeer> = {}, restarted = false) =>
      SpeakerProcess.start(lab!.speakerNs, {
        routerId: SLOTS[0]!,
        gracefulRestartTimeSec: 120,
        restarted,
        peers: [{ ...PEER, ...peer }],
        routes: { router: routes },
      });

    async function bothEstablished(): Promise<void> {
      for (const a of SLOTS)
        await waitFor(`the router's neighbor ${a} Established`, async () => {
          return (await neighbor(frr!, a)).bgpState === 'Established';
        });
      // The router is Established on our KEEPALIVE, we are on its own (RFC 4271 §8.2.2,
      // OpenConfirm), which our speaker may not have read yet.
      await waitFor('our speaker Established on both slot sessions', async () =>
        (await slots()).sessions.every((s) => s.state === 'Established'),
      );
    }

    const fibHas = (prefix: string, hops: readonly string[]) => async () =>
      JSON.stringify((await kernelTable(lab!))[prefix]) === JSON.stringify(hops);

    async function slots(): Promise<SlotsStatus> {
      const status = await speaker!.status();
      return (status.slots as SlotsStatus[])[0]!;
    }

    if (!HAS_DISABLE_ADDPATH_RX.has(router.frr))
      it(`without ADD-PATH: not run, ${router.name} has no "neighbor X disable-addpath-rx" to stand for such a router`, async function () {
        requireRouter(this, router);
        lab = await createLab();
        frr = await startMatrixFrr(lab, router, { bgpLines: slotRouterLines(SLOTS, { addPath: true }) });
        // vtysh exits non-zero on an unknown command and says why on stdout.
        const answer = await frr
          .vtysh(
            'configure terminal',
            'router bgp 64501',
            'address-family ipv4 unicast',
            `neighbor ${SLOTS[0]} disable-addpath-rx`,
          )
          .catch((err: Error) => (err.cause as { stdout?: string } | undefined)?.stdout ?? err.message);
        process.stderr.write(`    ${router.name} to disable-addpath-rx: ${answer.trim()}\n`);
        expect(answer).to.match(/Unknown command/);
      });
    else
      it('without ADD-PATH: one next hop per slot session, ECMP in the FIB, a move keeps the unchanged path', async function () {
        requireRouter(this, router);
        await start(router, false, [route(CLUSTER, [NODES[0]!, NODES[1]!]), route(LOCAL, [NODES[1]!])]);

        const status = await slots();
        expect(status.sessions.map((s) => [s.name, s.state, s.addPath])).to.deep.equal([
          ['router#0', 'Established', { 4: false }],
          ['router#1', 'Established', { 4: false }],
        ]);
        expect(status.pathCapacity).to.deep.include({ 4: 2 });

        const want = { [CLUSTER]: [NODES[0]!, NODES[1]!], [LOCAL]: [NODES[1]!] };
        await waitFor('the Cluster service ECMP and the Local service on its node in the FIB', async () => {
          const t = await kernelTable(lab!);
          return JSON.stringify({ [CLUSTER]: t[CLUSTER], [LOCAL]: t[LOCAL] }) === JSON.stringify(want);
        });
        // Slot 0 carries .11 (Cluster) and .12 (Local), slot 1 carries .12 (Cluster).
        expect(await pathsPerNeighbor(frr!)).to.deep.equal([2, 1]);

        // The Cluster service's endpoint on node .11 moves to node .13; .12 stays.
        const records: string[] = [];
        monitor = monitorRoutes(lab!.routerNs);
        monitor.records((r) => {
          if (r.replace(/^Deleted /, '').startsWith('192.168.197.2 ')) records.push(r.replace(/\s+/g, ' '));
        });
        const slot1Updates = (await neighbor(frr!, SLOTS[1]!)).messageStats?.updatesRecv;
        await setRoutesUntil(speaker!, lab!, 'the moved endpoint in the FIB', {
          routes: [route(CLUSTER, [NODES[1]!, NODES[2]!]), route(LOCAL, [NODES[1]!])],
          settled: [CLUSTER, [NODES[1]!, NODES[2]!]],
        });
        monitor.stop();
        monitor = undefined;
        // The session carrying the unchanged path got no UPDATE at all, so nothing was withdrawn on it.
        expect((await neighbor(frr!, SLOTS[1]!)).messageStats?.updatesRecv).to.equal(slot1Updates);
        const peers = (await speaker!.status()).peers as Array<{
          name: string;
          stats: { prefixesWithdrawn: number };
        }>;
        expect(peers.map((p) => [p.name, p.stats.prefixesWithdrawn])).to.deep.equal([
          ['router#0', 0],
          ['router#1', 0],
        ]);
        // And the kernel never had the route without the unchanged next hop.
        expect(records.length).to.be.greaterThan(0);
        for (const r of records) {
          expect(r, r).not.to.match(/^Deleted /);
          expect(r, r).to.include(`via ${NODES[1]}`);
        }

        // The Local service's endpoint moves from node .12 to node .13: exactly that next hop.
        await setRoutesUntil(speaker!, lab!, 'the Local service on node .13 only', {
          routes: [route(CLUSTER, [NODES[1]!, NODES[2]!]), route(LOCAL, [NODES[2]!])],
          settled: [LOCAL, [NODES[2]!]],
        });
      });

    it('with ADD-PATH: the first slot session carries both paths, the second carries nothing', async function () {
      requireRouter(this, router);
      await start(router, true, [route(CLUSTER, [NODES[0]!, NODES[1]!])]);
      const status = await slots();
      expect(status.sessions.map((s) => [s.name, s.addPath])).to.deep.equal([
        ['router#0', { 4: true }],
        ['router#1', { 4: true }],
      ]);
      expect(status.pathCapacity).to.deep.include({ 4: 'all' });
      await waitFor('the Cluster service ECMP in the FIB', async () => {
        const t = await kernelTable(lab!);
        return JSON.stringify(t[CLUSTER]) === JSON.stringify([NODES[0], NODES[1]]);
      });
      expect(await pathsPerNeighbor(frr!)).to.deep.equal([2, 0]);
    });
    it('with a TCP-MD5 password and TTL security (GTSM) on both neighbors, both slot sessions carry their path', async function () {
      requireRouter(this, router);
      await start(router, !HAS_DISABLE_ADDPATH_RX.has(router.frr), [route(CLUSTER, [NODES[0]!, NODES[1]!])], {
        neighbor: [`password ${KEY}`, 'ttl-security hops 1'],
        peer: { password: KEY, ttlSecurity: true },
      });
      await waitFor('the Cluster service ECMP in the FIB', fibHas(CLUSTER, [NODES[0]!, NODES[1]!]));
    });

    it('keeps the ECMP route through a speaker restart: each slot session is a graceful-restart peer', async function () {
      requireRouter(this, router);
      const addPath = !HAS_DISABLE_ADDPATH_RX.has(router.frr);
      const routes = [route(CLUSTER, [NODES[0]!, NODES[1]!])];
      await start(router, addPath, routes);
      await waitFor('the Cluster service ECMP in the FIB', fibHas(CLUSTER, [NODES[0]!, NODES[1]!]));
      const records: string[] = [];
      monitor = monitorRoutes(lab!.routerNs);
      monitor.records((r) => {
        if (r.replace(/^Deleted /, '').startsWith('192.168.197.2 ')) records.push(r.replace(/\s+/g, ' '));
      });
      // kill -9: no NOTIFICATION, so the router keeps both slots' paths as stale (RFC 4724 §4.2).
      await speaker!.kill();
      await waitFor('the router to see both sessions down', async () => {
        for (const a of SLOTS) if ((await neighbor(frr!, a)).bgpState === 'Established') return false;
        return true;
      });
      expect(JSON.stringify((await kernelTable(lab!))[CLUSTER])).to.equal(
        JSON.stringify([NODES[0], NODES[1]]),
      );
      expect(await frr!.vtysh(`show bgp ipv4 unicast ${CLUSTER} json`)).to.include('"stale":true');
      speaker = await startSpeaker(routes, {}, true);
      await bothEstablished();
      // Both slots' End-of-RIB are in once no path of either neighbor is stale any more.
      await waitFor('the stale paths refreshed', async () => {
        const json = await frr!.vtysh(`show bgp ipv4 unicast ${CLUSTER} json`);
        return json.includes('"paths"') && !json.includes('"stale":true');
      });
      expect(JSON.stringify((await kernelTable(lab!))[CLUSTER])).to.equal(
        JSON.stringify([NODES[0], NODES[1]]),
      );
      monitor.stop();
      monitor = undefined;
      expect(
        records.filter((r) => r.startsWith('Deleted ')),
        'route removals',
      ).to.deep.equal([]);
    });
  });
