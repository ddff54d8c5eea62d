import { expect } from 'chai';
import { ConfigError, formatConfigIssue } from '../../src/config/index.js';
import { configMap, load, ownConfig } from './helpers.js';

/** A peer of our own form, with `extra` (indented lines) added to it. */
function ownPeer(extra: string, peerAddress = '192.168.200.1'): string {
  return ownConfig(
    `peers:\n- name: core\n  peerAddress: ${peerAddress}\n  peerASN: 64501\n  myASN: 64500\n${extra}`,
  );
}

function firstIssue(text: string): string {
  try {
    load(text);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    const issue = (err as ConfigError).issues[0];
    return formatConfigIssue(issue as NonNullable<typeof issue>);
  }
  throw new Error('expected a ConfigError');
}

describe('config: peers[].sourceAddresses (one session per address: ECMP path slots)', () => {
  it('loads the list, canonical, in order; sourceAddress is its first entry', () => {
    const { config } = load(ownPeer('  sourceAddresses: [192.168.200.12, 192.168.200.11, 192.168.200.13]\n'));
    expect(config.peers[0]?.sourceAddresses).to.deep.equal([
      '192.168.200.12',
      '192.168.200.11',
      '192.168.200.13',
    ]);
    expect(config.peers[0]?.sourceAddress).to.equal('192.168.200.12');
  });

  it('accepts IPv6 addresses for an IPv6 peer, written in any case', () => {
    const { config } = load(ownPeer('  sourceAddresses: ["FD00:201::2", "fd00:201::3"]\n', 'fd00:201::1'));
    expect(config.peers[0]?.sourceAddresses).to.deep.equal(['fd00:201::2', 'fd00:201::3']);
  });

  it('is absent when not written (a single sourceAddress means one slot)', () => {
    const { config } = load(ownPeer('  sourceAddress: 192.168.200.2\n'));
    expect(config.peers[0]?.sourceAddresses).to.equal(undefined);
    expect(config.peers[0]?.sourceAddress).to.equal('192.168.200.2');
  });

  const CASES: Array<{ name: string; text: string; message: string }> = [
    {
      name: 'an empty list',
      text: ownPeer('  sourceAddresses: []\n'),
      message: 'x.yaml:8: peers[0].sourceAddresses: [] must list at least one address',
    },
    {
      name: 'something that is not an address',
      text: ownPeer('  sourceAddresses: [192.168.200.2, router]\n'),
      message: 'x.yaml:8: peers[0].sourceAddresses[1]: "router" is not an IP address',
    },
    {
      name: 'an IPv6 address for an IPv4 peer',
      text: ownPeer('  sourceAddresses:\n  - 192.168.200.2\n  - fd00::2\n'),
      message:
        'x.yaml:10: peers[0].sourceAddresses[1]: "fd00::2" is not an IPv4 address like peerAddress 192.168.200.1',
    },
    {
      name: 'an IPv4 address for an IPv6 peer',
      text: ownPeer('  sourceAddresses:\n  - 192.168.200.2\n', 'fd00::1'),
      message:
        'x.yaml:9: peers[0].sourceAddresses[0]: "192.168.200.2" is not an IPv6 address like peerAddress fd00::1',
    },
    {
      name: 'the same address twice, spelled differently',
      text: ownPeer('  sourceAddresses:\n  - fd00::2\n  - FD00:0::2\n', 'fd00::1'),
      message:
        'x.yaml:10: peers[0].sourceAddresses[1]: "FD00:0::2" duplicates fd00::2: each address opens its own session',
    },
    {
      name: 'together with sourceAddress',
      text: ownPeer('  sourceAddress: 192.168.200.2\n  sourceAddresses: [192.168.200.3]\n'),
      message:
        'x.yaml:9: peers[0].sourceAddresses: ["192.168.200.3"] cannot be used together with sourceAddress: list every address in sourceAddresses',
    },
  ];
  for (const c of CASES) {
    it(`rejects ${c.name}, naming file, field and reason`, () => {
      expect(firstIssue(c.text)).to.equal(c.message);
    });
  }

  it('is not a key of the MetalLB ConfigMap form (unknown field, ignored)', () => {
    const { config, warnings } = load(
      configMap(
        'peers:\n- peer-address: 192.168.200.1\n  peer-asn: 64501\n  my-asn: 64500\n  sourceAddresses: [192.168.200.2]\n',
      ),
    );
    expect(config.peers[0]?.sourceAddresses).to.equal(undefined);
    expect(warnings.map((w) => w.message)).to.include('unknown field, ignored');
  });
});
