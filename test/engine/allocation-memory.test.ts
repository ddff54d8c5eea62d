import { expect } from 'chai';
import fc from 'fast-check';
import { AllocationMemory } from '../../src/app/engine/allocation-memory.js';
import { planChanges } from '../../src/sync/planner/plan-changes.js';
import { incrementalPlanner } from '../../src/sync/planner/snapshot-delta.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import type { Plan } from '../../src/sync/plan-types.js';
import { parseManifests } from '../../src/sources/manifest-parse.js';
import { config, node, peer, pool, service, slice, snapshot } from '../sync/builders.js';

const cfg = config([pool('default', ['192.168.197.0/28'])], [peer('192.168.200.1')]);
const EMPTY: Plan = { allocations: [], peers: [], issues: [] };

/**
 * The engine's loop in manifests mode, minus the I/O: each snapshot is laid over the memory,
 * planned, and what changed is written to the memory, as SyncEngine.writeAllocations does.
 */
function manifestsLoop() {
  const memory = new AllocationMemory();
  const plan = incrementalPlanner(cfg);
  let written = EMPTY;
  return (snap: ClusterSnapshot): Map<string, string[]> => {
    const next = plan(memory.asStatus(snap));
    const diff = planChanges({ ...written, peers: [] }, { ...next, peers: [] }).allocations;
    void memory.write({
      changed: diff.flatMap((c) => (c.after ? [c.after] : [])),
      released: diff.filter((c) => c.kind === 'removed').map((c) => c.service),
    });
    written = next;
    return new Map(next.allocations.map((a) => [a.service, a.ips]));
  };
}

/** Hand-written manifests: no creation time, no status, so the pass goes by namespace/name. */
const cluster = (names: readonly string[]): ClusterSnapshot =>
  snapshot({
    nodes: [node('n1', ['192.168.201.11'])],
    services: names.map((n) => service(n)),
    endpointSlices: names.map((n) => slice(n, ['n1'])),
  });

describe('engine: allocation memory (manifests mode keeps allocations as status)', () => {
  it('keeps every allocated address when a service that sorts first appears', () => {
    const loop = manifestsLoop();
    const before = loop(cluster(['mmm', 'zzz']));
    expect(Object.fromEntries(before)).to.deep.equal({
      'default/mmm': ['192.168.197.0'],
      'default/zzz': ['192.168.197.1'],
    });
    const after = loop(cluster(['aaa', 'mmm', 'zzz']));
    expect(Object.fromEntries(after)).to.deep.equal({
      'default/aaa': ['192.168.197.2'],
      'default/mmm': ['192.168.197.0'],
      'default/zzz': ['192.168.197.1'],
    });
  });

  it('without it, the same change moves an announced address (the fault it fixes)', () => {
    const plan = incrementalPlanner(cfg);
    plan(cluster(['mmm', 'zzz']));
    const moved = plan(cluster(['aaa', 'mmm', 'zzz'])).allocations;
    expect(moved.find((a) => a.service === 'default/mmm')?.ips).to.deep.equal(['192.168.197.1']);
  });

  it('never moves the address of a service that stays, over any sequence of services coming and going', () => {
    const names = fc.subarray(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((x) => `svc-${x}`));
    fc.assert(
      fc.property(fc.array(names, { minLength: 1, maxLength: 8 }), (steps) => {
        const loop = manifestsLoop();
        let previous = new Map<string, string[]>();
        for (const step of steps) {
          const now = loop(cluster(step));
          for (const [svc, ips] of now) {
            const was = previous.get(svc);
            if (was !== undefined && was.length > 0) expect(ips, svc).to.deep.equal(was);
          }
          previous = now;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives a deleted service address to the next new one, as a cluster would', () => {
    const loop = manifestsLoop();
    loop(cluster(['mmm', 'zzz']));
    loop(cluster(['zzz']));
    expect(loop(cluster(['nnn', 'zzz'])).get('default/nnn')).to.deep.equal(['192.168.197.0']);
  });

  it('keeps a valid address a manifest carries in status.loadBalancer.ingress, as MetalLB does', () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: { name: zzz, namespace: default }',
      'spec: { type: LoadBalancer, ports: [{ port: 80 }] }',
      'status: { loadBalancer: { ingress: [{ ip: 192.168.197.9 }] } }',
      '',
    ].join('\n');
    const { snapshot: fromFile } = parseManifests([{ file: 'svc.yaml', text }]);
    const loop = manifestsLoop();
    const snap = cluster(['aaa']);
    const first = loop({ ...snap, services: [...snap.services, ...fromFile.services] });
    expect(first.get('default/zzz')).to.deep.equal(['192.168.197.9']);
    expect(first.get('default/aaa')).to.deep.equal(['192.168.197.0']);
  });

  it('lays an allocation over the status a manifest carries, and leaves untouched snapshots alone', async () => {
    const memory = new AllocationMemory();
    const snap = snapshot({ services: [service('a', { statusIngress: ['192.168.197.9'] }), service('b')] });
    expect(memory.asStatus(snap)).to.equal(snap);
    await memory.write({
      changed: [{ service: 'default/a', ips: ['192.168.197.3'], pools: ['default'] }],
      released: [],
    });
    const laid = memory.asStatus(snap);
    expect(laid.services.map((s) => s.statusIngress)).to.deep.equal([['192.168.197.3'], []]);
    expect(laid.services[1]).to.equal(snap.services[1]);
    await memory.write({ changed: [], released: ['default/a'] });
    expect(memory.asStatus(snap)).to.equal(snap);
  });
});
