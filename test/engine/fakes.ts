import { valuesOf, type Listed } from '../../src/util/listed.js';
import type { Config, PeerConfig } from '../../src/config/model.js';
import type { ClusterSnapshot, ServiceInfo } from '../../src/sync/cluster.js';
import type { PeerSessions } from '../../src/app/engine/peer-sessions.js';
import type { Plan, PlannedRoute } from '../../src/sync/plan-types.js';
import type {
  AllocationChanges,
  AllocationWriter,
  ClusterSource,
  NeighborManager,
  RouteAnnouncer,
  ShutdownMode,
  SourceListener,
  VerifierResult,
  Verifier,
} from '../../src/app/engine/ports.js';
import type { SessionStatus } from '../../src/sync/run-status.js';
import { config as baseConfig, node, peer, pool, service } from '../sync/builders.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';

export function config(over: Partial<Config> = {}): Config {
  return baseConfig([pool('default', ['192.168.197.0/24'])], [peer('192.168.200.1')], {
    kubernetes: { mode: 'manifests', manifestsPath: '/nonexistent', metallbNamespace: 'metallb-system' },
    ...over,
  });
}

export function lbService(name: string, ip: string): ServiceInfo {
  return service(name, { loadBalancerIP: ip, selector: {} });
}

export function snapshot(services: ServiceInfo[]): ClusterSnapshot {
  return {
    services,
    endpointSlices: [],
    nodes: [node('n1', ['192.168.201.11'], { labels: {} })],
    namespaces: [],
  };
}

/** Every service gets its loadBalancerIP, announced via every node to every peer. */
export function fakePlanner(cfg: Config, snap: ClusterSnapshot): Plan {
  const lbs = snap.services.filter((s) => s.type === 'LoadBalancer' && s.loadBalancerIP);
  const hops = nextHopsOf(snap.nodes.map((n) => n.internalIPs[0]!).sort());
  const routes: PlannedRoute[] = lbs.map((s) => ({
    prefix: routePrefixOf(`${s.loadBalancerIP}/32`),
    family: 4,
    nextHops: hops,
    communities: [],
    largeCommunities: [],
    services: [`${s.namespace}/${s.name}`],
  }));
  return {
    allocations: lbs.map((s) => ({
      service: `${s.namespace}/${s.name}`,
      ips: [s.loadBalancerIP!],
      pools: ['default'],
    })),
    peers: cfg.peers.map((p) => ({ peer: p.name, peerAddress: p.peerAddress, routes })),
    issues: [],
  };
}

export class FakeSource implements ClusterSource {
  listener: SourceListener | undefined;
  stopped = false;
  async start(listener: SourceListener): Promise<void> {
    this.listener = listener;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  emit(snap: ClusterSnapshot, synced = true): void {
    this.listener!.snapshot(snap, synced);
  }
}

export class FakeAnnouncer implements RouteAnnouncer, PeerSessions {
  routes = new Map<string, readonly PlannedRoute[]>();
  calls: string[] = [];
  shutdownMode: ShutdownMode | undefined;
  private listeners = new Set<(s: SessionStatus) => void>();
  status: SessionStatus[];

  constructor(peers: PeerConfig[], established = true) {
    this.status = peers.map((p) => ({
      peer: p.name,
      peerAddress: p.peerAddress,
      peerPort: p.peerPort,
      state: established ? 'Established' : 'Active',
      established,
      announcedPrefixes: 0,
    }));
  }
  setRoutes(peer: string, list: Listed<PlannedRoute>): void {
    const routes = valuesOf(list);
    this.routes.set(peer, routes);
    this.calls.push(`set ${peer} ${routes.map((r) => r.prefix).join(',')}`);
    const s = this.status.find((x) => x.peer === peer);
    if (s) s.announcedPrefixes = routes.length;
  }
  /** How many setRoutes calls had been made each time initialRoutesSet was called. */
  initialRoutesSetAfter: number[] = [];
  initialRoutesSet(): void {
    this.initialRoutesSetAfter.push(this.calls.length);
  }
  resend(peer: string, prefixes: readonly string[]): void {
    this.calls.push(`resend ${peer} ${prefixes.join(',')}`);
  }
  withdraw(peer: string, prefixes: readonly string[]): void {
    this.calls.push(`withdraw ${peer} ${prefixes.join(',')}`);
  }
  sessions(): SessionStatus[] {
    return this.status.map((s) => ({ ...s }));
  }
  onSessionChange(listener: (s: SessionStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** `name`: the session's own name for a path slot session (`<peer>#<slot>`), else the peer's. */
  setState(name: string, state: string): void {
    const s = this.status.find((x) => (x.session ?? x.peer) === name)!;
    s.state = state;
    s.established = state === 'Established';
    for (const l of this.listeners) l({ ...s });
  }
  async shutdown(mode: ShutdownMode): Promise<void> {
    this.shutdownMode = mode;
  }
  addPeer(p: PeerConfig): void {
    this.calls.push(`add-peer ${p.name}`);
    this.status.push({
      peer: p.name,
      peerAddress: p.peerAddress,
      peerPort: p.peerPort,
      state: 'Active',
      established: false,
      announcedPrefixes: 0,
    });
  }
  async removePeer(name: string): Promise<void> {
    this.calls.push(`remove-peer ${name}`);
    this.status = this.status.filter((s) => s.peer !== name);
    this.routes.delete(name);
  }
  async resetPeer(p: PeerConfig): Promise<void> {
    this.calls.push(`reset-peer ${p.name}`);
  }
}

export class FakeVerifier implements Verifier<string> {
  plans: Plan[] = [];
  /** Results handed out in order; the last one repeats. */
  constructor(
    public results: Array<Omit<VerifierResult<string>, 'report'>> = [{ verdict: 'ok', findings: [] }],
  ) {}
  async verify(plan: Plan): Promise<VerifierResult<string>> {
    this.plans.push(plan);
    const r = this.results.length > 1 ? this.results.shift()! : this.results[0]!;
    return {
      ...r,
      report: `${r.verdict}: ${plan.peers.flatMap((p) => p.routes.map((x) => x.prefix)).join(' ')}`,
    };
  }
}

export class FakeWriter implements AllocationWriter {
  writes: AllocationChanges[] = [];
  failNext = 0;
  async write(changes: AllocationChanges): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('apiserver unavailable');
    }
    this.writes.push(changes);
  }
}

export class FakeNeighbors implements NeighborManager {
  added: string[] = [];
  async ensureNeighbor(p: PeerConfig): Promise<string> {
    this.added.push(p.peerAddress);
    return `neighbor 192.168.201.2 remote-as ${p.myAsn}`;
  }
}
