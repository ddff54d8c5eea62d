import { expect } from 'chai';
import { HEALTH_CHECK_DEFAULTS } from '../../src/config/health-checks.js';
import { healthChecksInForce } from '../../src/health/setup.js';
import { Metrics } from '../../src/observability/metrics.js';

describe('health: settings in force and metrics', () => {
  it('on by default when run reads a cluster, off for manifests, as written otherwise', () => {
    expect(healthChecksInForce(undefined, true)).to.deep.equal(HEALTH_CHECK_DEFAULTS);
    expect(healthChecksInForce(undefined, false)).to.equal(undefined);
    const written = { ...HEALTH_CHECK_DEFAULTS, intervalMs: 200 };
    expect(healthChecksInForce(written, false)).to.equal(written);
    expect(healthChecksInForce({ ...written, enabled: false }, true)).to.equal(undefined);
  });

  it('exports probe latency, targets by state and transitions', async () => {
    const metrics = new Metrics();
    metrics.healthProbe(0.002, true);
    metrics.healthProbe(0.5, false);
    metrics.healthTransition('unhealthy');
    metrics.setHealthTargetsWhenRead(() => ['healthy', 'healthy', 'unhealthy']);
    const text = await metrics.text();
    expect(text).to.include('crs_health_probe_duration_seconds_count{result="ok"} 1');
    expect(text).to.include('crs_health_probe_duration_seconds_count{result="failed"} 1');
    expect(text).to.include('crs_health_targets{state="healthy"} 2');
    expect(text).to.include('crs_health_targets{state="unhealthy"} 1');
    expect(text).to.include('crs_health_targets{state="unknown"} 0');
    expect(text).to.include('crs_health_transitions_total{to="unhealthy"} 1');
  });
});
