import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { applyBirdNeighbors, type BirdConfigFiles } from '../../src/router-drivers/bird/neighbor-apply.js';
import {
  birdFileHeader,
  hasBirdInclude,
  redactBirdFile,
  renderBirdNeighborFile,
} from '../../src/router-drivers/bird/neighbor-file.js';
import { NeighborVerificationError, RouterConfigValueError } from '../../src/router-drivers/errors.js';
import type { NeighborPolicy } from '../../src/router-drivers/neighbor-plan.js';
import type { RouterTransport } from '../../src/router-drivers/transport.js';

const docs = new URL('../../docs/openwrt.md', import.meta.url).pathname;
const fixtures = new URL('../../fixtures/', import.meta.url).pathname;

const POLICY: NeighborPolicy = {
  routerAs: 64501,
  descriptionMarker: 'cluster-router-sync',
  neighbors: [{ address: '192.168.200.2', remoteAs: 64500 }],
  importPools: [{ addresses: '192.168.197.0/24' }],
};

/** Files in memory: what a plan wrote, and what a rollback put back. */
function memoryFiles(initial: Record<string, string>): BirdConfigFiles & { files: Map<string, string> } {
  const files = new Map(Object.entries(initial));
  return {
    files,
    read: async (path) => files.get(path),
    write: async (path, text) => {
      files.set(path, text);
    },
    remove: async (path) => {
      files.delete(path);
    },
  };
}

describe('BIRD neighbor include file', () => {
  it('is what docs/openwrt.md shows for its example config', () => {
    const md = readFileSync(docs, 'utf8');
    const at = md.indexOf('What `neighbors` writes there');
    const block = /```text\n([\s\S]*?)```/.exec(md.slice(at))?.[1];
    expect(block).to.equal(renderBirdNeighborFile(POLICY));
  });

  it('starts with our header, carries a password only as a plain BIRD string, and redacts it for display', () => {
    const text = renderBirdNeighborFile({
      ...POLICY,
      neighbors: [{ address: 'fd00:201::2', remoteAs: 64500, password: 's3cr3t', ebgpMultihop: 2 }],
    });
    expect(text.startsWith(`${birdFileHeader('cluster-router-sync')}\n`)).to.equal(true);
    expect(text).to.contain(
      '  neighbor fd00:201::2 as 64500;\n  multihop 2;\n  password "s3cr3t";\n  ipv6 {\n',
    );
    // No IPv6 pool: the IPv6 session imports nothing.
    expect(text).to.contain('    import none;\n');
    expect(redactBirdFile(text)).to.contain('  password "<redacted>";\n');
    expect(redactBirdFile(text)).to.not.contain('s3cr3t');
    expect(() =>
      renderBirdNeighborFile({
        ...POLICY,
        neighbors: [{ address: '192.168.200.2', remoteAs: 64500, password: 'a"b' }],
      }),
    ).to.throw(RouterConfigValueError, /<redacted>/);
  });

  it('finds the include line only as a line of its own', () => {
    expect(
      hasBirdInclude(
        'router id 1.2.3.4;\n  include "cluster-router-sync.conf";\n',
        '/etc/cluster-router-sync.conf',
      ),
    ).to.equal(true);
    expect(
      hasBirdInclude('# include "cluster-router-sync.conf";\n', '/etc/cluster-router-sync.conf'),
    ).to.equal(false);
  });

  it('a session BIRD does not run after configure restores both files and reconfigures', async () => {
    // BIRD 2.0.12's real `show protocols all` without our protocol: configure "worked", our session is not there.
    const protocols = readFileSync(`${fixtures}bird-2.0.12/in-sync/show_protocols_all.txt`, 'utf8');
    const ran: string[] = [];
    const transport: RouterTransport = {
      description: 'fake birdc',
      run: async ([command]) => {
        ran.push(command as string);
        return [
          command === 'show protocols all' ? protocols : '0001 BIRD 2.0.12 ready.\n0003 Reconfigured\n',
        ];
      },
      close: async () => {},
    };
    const files = memoryFiles({ '/etc/bird.conf': 'router id 1.2.3.4;\n' });
    const plan = {
      mainFile: '/etc/bird.conf',
      includeFile: '/etc/cluster-router-sync.conf',
      next: renderBirdNeighborFile(POLICY),
      addInclude: true,
      main: 'router id 1.2.3.4;\n',
      pending: true,
    };
    let thrown: unknown;
    await applyBirdNeighbors(transport, files, plan, POLICY, { addInclude: true }).catch(
      (err: unknown) => (thrown = err),
    );
    expect(thrown).to.be.instanceOf(NeighborVerificationError);
    expect((thrown as NeighborVerificationError).missing).to.deep.equal([
      'cluster_router_sync_192_168_200_2',
    ]);
    expect(ran).to.deep.equal(['configure check', 'configure', 'show protocols all', 'configure']);
    expect([...files.files]).to.deep.equal([['/etc/bird.conf', 'router id 1.2.3.4;\n']]);
  });
});
