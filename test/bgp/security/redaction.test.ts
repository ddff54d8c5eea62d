import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/io.js';

const KEY = `md5-${Math.random().toString(36).slice(2, 12)}`;

/** The seed's MetalLB ConfigMap with a password on its peer, and a BGPPeer CRD with one. */
async function configsWithPassword(dir: string): Promise<string[]> {
  const seed = await readFile('fixtures/seed/metallb-config.yaml', 'utf8');
  const configMap = join(dir, 'metallb-config.yaml');
  await writeFile(
    configMap,
    seed.replace('      my-asn: 64500\n', `      my-asn: 64500\n      password: ${KEY}\n`),
  );
  const crds = join(dir, 'crds.yaml');
  await writeFile(
    crds,
    [
      'apiVersion: metallb.io/v1beta2',
      'kind: BGPPeer',
      'metadata: { name: router, namespace: metallb-system }',
      `spec: { peerAddress: 192.168.200.1, peerASN: 64501, myASN: 64500, password: ${KEY} }`,
      '---',
      'apiVersion: metallb.io/v1beta1',
      'kind: IPAddressPool',
      'metadata: { name: default, namespace: metallb-system }',
      'spec: { addresses: [192.168.197.0/24] }',
      '---',
      'apiVersion: metallb.io/v1beta1',
      'kind: BGPAdvertisement',
      'metadata: { name: default, namespace: metallb-system }',
      'spec: {}',
      '',
    ].join('\n'),
  );
  return [configMap, crds];
}

describe('bgp security: a peer password appears in no CLI output', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crs-redaction-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('plan (text and --output json) for the ConfigMap and CRD forms', async () => {
    const files = await configsWithPassword(dir);
    for (const file of files) {
      for (const output of [[], ['--output', 'json']]) {
        let all = '';
        const io: CliIo = { out: (t) => void (all += t), err: (t) => void (all += t) };
        const code = await main(['node', 'cluster-router-sync', 'plan', '--config', file, ...output], io);
        expect(code, all).to.equal(0);
        // The loader did read the password: the outputs say there is one.
        expect(all).to.match(/password/);
        expect(all.includes(KEY), `the key in the output of ${file} ${output.join(' ')}`).to.equal(false);
      }
    }
  });
});
