import type { BgpAdvertisement, Config, LabelSelector, PeerConfig } from '../config/model.js';
import { communityTexts } from '../ip/community.js';

/** A human summary of a loaded config, for `plan --output text`. */
export function renderConfigSummary(config: Config, files: readonly string[]): string {
  const lines: string[] = [`config: ${files.join(', ')}`];
  lines.push(`router: ${describeRouter(config)}`);
  const s = config.speaker;
  lines.push(
    `speaker: listen ${s.listenAddress ?? '*'} port ${s.listenPort}, graceful restart ${s.gracefulRestartTimeSec}s`,
  );
  lines.push(`peers (${config.peers.length}):`);
  for (const p of config.peers) lines.push(`  ${describePeer(p)}`);
  lines.push(`pools (${config.pools.length}):`);
  for (const pool of config.pools) {
    const flags = [
      pool.autoAssign ? 'auto-assign' : 'no auto-assign',
      ...(pool.avoidBuggyIps ? ['avoid-buggy-ips'] : []),
    ];
    lines.push(
      `  ${pool.name}: ${pool.protocol}, ${pool.addresses.map((a) => a.text).join(' ')} (${flags.join(', ')})`,
    );
    for (const adv of pool.bgpAdvertisements) lines.push(`    advertisement ${describeAdvertisement(adv)}`);
  }
  const k = config.kubernetes;
  const source =
    k.mode === 'manifests'
      ? `manifests ${k.manifestsPath ?? ''}`
      : `cluster (${k.kubeconfig ?? 'in-cluster or $KUBECONFIG'})`;
  lines.push(`kubernetes: ${source}, MetalLB namespace ${k.metallbNamespace}`);
  lines.push(`loadBalancerClass: ${config.loadBalancerClass ?? '(services without a class)'}`);
  lines.push(
    `neighbors: ${config.manageNeighbors ? 'managed' : 'not managed'}, description "${config.neighborDescription}"; verify every ${config.verifyIntervalSec}s`,
  );
  return `${lines.join('\n')}\n`;
}

function describeRouter(config: Config): string {
  const r = config.router;
  if (!r) return '(not configured)';
  const where = r.transport === 'ssh' ? ` ${r.user ? `${r.user}@` : ''}${r.host ?? ''}:${r.port}` : '';
  const dir = r.transport === 'recorded' ? ` ${r.recordedDir ?? ''}` : '';
  return `${r.transport}${where}${dir}, dialect ${r.dialect}, vtysh ${r.vtyshPath}`;
}

function describePeer(p: PeerConfig): string {
  const extras = [
    `port ${p.peerPort}`,
    `hold ${p.holdTimeSec}s`,
    `keepalive ${p.keepaliveTimeSec}s`,
    ...(p.ebgpMultiHop ? ['ebgp-multihop'] : []),
    ...(p.password !== undefined || p.passwordSecret ? ['password'] : []),
    ...(p.nodeSelectors.length > 0 ? [`nodes ${describeSelectors(p.nodeSelectors)}`] : []),
  ];
  return `${p.name}: ${p.peerAddress} AS ${p.peerAsn}, local AS ${p.myAsn} (${extras.join(', ')})`;
}

function describeAdvertisement(a: BgpAdvertisement): string {
  const parts = [`aggregation /${a.aggregationLength} /${a.aggregationLengthV6}`];
  if (a.localPref !== undefined) parts.push(`localpref ${a.localPref}`);
  const communities = [...communityTexts(a.communities), ...a.largeCommunities.map((c) => `large:${c.text}`)];
  if (communities.length > 0) parts.push(`communities ${communities.join(' ')}`);
  parts.push(a.peers.length > 0 ? `peers ${a.peers.join(' ')}` : 'all peers');
  if (a.nodeSelectors.length > 0) parts.push(`nodes ${describeSelectors(a.nodeSelectors)}`);
  return `${a.name}: ${parts.join(', ')}`;
}

function describeSelectors(selectors: readonly LabelSelector[]): string {
  return selectors
    .map((s) =>
      [
        ...Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`),
        ...s.matchExpressions.map(
          (e) => `${e.key} ${e.operator}${e.values.length > 0 ? ` (${e.values.join(',')})` : ''}`,
        ),
      ].join(','),
    )
    .join(' | ');
}
