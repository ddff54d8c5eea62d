import { expect } from 'chai';
import { ROUTER_MATRIX, requireRouter } from '../../lab/router-matrix.js';
import { waitFor } from '../../support/wait-for.js';
import { HEALTH_NODES, HEALTH_PREFIX, startHealthLab, type HealthLab } from './health-lab.js';

/**
 * `run` with healthChecks against a real FRR (test/engine/lab/health-lab.ts): killing one node's
 * kube-proxy stand-in takes that next hop out of FRR's kernel FIB; killing both leaves both (fail
 * open, logged as an error); restarting brings them back. Once over ADD-PATH, once over two path
 * slot sessions to an FRR told `disable-addpath-rx` (a router without ADD-PATH).
 */

const NODES = [...HEALTH_NODES];
const router = ROUTER_MATRIX.find((r) => r.frr === '8.4')!;

for (const mode of ['add-path', 'path slots'] as const)
  describe(`lab: health-checked next hops on ${router.name} (${mode}) @lab`, function () {
    this.timeout(180_000);
    let h: HealthLab | undefined;

    after(async () => h?.close());

    async function waitForHops(what: string, want: string[]): Promise<void> {
      let seen: string[] | undefined;
      await waitFor(what, async () => {
        seen = await h!.hops();
        return JSON.stringify(seen) === JSON.stringify(want);
      }).catch((err: Error) => {
        throw new Error(`${err.message}\nfib ${JSON.stringify(seen)}\n${h!.run.tail()}`);
      });
    }

    it('withdraws a dead node, fails open when all are dead, and takes them back', async function () {
      requireRouter(this, router);
      h = await startHealthLab(router, {
        slots: mode === 'path slots',
        // The healthz stand-ins answer from this test's own process, which a loaded 2-core machine
        // can stall for longer than a short probe timeout: two such stalls in a row would take a
        // live node out. A dead one refuses the connection at once, whatever the timeout.
        healthChecks: ['intervalMs: 1000', 'timeoutMs: 1000'],
      });
      const { servers, run } = h;
      await waitForHops('both next hops in the FIB', NODES);

      await servers[1]!.stop();
      await waitForHops(`${NODES[1]} withdrawn after its healthz died`, [NODES[0]!]);
      expect(run.stderr).to.match(/next hop 192\.168\.201\.12 fails its health check/);
      expect(run.stderr).to.include('ECONNREFUSED');
      // The verification after the change reads FRR back: the route is ok, its dead next hop named.
      await waitFor('the report naming the unhealthy next hop', () =>
        run.stdout.includes('unhealthy, withdrawn by health check: 192.168.201.12 (ECONNREFUSED)'),
      ).catch((err: Error) => {
        throw new Error(`${err.message}
${run.stdout.slice(-3000)}`);
      });

      await servers[1]!.start();
      await waitForHops(`${NODES[1]} back after its healthz returned`, NODES);

      for (const s of servers) await s.stop();
      await waitFor('the fail-open error', () => run.stderr.includes(`every next hop of ${HEALTH_PREFIX}`));
      // Failing open re-announces the next hop withdrawn when the first target died; the error is
      // logged when that decision is made, so the FIB catches up a moment later.
      await waitForHops('both next hops kept when every target is dead (fail open)', NODES);

      for (const s of servers) await s.start();
      await waitFor('the prefix healthy again', () =>
        run.stderr.includes(`${HEALTH_PREFIX} has a healthy next hop again`),
      );
      await waitForHops('both next hops in the FIB after recovery', NODES);
    });
  });
