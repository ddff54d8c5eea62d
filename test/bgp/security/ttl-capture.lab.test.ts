import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { SpeakerPeer } from '../../../src/bgp/index.js';
import { createLab, type Lab } from '../../lab/netns.js';
import { requireLab } from '../../support/requirements.js';
import { SpeakerProcess } from '../lab/speaker-process.js';
import { labRouterPeer } from '../../lab/speaker-peer.js';

/**
 * The IP TTL of our first SYN as seen on the router's side of the veth, captured with tshark.
 * Nothing listens on the router side, so each attempt is answered with a RST and retried.
 */
async function firstSynTtl(lab: Lab, peer: SpeakerPeer): Promise<number> {
  const tshark = spawn(
    'ip',
    [
      'netns',
      'exec',
      lab.routerNs,
      'tshark',
      '-i',
      lab.routerIf,
      '-c',
      '1',
      '-a',
      'duration:60',
      '-f',
      'tcp dst port 179 and tcp[tcpflags] & tcp-syn != 0',
      '-T',
      'fields',
      '-e',
      'ip.ttl',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  tshark.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<void>((resolve) => tshark.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    tshark.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('Capturing on')) resolve();
    });
    tshark.once('exit', () => reject(new Error(`tshark exited: ${stderr}`)));
  });
  const speaker = await SpeakerProcess.start(lab.speakerNs, { routerId: '192.168.201.2', peers: [peer] });
  try {
    await exited;
  } finally {
    await speaker.kill();
  }
  return Number(stdout.trim());
}

describe('BGP socket TTL on the wire (tshark) @lab', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  const peer = (extra: Partial<SpeakerPeer>): SpeakerPeer => labRouterPeer({ connectTimeSec: 5, ...extra });

  before(async function () {
    requireLab(this, { root: true, commands: ['tshark'] });
    lab = await createLab();
  });
  after(async () => {
    await lab?.destroy();
  });

  it('ebgpMultiHop sends TTL 255, ttlSecurity too, a plain peer the kernel default', async () => {
    expect(await firstSynTtl(lab!, peer({ ebgpMultiHop: true }))).to.equal(255);
    expect(await firstSynTtl(lab!, peer({ ttlSecurity: true }))).to.equal(255);
    const sysctl = await lab!.exec(lab!.speakerNs, 'cat', ['/proc/sys/net/ipv4/ip_default_ttl']);
    expect(await firstSynTtl(lab!, peer({}))).to.equal(Number(sysctl.stdout.trim()));
  });
});
