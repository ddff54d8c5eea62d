/**
 * Events on Services (events.k8s.io/v1): `IPAllocated`, `AllocationFailed`, `AdvertisementChanged`.
 * Decisions are remembered per service and an event goes out only when a decision changed, so a
 * steady cluster produces no event stream at all.
 */
import { randomBytes } from 'node:crypto';
import { serviceKey, type ServiceInfo } from '../sync/cluster.js';
import type { PeerRoutes, ServiceAllocation } from '../sync/plan-types.js';
import type { KubeClient } from './kube-client.js';
import { forEachInFlight, WRITES_IN_FLIGHT } from './in-flight.js';
import { replicaIdentity } from './leader-election.js';
import { microTime } from './micro-time.js';

type ServiceEventReason =
  | 'IPAllocated'
  | 'AllocationFailed'
  | 'AdvertisementChanged'
  /** A next hop's health probe (src/health) changed state. */
  | 'NextHopUnhealthy'
  | 'NextHopHealthy';

export interface ServiceEvent {
  service: string;
  type: 'Normal' | 'Warning';
  reason: ServiceEventReason;
  note: string;
}

export interface EventRecorderOptions {
  /** events.k8s.io reportingController: a qualified name. */
  controller?: string;
  /** reportingInstance: which replica. Default: replicaIdentity() (the pod name in a cluster). */
  instance?: string;
}

function eventSuffix(): string {
  return (
    (process.hrtime.bigint() + BigInt(Date.now()) * 1_000_000n).toString(16) + randomBytes(2).toString('hex')
  );
}

const ACTIONS: Record<ServiceEventReason, string> = {
  IPAllocated: 'Allocate',
  AllocationFailed: 'Allocate',
  AdvertisementChanged: 'Advertise',
  NextHopUnhealthy: 'Probe',
  NextHopHealthy: 'Probe',
};

/** Posts one event about one service. */
export class ServiceEventRecorder {
  readonly controller: string;
  readonly instance: string;

  constructor(
    private readonly client: KubeClient,
    opts: EventRecorderOptions = {},
  ) {
    this.controller = opts.controller ?? 'cluster-router-sync/controller';
    this.instance = opts.instance ?? replicaIdentity();
  }

  async record(
    svc: Pick<ServiceInfo, 'namespace' | 'name' | 'uid'>,
    ev: Omit<ServiceEvent, 'service'>,
  ): Promise<void> {
    const ns = encodeURIComponent(svc.namespace);
    await this.client.request('POST', `/apis/events.k8s.io/v1/namespaces/${ns}/events`, {
      body: {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        // client-go's naming: the object's name and a unique hex suffix (generateName would need
        // the prefix to end in an alphanumeric, which the dot does not).
        metadata: { name: `${svc.name}.${eventSuffix()}`, namespace: svc.namespace },
        eventTime: microTime(new Date()),
        reportingController: this.controller,
        reportingInstance: this.instance,
        action: ACTIONS[ev.reason],
        reason: ev.reason,
        type: ev.type,
        // The API caps notes at 1 kB.
        note: ev.note.slice(0, 1024),
        regarding: {
          apiVersion: 'v1',
          kind: 'Service',
          namespace: svc.namespace,
          name: svc.name,
          ...(svc.uid ? { uid: svc.uid } : {}),
        },
      },
    });
  }
}

interface Remembered {
  allocation: string;
  advertisement: string;
}

/** What the decision events are computed from: the plan's allocations and routes. */
export interface DecisionInput {
  allocations: ServiceAllocation[];
  peers: PeerRoutes[];
}

function allocationText(a: ServiceAllocation | undefined): string {
  if (!a) return '';
  const failure = a.failure ? `${a.failure.reason}: ${a.failure.message}` : '';
  return `${a.ips.map((ip, i) => `${ip}@${a.pools[i] ?? ''}`).join(',')}|${failure}`;
}

