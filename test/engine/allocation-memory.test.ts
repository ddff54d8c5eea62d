import { expect } from 'chai';
import fc from 'fast-check';
import { AllocationMemory } from '../../src/app/engine/allocation-memory.js';
import { planChanges } from '../../src/sync/planner/plan-changes.js';
import { incrementalPlanner } from '../../src/sync/planner/snapshot-delta.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import type { Plan } from '../../src/sync/plan-types.js';
import { recordingAnnouncer, type RecordingSpeaker } from '../support/recording-speaker.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { parseManifests } from '../../src/sources/manifest-parse.js';
import { config, node, peer, pool, service, slice, snapshot } from '../sync/builders.js';

const cfg = config([pool('default', ['192.168.197.0/28'])], [peer('192.168.200.1')]);
const EMPTY: Plan = { allocations: [], peers: [], issues: [] };

/**
 * The engine's loop in manifests mode, minus the I/O: each snapshot is laid over the memory,
 * planned, and what changed is written to the memory, as SyncEngine.writeAllocations does.
 */
function engineLoop(memory: AllocationMemory | undefined, config = cfg): (snap: ClusterSnapshot) => Plan {
  const plan = incrementalPlanner(config);
  let written = EMPTY;
  return (snap) => {
    const next = plan(memory ? memory.asStatus(snap) : snap);
    const diff = planChanges({ ...written, peers: [] }, { ...next, peers: [] }).allocations;
    void memory?.write({
      changed: diff.flatMap((c) => (c.after ? [c.after] : [])),
      released: diff.filter((c) => c.kind === 'removed').map((c) => c.service),
    });
    written = next;
    return next;
  };
}

function manifestsLoop(): (snap: ClusterSnapshot) => Map<string, string[]> {
  const loop = engineLoop(new AllocationMemory());
  return (snap) => new Map(loop(snap).allocations.map((a) => [a.service, a.ips]));
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

describe('engine: allocation memory in a cluster (until the status is written)', () => {
  const wide = config([pool('default', ['10.96.0.0/24'])], [peer('192.168.200.1', { name: 'router' })]);
  const nodes = [node('n1', ['192.168.201.11'])];
  /** Services by name; a status (written back by the controller) where given. */
  const clusterOf = (services: ReadonlyMap<string, string | undefined>): ClusterSnapshot => {
    const names = [...services.keys()].sort();
    return snapshot({
      nodes,
      services: names.map((n) => {
        const ip = services.get(n);
        return service(n, ip === undefined ? {} : { statusIngress: [ip] });
      }),
      endpointSlices: names.map((n) => slice(n, ['n1'])),
    });
  };
  /** The engine's loop as `run` has it in a cluster: laid over the memory, planned, announced. */
  const announcing = (memory: AllocationMemory | undefined) => {
    const { speaker, announcer } = recordingAnnouncer();
    const loop = engineLoop(memory, wide);
    return {
      speaker,
      plan: (snap: ClusterSnapshot): Plan => {
        const plan = loop(snap);
        announcer.setRoutes('router', plan.peers[0]!.routes);
        return plan;
      },
    };
  };

  /**
   * The kube-path bench at 1,000 Services: every status written, the controller still busy with
   * its round's Events and route annotations, a new Service (no status yet) and then a deletion.
   */
  function deletionDuringTheRound(memory: AllocationMemory | undefined): RecordingSpeaker {
    const services = new Map<string, string | undefined>();
    for (let i = 0; i < 5; i++) services.set(`svc-${i}`, `10.96.0.${i}`);
    const { speaker, plan } = announcing(memory);
    plan(clusterOf(services));
    services.set('svc-new', undefined);
    expect(
      plan(clusterOf(services)).allocations.find((a) => a.service === 'default/svc-new')?.ips,
    ).to.deep.equal(['10.96.0.5']);
    services.delete('svc-1');
    plan(clusterOf(services));
    return speaker;
  }

  it("withdraws a Service deleted while a new Service's status is not written yet", () => {
    expect(deletionDuringTheRound(new AllocationMemory({ untilWritten: true })).held()).to.deep.equal({
      '10.96.0.0/32': ['default/svc-0'],
      '10.96.0.2/32': ['default/svc-2'],
      '10.96.0.3/32': ['default/svc-3'],
      '10.96.0.4/32': ['default/svc-4'],
      '10.96.0.5/32': ['default/svc-new'],
    });
  });

  it("without it, the new Service moves onto the deleted one's address, which is never withdrawn (the fault it fixes)", () => {
    const held = deletionDuringTheRound(undefined).held();
    expect(held['10.96.0.1/32']).to.deep.equal(['default/svc-new']);
    expect(held).not.to.have.property('10.96.0.5/32');
  });

  it('lets go of an allocation once the status carries it', async () => {
    const memory = new AllocationMemory({ untilWritten: true });
    await memory.write({
      changed: [{ service: 'default/a', ips: ['10.96.0.3'], pools: ['default'] }],
      released: [],
    });
    const written = snapshot({ services: [service('a', { statusIngress: ['10.96.0.3'] })] });
    expect(memory.asStatus(written)).to.equal(written);
    const cleared = snapshot({ services: [service('a')] });
    expect(memory.asStatus(cleared), 'forgotten: the status keeps it now').to.equal(cleared);
  });

  it('moves no announced address and ends with the from-scratch plan, over creations and deletions while statuses lag', () => {
    type Step = { op: 'create' | 'delete' | 'write-status' | 'plan'; at: number };
    const step: fc.Arbitrary<Step> = fc.record({
      op: fc.constantFrom('create' as const, 'delete' as const, 'write-status' as const, 'plan' as const),
      at: fc.nat(),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.array(step, { maxLength: 40 }), (n, steps) => {
        const services = new Map<string, string | undefined>();
        for (let i = 0; i < n; i++) services.set(`svc-${i}`, `10.96.0.${i}`);
        let created = n;
        const { speaker, plan } = announcing(new AllocationMemory({ untilWritten: true }));
        let latest = plan(clusterOf(services));
        const announced = new Map<string, string>();
        const check = (p: Plan) => {
          for (const a of p.allocations) {
            const ip = a.ips[0];
            if (ip === undefined) continue;
            const was = announced.get(a.service);
            if (was !== undefined) expect(ip, a.service).to.equal(was);
            announced.set(a.service, ip);
          }
        };
        check(latest);
        const names = () => [...services.keys()];
        for (const s of steps) {
          if (s.op === 'create') services.set(`new-${created++}`, undefined);
          else if (s.op === 'delete' && services.size > 0) {
            const name = names()[s.at % services.size]!;
            services.delete(name);
            announced.delete(`default/${name}`);
          } else if (s.op === 'write-status' && services.size > 0) {
            // The controller's round reaches one Service: the status of the plan it decided on.
            const name = names()[s.at % services.size]!;
            const ip = latest.allocations.find((a) => a.service === `default/${name}`)?.ips[0];
            services.set(name, ip);
          } else if (s.op === 'plan') {
            latest = plan(clusterOf(services));
            check(latest);
          }
        }
        // The round ends: every status written, then planned once more.
        latest = plan(clusterOf(services));
        for (const a of latest.allocations) services.set(a.service.slice('default/'.length), a.ips[0]);
        const final = clusterOf(services);
        check(plan(final));
        const routes = planCluster(wide, final).peers[0]!.routes;
        expect(speaker.held()).to.deep.equal(
          Object.fromEntries(routes.map((r) => [r.prefix.text, r.services])),
        );
      }),
      { numRuns: 300 },
    );
  });
});
