import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createContext,
  decodeMessage,
  negotiateContext,
  type BgpMessage,
  type OpenMessage,
} from '../../../src/bgp/wire/index.js';
import { requireLab } from '../../support/requirements.js';

/** Each captured message decoded with what the two OPENs negotiated for its direction. */
function decodeAll(dir: string): Map<string, BgpMessage> {
  const names = readdirSync(dir).filter((f) => f.endsWith('.hex'));
  const bytes = (f: string): Buffer =>
    Buffer.from(readFileSync(join(dir, f), 'utf8').replace(/\s/g, ''), 'hex');
  const openOf = (who: string): OpenMessage => {
    const f = names.find((n) => n.startsWith(who) && n.endsWith('-open.hex'));
    expect(f, `${who} OPEN captured`).to.not.equal(undefined);
    return decodeMessage(bytes(f as string), createContext()) as OpenMessage;
  };
  const frr = openOf('frr');
  const gobgp = openOf('gobgp');
  const out = new Map<string, BgpMessage>();
  for (const f of names) {
    const ctx = f.startsWith('frr') ? negotiateContext(gobgp, frr) : negotiateContext(frr, gobgp);
    out.set(f, decodeMessage(bytes(f), ctx));
  }
  return out;
}

describe('bgp wire: live capture from FRR bgpd and gobgpd @lab', function () {
  this.timeout(240000);

  it('re-runs fixtures/bgp/capture.sh and decodes every message both speakers send', function () {
    requireLab(this, { root: true, commands: ['vtysh', 'gobgpd', 'gobgp', 'tshark', 'ip'] });
    const dir = mkdtempSync(join(tmpdir(), 'crs-bgp-capture-test-'));
    try {
      execFileSync('bash', ['fixtures/bgp/capture.sh', dir], { stdio: 'pipe', timeout: 220000 });
      const msgs = decodeAll(dir);
      const kinds = (who: string): Set<string> =>
        new Set([...msgs].filter(([n]) => n.startsWith(who)).map(([, m]) => m.type));
      expect([...kinds('frr')].sort()).to.deep.equal([
        'keepalive',
        'notification',
        'open',
        'route-refresh',
        'update',
      ]);
      expect([...kinds('gobgp')].sort()).to.deep.equal(['keepalive', 'notification', 'open', 'update']);
      const updates = [...msgs.values()].filter((m) => m.type === 'update');
      const v6 = updates.flatMap((u) => u.attributes.mpReach?.nlri ?? []);
      expect(
        v6.some((p) => p.pathId !== undefined),
        'IPv6 with ADD-PATH',
      ).to.equal(true);
      expect(
        v6.some((p) => p.pathId === undefined),
        'IPv6 without ADD-PATH',
      ).to.equal(true);
      expect(
        updates.some((u) => u.nlri.some((p) => p.pathId !== undefined)),
        'IPv4 with ADD-PATH',
      ).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
