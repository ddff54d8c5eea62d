/** A MetalLB ConfigMap (metallb-system/config) around `config`, the text of data.config unindented. */
export function configMap(config: string): string {
  const indented = config
    .split('\n')
    .map((l) => (l === '' ? l : `    ${l}`))
    .join('\n');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: metallb-system\n  name: config\ndata:\n  config: |\n${indented}`;
}

/**
 * data.config of a MetalLB ConfigMap with the seed's peer (the router at 192.168.200.1 in AS 64501,
 * us in AS 64500, as fixtures/seed/metallb-config.yaml has it) and one BGP pool.
 */
export function seedPeerAndPool(pool: string, addresses: readonly string[]): string {
  return [
    'peers:',
    '- peer-address: 192.168.200.1',
    '  peer-asn: 64501',
    '  my-asn: 64500',
    'address-pools:',
    `- name: ${pool}`,
    '  protocol: bgp',
    '  addresses:',
    ...addresses.map((a) => `  - ${a}`),
    '',
  ].join('\n');
}
