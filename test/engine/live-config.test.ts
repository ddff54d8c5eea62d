import { expect } from 'chai';
import { loadConfigDocuments, type ConfigText } from '../../src/config/index.js';
import type { ConfigDiff } from '../../src/config/config-diff.js';
import type { Config } from '../../src/config/model.js';
import type { ObjectReference } from '../../src/k8s/object-events.js';
import { Metrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { LiveConfig } from '../../src/app/engine/live-config.js';
import { configMap as metallbConfigMap, seedPeerAndPool } from '../support/metallb-config.js';

const OWN: ConfigText = {
  file: 'crs.yaml',
  text: [
    'apiVersion: cluster-router-sync.io/v1alpha1',
    'kind: ClusterRouterSyncConfig',
    'announceOnly: true',
    '',
  ].join('\n'),
};

/** The cluster's MetalLB ConfigMap as the cluster source names and renders it. */
function configMap(pools: string): ConfigText {
  return {
    file: 'kubernetes:ConfigMap/metallb-system/config',
    text: metallbConfigMap(seedPeerAndPool('default', [pools])),
  };
}

describe('live config: reloading the config under a running run', () => {
  function setup() {
    const start = configMap('192.168.197.0/24');
    const config = loadConfigDocuments([OWN, start]).config;
    const applied: Array<{ config: Config; diff: ConfigDiff }> = [];
    const refused: Array<{ err: Error; regarding: ObjectReference | undefined }> = [];
    const restarts: string[][] = [];
    const metrics = new Metrics();
    const live = new LiveConfig({
      files: [OWN],
      documents: [start],
      config,
      resolve: async (c) => c,
      apply: async (c, diff) => void applied.push({ config: c, diff }),
      restart: (parts) => void restarts.push([...parts]),
      refused: async (err, regarding) => void refused.push({ err, regarding }),
      metrics,
      logger: silentLogger(),
    });
    return { live, applied, refused, restarts, metrics };
  }

  async function reloads(metrics: Metrics): Promise<string> {
    const text = await metrics.registry.getSingleMetricAsString('crs_config_reloads_total');
    return text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
  }

  it('applies a changed pool; the same documents again change nothing', async () => {
    const t = setup();
    t.live.documentsChanged([configMap('192.168.196.0/24')]);
    await t.live.idle();
    t.live.documentsChanged([configMap('192.168.196.0/24')]);
    await t.live.idle();
    expect(t.applied).to.have.length(1);
    expect(t.applied[0]!.diff).to.include({ poolsChanged: true, replan: true });
    expect(t.live.config.pools[0]!.addresses[0]!.text).to.equal('192.168.196.0/24');
    expect(await reloads(t.metrics)).to.include('crs_config_reloads_total{result="applied"} 1');
  });

  it('refuses an invalid config, naming the ConfigMap for its Event, and keeps the last good one', async () => {
    const t = setup();
    const before = t.live.config;
    t.live.documentsChanged([configMap('not-an-address')]);
    await t.live.idle();
    expect(t.applied).to.deep.equal([]);
    expect(t.live.config).to.equal(before);
    expect(t.refused).to.have.length(1);
    expect(t.refused[0]!.regarding).to.deep.equal({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'metallb-system',
      name: 'config',
    });
    expect(t.refused[0]!.err.message).to.include('kubernetes:ConfigMap/metallb-system/config');
    expect(await reloads(t.metrics)).to.include('crs_config_reloads_total{result="refused"} 1');

    // A good config after a refused one is applied against the last good one.
    t.live.documentsChanged([configMap('192.168.196.0/24')]);
    await t.live.idle();
    expect(t.applied).to.have.length(1);
  });

  it('asks for a restart when a part that is wired at start changes (a new address family)', async () => {
    const t = setup();
    t.live.documentsChanged([configMap('2001:db8::/120')]);
    await t.live.idle();
    expect(t.restarts).to.deep.equal([['address families']]);
    expect(t.applied).to.deep.equal([]);
  });

  it('re-reads the password Secrets when one changes', async () => {
    const t = setup();
    t.live.secretsChanged();
    await t.live.idle();
    expect(t.applied).to.deep.equal([]);
    expect(await reloads(t.metrics)).to.include('crs_config_reloads_total{result="unchanged"} 1');
  });
});
