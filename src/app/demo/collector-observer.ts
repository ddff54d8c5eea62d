import type { BgpSpeaker, ReceivedRoute } from '../../bgp/index.js';
import { formatUptime } from '../../router-drivers/index.js';
import type { RouterObserver } from '../engine/router-verifier.js';
import type { ObservedRoute, ObservedRouterState, ObservedSession } from '../../sync/verify/observed.js';

/**
 * The "collector driver": what the built-in collector (our speaker in collector mode) received,
 * in the verifier's terms, so the demo verifies against it exactly as against a router. The
 * collector has no FIB, so every received route counts as selected and installed; ages and
 * up/down times are measured from when the collector first saw them.
 */
export class CollectorObserver implements RouterObserver {
  private readonly peerAs = new Map<string, number>();
  private readonly upSince = new Map<string, number>();
  private readonly firstSeen = new Map<string, number>();

  constructor(
    private readonly collector: BgpSpeaker,
    private readonly router: { routerId: string; localAs: number },
    private readonly now: () => number = Date.now,
  ) {
    collector.on('established', (e) => {
      this.peerAs.set(e.peer, e.peerAsn);
      this.upSince.set(e.peer, this.now());
    });
    collector.on('state', (e) => {
      if (e.to !== 'Established') this.upSince.delete(e.peer);
    });
  }

  async observe(): Promise<ObservedRouterState> {
    const sessions: ObservedSession[] = [];
    const byPrefix = new Map<string, ReceivedRoute[]>();
    for (const p of this.collector.peers()) {
      const up = this.upSince.get(p.name);
      const received = p.state === 'Established' ? this.collector.receivedRoutes(p.name) : [];
      const session: ObservedSession = {
        neighbor: p.peerAddress,
        remoteAs: this.peerAs.get(p.name) ?? 0,
        state: p.state,
        upDownText: up === undefined ? 'never' : formatUptime(Math.floor((this.now() - up) / 1000)),
      };
      if (p.state === 'Established') session.prefixesReceived = received.length;
      sessions.push(session);
      for (const r of received) byPrefix.set(r.prefix, [...(byPrefix.get(r.prefix) ?? []), r]);
    }
    const routes: ObservedRoute[] = [];
    for (const [prefix, paths] of byPrefix) {
      this.firstSeen.set(prefix, this.firstSeen.get(prefix) ?? this.now());
      routes.push({
        prefix,
        family: paths[0]!.family,
        codes: 'B>*',
        selected: true,
        installed: true,
        nextHops: [...new Set(paths.map((p) => p.nextHop))].map((address) => ({
          address,
          fib: true,
          active: true,
        })),
        ageText: formatUptime(Math.floor((this.now() - this.firstSeen.get(prefix)!) / 1000)),
      });
    }
    for (const prefix of [...this.firstSeen.keys()]) if (!byPrefix.has(prefix)) this.firstSeen.delete(prefix);
    return { routerId: this.router.routerId, localAs: this.router.localAs, sessions, routes };
  }
}
