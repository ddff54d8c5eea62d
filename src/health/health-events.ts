/**
 * Kubernetes Events for health transitions, on every Service the target decides: a Warning when
 * its next hop on a node starts failing, a Normal one when it passes again. A first verdict of
 * healthy (unknown -> healthy, at start-up) is not news and writes nothing.
 */
import type { ServiceEventRecorder } from '../k8s/service-events.js';
import type { Log } from '../util/log.js';
import type { Transition } from './health-checker.js';

function transitionNote(t: Transition): string {
  const where = `${t.target.address}:${t.target.port}/healthz`;
  return t.to === 'unhealthy'
    ? `next hop ${t.target.address} fails its health check (${where}: ${t.lastError ?? 'no error recorded'}); its path is withdrawn unless every next hop of the route fails`
    : `next hop ${t.target.address} passes its health check again (${where}); its path is announced again`;
}

/** Returns the transition listener; a failed write is logged, never thrown into the checker. */
export function serviceHealthEvents(recorder: ServiceEventRecorder, log: Log): (t: Transition) => void {
  return (t) => {
    if (t.to === 'unknown' || (t.to === 'healthy' && t.from === 'unknown')) return;
    for (const key of t.target.services) {
      const slash = key.indexOf('/');
      const svc = { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
      recorder
        .record(svc, {
          type: t.to === 'unhealthy' ? 'Warning' : 'Normal',
          reason: t.to === 'unhealthy' ? 'NextHopUnhealthy' : 'NextHopHealthy',
          note: transitionNote(t),
        })
        .catch((err: unknown) => log.warn({ err, service: key }, 'could not write the health Event'));
    }
  };
}
