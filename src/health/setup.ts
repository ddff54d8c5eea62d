/**
 * Health checks as `run` sets them up: the `healthChecks:` section as written, or, when it is
 * absent, the default of the source: on when reading a cluster (kube-proxy is there to answer),
 * off for manifests (a lab or a demo has nothing on the nodes' health ports unless it says so).
 */
import type { HealthChecksConfig } from '../config/model.js';
import { HEALTH_CHECK_DEFAULTS } from '../config/health-checks.js';
import type { Metrics } from '../observability/metrics.js';
import { HealthChecker } from './health-checker.js';
import { CheckedNextHops, type NextHopHealth } from './next-hop-health.js';
import { httpProber } from './prober.js';

export function healthChecksInForce(
  written: HealthChecksConfig | undefined,
  readsCluster: boolean,
): HealthChecksConfig | undefined {
  const settings = written ?? (readsCluster ? HEALTH_CHECK_DEFAULTS : undefined);
  return settings?.enabled ? settings : undefined;
}

export function startNextHopHealth(settings: HealthChecksConfig, metrics: Metrics): NextHopHealth {
  const prober = httpProber(settings.timeoutMs);
  const checker = new HealthChecker({
    ...settings,
    probe: prober.probe,
    observe: (_target, seconds, ok) => metrics.healthProbe(seconds, ok),
  });
  checker.onTransition((t) => metrics.healthTransition(t.to));
  metrics.setHealthTargetsWhenRead(() => checker.statuses().map((s) => s.state.state));
  const health = new CheckedNextHops(checker, settings.nodeHealthPort);
  return {
    apply: (plan, services) => health.apply(plan, services),
    onTransition: (listener) => health.onTransition(listener),
    statuses: () => health.statuses(),
    stop: () => {
      health.stop();
      prober.close();
    },
  };
}