function advertisementsByService(peers: PeerRoutes[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of peers) {
    for (const r of p.routes) {
      for (const s of r.services) {
        const list = out.get(s) ?? [];
        list.push(`${r.prefix.text} to ${p.peer} via ${r.nextHops.map((h) => h.text).join(' ')}`);
        out.set(s, list);
      }
    }
  }
  for (const list of out.values()) list.sort();
  return out;
}

/**
 * Turns plans into events, one per changed decision. Keeps what it last said per service; a
 * service that disappears is forgotten.
 */
export class DecisionEvents {
  private readonly said = new Map<string, Remembered>();

  /**
   * The events `input` calls for, given what was said before; remembers them as said. With
   * `scope`, `services` and `input` cover those services only (a change's), and only a service of
   * the scope that is absent is forgotten; without it they cover the whole cluster.
   */
  decide(services: ServiceInfo[], input: DecisionInput, scope?: ReadonlySet<string>): ServiceEvent[] {
    const allocs = new Map(input.allocations.map((a) => [a.service, a]));
    const ads = advertisementsByService(input.peers);
    const events: ServiceEvent[] = [];
    const present = new Set<string>();
    for (const svc of services) {
      const key = serviceKey(svc);
      present.add(key);
      const alloc = allocs.get(key);
      const routes = ads.get(key) ?? [];
      const now: Remembered = { allocation: allocationText(alloc), advertisement: routes.join('; ') };
      // With nothing remembered (a restart, a new leader) an allocation the service's status
      // already shows was announced by whoever wrote that status; saying it again is spam.
      const written =
        alloc !== undefined && alloc.ips.length > 0 && svc.statusIngress.join(',') === alloc.ips.join(',');
      const before = this.said.get(key) ?? { allocation: written ? now.allocation : '', advertisement: '' };
      if (alloc && now.allocation !== before.allocation) {
        if (alloc.ips.length > 0) {
          const from = [...new Set(alloc.pools)].join(', ');
          events.push({
            service: key,
            type: 'Normal',
            reason: 'IPAllocated',
            note: `Assigned IP ${alloc.ips.join(', ')} from pool ${from}`,
          });
        }
        if (alloc.failure) {
          events.push({
            service: key,
            type: 'Warning',
            reason: 'AllocationFailed',
            note: `${alloc.failure.reason}: ${alloc.failure.message}`,
          });
        }
      }
      if (now.advertisement !== before.advertisement) {
        const note = routes.length ? `Announcing ${now.advertisement}` : 'No longer announced to any peer';
        events.push({ service: key, type: 'Normal', reason: 'AdvertisementChanged', note });
      }
      this.said.set(key, now);
    }
    for (const key of scope ?? this.said.keys()) if (!present.has(key)) this.said.delete(key);
    return events;
  }

  /** Decides and posts through `recorder`; returns the events posted. */
  async observe(
    recorder: ServiceEventRecorder,
    services: ServiceInfo[],
    input: DecisionInput,
    scope?: ReadonlySet<string>,
  ): Promise<ServiceEvent[]> {
    const events = this.decide(services, input, scope);
    const byKey = new Map(services.map((s) => [serviceKey(s), s]));
    // A service's events go out one after the other, in the order decided (their eventTime has
    // millisecond precision, so two at once could sort either way); services in parallel.
    const perService = new Map<string, ServiceEvent[]>();
    for (const ev of events) {
      const list = perService.get(ev.service);
      if (list) list.push(ev);
      else perService.set(ev.service, [ev]);
    }
    const posted = new Set<string>();
    try {
      await forEachInFlight([...perService], WRITES_IN_FLIGHT, async ([key, list]) => {
        const svc = byKey.get(key);
        if (svc) for (const ev of list) await recorder.record(svc, ev);
        posted.add(key);
      });
    } catch (err) {
      // Not said after all (failed, or not started after the failure): forgetting those services
      // makes the next plan say it again.
      for (const key of perService.keys()) if (!posted.has(key)) this.said.delete(key);
      throw err;
    }
    return events;
  }
}
