/**
 * The `healthChecks:` section of our own form: probing kube-proxy's healthz on the next hops
 * (src/health). Defaults are the issue's: a next hop goes after two failed probes a second apart
 * and comes back after two good ones.
 */
import * as z from 'zod';
import type { HealthChecksConfig } from './model.js';
import { port } from './schema-kit.js';
import { once } from '../util/once.js';

export const HEALTH_CHECK_DEFAULTS: HealthChecksConfig = {
  enabled: true,
  intervalMs: 1000,
  timeoutMs: 500,
  unhealthyThreshold: 2,
  healthyThreshold: 2,
  /** kube-proxy's --healthz-bind-address port. */
  nodeHealthPort: 10256,
};

const wholeAtLeast = (min: number, what: string) =>
  z
    .number()
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}${what}` });

export const healthChecksSchema = once(() =>
  z
    .strictObject({
      enabled: z.boolean().optional(),
      // Below 50 ms a probe per target would cost more than the failover it buys.
      intervalMs: wholeAtLeast(50, ' ms').optional(),
      timeoutMs: wholeAtLeast(1, ' ms').optional(),
      unhealthyThreshold: wholeAtLeast(1, '').optional(),
      healthyThreshold: wholeAtLeast(1, '').optional(),
      nodeHealthPort: port().optional(),
    })
    .transform((h): HealthChecksConfig => ({
      enabled: h.enabled ?? HEALTH_CHECK_DEFAULTS.enabled,
      intervalMs: h.intervalMs ?? HEALTH_CHECK_DEFAULTS.intervalMs,
      timeoutMs: h.timeoutMs ?? HEALTH_CHECK_DEFAULTS.timeoutMs,
      unhealthyThreshold: h.unhealthyThreshold ?? HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
      healthyThreshold: h.healthyThreshold ?? HEALTH_CHECK_DEFAULTS.healthyThreshold,
      nodeHealthPort: h.nodeHealthPort ?? HEALTH_CHECK_DEFAULTS.nodeHealthPort,
    }))
    // A probe still waiting when the next one is due would pile up on a hanging node.
    .refine((h) => h.timeoutMs <= h.intervalMs, {
      error:
        'timeoutMs must not be longer than intervalMs: a probe would still be waiting when the next is due',
      path: ['timeoutMs'],
    }),
);
