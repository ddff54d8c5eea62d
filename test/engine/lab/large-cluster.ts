import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { embeddedDefaultDir } from '../../../src/config/index.js';

/**
 * Writes a manifests directory with `count` LoadBalancer Services on the seed's nodes (k8s-node1
 * at .11, k8s-node2 at .12): even ones have externalTrafficPolicy Cluster, so their route has both
 * nodes as ECMP next hops; odd ones are Local with their endpoint on one node. Large enough, the
 * directory takes `run --manifests` seconds to load, which is what restart tests need.
 */
export async function writeLargeCluster(dir: string, count: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await copyFile(join(embeddedDefaultDir(), 'manifests', 'nodes.yaml'), join(dir, 'nodes.yaml'));
  const services: string[] = [];
  const slices: string[] = [];
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const name = `svc-${i}`;
    const policy = i % 2 === 0 ? 'Cluster' : 'Local';
    const node = i % 4 === 1 ? 'k8s-node1' : 'k8s-node2';
    services.push(
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        `  name: ${name}`,
        '  namespace: bulk',
        `  creationTimestamp: '${new Date(base + i * 1000).toISOString().replace('.000', '')}'`,
        'spec:',
        '  type: LoadBalancer',
        `  externalTrafficPolicy: ${policy}`,
        '  selector: { app: bulk }',
        '  ports: [{ name: http, protocol: TCP, port: 80 }]',
      ].join('\n'),
    );
    slices.push(
      [
        'apiVersion: discovery.k8s.io/v1',
        'kind: EndpointSlice',
        'metadata:',
        `  name: ${name}-x`,
        '  namespace: bulk',
        `  labels: { kubernetes.io/service-name: ${name} }`,
        'addressType: IPv4',
        'ports: [{ name: http, protocol: TCP, port: 80 }]',
        'endpoints:',
        `  - { addresses: ['10.244.${(i >> 8) & 255}.${i & 255}'], conditions: { ready: true }, nodeName: ${node} }`,
      ].join('\n'),
    );
  }
  await writeFile(join(dir, 'services.yaml'), `${services.join('\n---\n')}\n`);
  await writeFile(join(dir, 'endpointslices.yaml'), `${slices.join('\n---\n')}\n`);
}
