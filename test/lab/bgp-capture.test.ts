import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { bgpMessages, CaptureFormatError, parsePcap, sessionTimeline } from './bgp-capture.js';

const PCAP = readFileSync(new URL('../../fixtures/bgp-capture/raw-writer-20-routes.pcap', import.meta.url));
const SPEAKER = '192.168.201.2';
const ROUTER = '192.168.201.1';

describe('BGP capture reading (captured raw writer session, fixtures/bgp-capture)', () => {
  it('keeps the TCP segments that carry data, with their capture times', () => {
    const segments = parsePcap(PCAP);
    expect(segments.map((s) => [s.src, s.payload.length])).to.deep.equal([
      [SPEAKER, 77],
      [ROUTER, 102],
      [ROUTER, 19],
      [SPEAKER, 19],
      [SPEAKER, 266],
      [SPEAKER, 23],
      [ROUTER, 171],
    ]);
    expect(segments[0]!.time).to.be.closeTo(1795628039.537091, 1e-6);
    expect(segments[0]!.seq).to.equal(593990423);
  });

  it('splits each direction into BGP messages, timed by the segment with their last byte', () => {
    const sent = bgpMessages(parsePcap(PCAP), SPEAKER, ROUTER);
    expect(sent.map((m) => m.type)).to.deep.equal([1, 4, 2, 2, 2]);
    expect(sent.map((m) => m.length)).to.deep.equal([77, 19, 133, 133, 23]);
    expect(sent[4]!.time).to.be.closeTo(1795628039.539118, 1e-6);
    expect(bgpMessages(parsePcap(PCAP), ROUTER, SPEAKER).map((m) => m.type)).to.deep.equal([1, 4, 2, 2]);
  });

  it('gives the transfer: both KEEPALIVEs seen, then the last UPDATE byte', () => {
    const t = sessionTimeline(parsePcap(PCAP), SPEAKER, ROUTER);
    expect(t.established).to.be.closeTo(1795628039.538676, 1e-6);
    expect(t.lastUpdate).to.be.closeTo(1795628039.539118, 1e-6);
    expect(t.updates).to.equal(3);
    expect(t.updateBytes).to.equal(289);
  });

  it('reassembles the stream whatever order the segments come in, ignoring repeats', () => {
    const segments = parsePcap(PCAP);
    const shuffled = [...segments.slice(4), segments[4]!, ...segments.slice(0, 4)].reverse();
    expect(bgpMessages(shuffled, SPEAKER, ROUTER)).to.deep.equal(bgpMessages(segments, SPEAKER, ROUTER));
  });

  it('refuses what it cannot read with a typed error', () => {
    expect(() => parsePcap(Buffer.from('not a capture file at all'))).to.throw(CaptureFormatError, /magic/);
    expect(() => parsePcap(PCAP.subarray(0, PCAP.length - 5))).to.throw(CaptureFormatError, /cut short/);
    const missed = parsePcap(PCAP).filter((s) => s.payload.length !== 266);
    expect(() => bgpMessages(missed, SPEAKER, ROUTER)).to.throw(
      CaptureFormatError,
      /missed stream bytes 96\.\.362/,
    );
    const opensOnly = parsePcap(PCAP).slice(0, 2);
    expect(() => sessionTimeline(opensOnly, SPEAKER, ROUTER)).to.throw(CaptureFormatError, /KEEPALIVE/);
  });
});
