import { expect } from 'chai';
import type { DesiredRoute } from '../../src/bgp/index.js';
import { startFrr, type FrrRouter, speakerNeighborLines } from '../lab/frr.js';
import { createLab, type Lab } from '../lab/netns.js';
import { requireLab } from '../support/requirements.js';
import { waitFor } from '../support/wait-for.js';
import { SpeakerProcess } from './lab/speaker-process.js';
import { labRouterPeer } from '../lab/speaker-peer.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';

const route = (prefix: string, nextHops: string[]): DesiredRoute => ({
  prefix: routePrefixOf(prefix),
  nextHops: nextHopsOf(nextHops),
  communities: [],
  largeCommunities: [],
});

interface FrrRoute {
  installed?: boolean;
  nexthops: { ip?: string; fib?: boolean }[];
}

describe('IPv6 routes (MP_REACH_NLRI, third-party next hops) into real FRR 8.4 @lab', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let frr: FrrRouter | undefined;
  let speaker: SpeakerProcess | undefined;

  before(async function () {
    requireLab(this, { root: true, commands: ['ip', 'vtysh', '/usr/lib/frr/bgpd', '/usr/lib/frr/zebra'] });
    lab = await createLab({ ipv6: true, speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
    frr = await startFrr(lab, {
      bgpLines: [
        ...speakerNeighborLines(),
        'address-family ipv6 unicast',
        ' neighbor 192.168.201.2 activate',
        ' maximum-paths 8',
        'exit-address-family',
      ],
    });
  });

  after(async () => {
    await speaker?.kill();
    await frr?.stop();
    await lab?.destroy();
  });

  it('installs an IPv6 /128 with two node next hops as ECMP, beside the IPv4 routes', async () => {
    speaker = await SpeakerProcess.start(lab!.speakerNs, {
      routerId: '192.168.201.2',
      peers: [labRouterPeer({ sourceAddress: '192.168.201.2' })],
      routes: {
        router: [
          route('192.168.197.0/32', ['192.168.201.11']),
          route('2001:db8:197::2/128', ['fd00:201::11', 'fd00:201::12']),
        ],
      },
    });
    const est = await speaker.waitEvent((e) => e.event === 'established');
    expect(est).to.deep.include({ families: [4, 6], ecmp: { 4: true, 6: true } });
    const hops = await waitFor('the IPv6 route in FRR with two next hops', async () => {
      const json = await frr!.vtyshJson<Record<string, FrrRoute[]>>('show ipv6 route bgp json');
      const r = json['2001:db8:197::2/128']?.find((e) => e.installed);
      const ips = r?.nexthops
        .filter((n) => n.fib)
        .map((n) => n.ip ?? '')
        .sort();
      return ips?.length === 2 && ips;
    });
    expect(hops).to.deep.equal(['fd00:201::11', 'fd00:201::12']);
    const fib = await waitFor('the IPv6 route in the kernel', async () => {
      const text = (await lab!.exec(lab!.routerNs, 'ip', ['-6', 'route', 'show', '2001:db8:197::2'])).stdout;
      return (text.match(/nexthop via/g) ?? []).length === 2 && text;
    });
    expect(fib)
      .to.match(/via fd00:201::11 /)
      .and.to.match(/via fd00:201::12 /);

    speaker.send({
      cmd: 'setRoutes',
      peer: 'router',
      routes: [route('192.168.197.0/32', ['192.168.201.11'])],
    });
    await waitFor('the IPv6 route withdrawn', async () => {
      const json = await frr!.vtyshJson<Record<string, FrrRoute[]>>('show ipv6 route bgp json');
      return !('2001:db8:197::2/128' in json);
    });
  });
});
