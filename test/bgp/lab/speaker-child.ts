/**
 * Our speaker as a child process, so a lab test can run it inside the speaker's network namespace
 * (`ip netns exec <ns> node --import tsx speaker-child.ts '<options json>'`): a Node process
 * cannot switch namespaces itself. Commands arrive as JSON lines on stdin, events leave as JSON
 * lines on stdout.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BgpSpeaker, type DesiredRoute, type SpeakerPeer } from '../../../src/bgp/index.js';
import { parseRoutesJson, routesFromJson, type DesiredRouteJson } from '../../support/routes.js';

export interface ChildOptions {
  routerId: string;
  listen?: { address: string; port: number };
  gracefulRestartTimeSec?: number;
  addPath?: boolean;
  /** This process follows one of ours that announced routes (graceful-restart R bit). */
  restarted?: boolean;
  peers: SpeakerPeer[];
  /** Routes per peer from the start, so a restarted process announces at once. */
  routes?: Record<string, DesiredRouteJson[]>;
  /** Like `routes`, read from a JSON file (large tables do not fit in argv). */
  routesFile?: Record<string, string>;
  /** Hold routes and End-of-RIB until a `tableComplete` command, as `run` does after a restart. */
  awaitInitialTable?: boolean;
}

export type ChildCommand =
  | { cmd: 'setRoutes'; peer: string; routes: DesiredRouteJson[] }
  | { cmd: 'status' }
  | { cmd: 'memory' }
  | { cmd: 'tableComplete' }
  | { cmd: 'stop'; withdraw: boolean; message?: string };

const opts = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const RSS_SETTLE_MS = 1000;
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

const speaker = new BgpSpeaker({
  routerId: opts.routerId,
  ...(opts.listen ? { listen: opts.listen } : {}),
  ...(opts.gracefulRestartTimeSec !== undefined
    ? { gracefulRestartTimeSec: opts.gracefulRestartTimeSec }
    : {}),
  ...(opts.addPath !== undefined ? { addPath: opts.addPath } : {}),
  ...(opts.restarted !== undefined ? { restarted: opts.restarted } : {}),
  ...(opts.awaitInitialTable !== undefined ? { awaitInitialTable: opts.awaitInitialTable } : {}),
  backoff: { initialMs: 200, maxMs: 2000, jitter: 0.2 },
});
for (const event of ['state', 'established', 'notification', 'warning', 'routes-sent'] as const) {
  speaker.on(event, (e) => out({ event, ...e }));
}
if (opts.listen) await speaker.listen();
/**
 * A peer's starting routes as values. In a function of its own so that nothing of the file's JSON
 * stays reachable: a local of this module's top level stays reachable from its suspended frame
 * (the command loop below awaits).
 */
function startingRoutes(peer: string): DesiredRoute[] | undefined {
  const file = opts.routesFile?.[peer];
  if (file) return parseRoutesJson(readFileSync(file, 'utf8'));
  const routes = opts.routes?.[peer];
  return routes && routesFromJson(routes);
}

for (const peer of opts.peers) {
  speaker.addPeer(peer);
  const routes = startingRoutes(peer.name);
  if (routes) speaker.setRoutes(peer.name, routes);
}
// Reading the route files is this harness's garbage, not the speaker's: collected before any
// session can send, so what the `memory` command reads right after sending is the speaker's.
// Twice: the routes kept are made in between the parse's garbage, and one full collection leaves
// those pages sparse (old space 44 MB used of 50 to 57 MB committed with 100,000 routes); the
// second compacts them (47 to 49 MB), so the RSS no longer counts them.
const collectGarbage = (globalThis as { gc?: () => void }).gc;
collectGarbage?.();
collectGarbage?.();
out({ event: 'ready', pid: process.pid });

for await (const line of createInterface({ input: process.stdin })) {
  const c = JSON.parse(line) as ChildCommand;
  if (c.cmd === 'setRoutes') speaker.setRoutes(c.peer, routesFromJson(c.routes));
  else if (c.cmd === 'tableComplete') speaker.initialTableComplete();
  else if (c.cmd === 'status') {
    const slots = opts.peers.map((p) => {
      const status = speaker.pathSlots(p.name);
      return { ...status, uncarried: Object.fromEntries(status.uncarried) };
    });
    out({ event: 'status', peers: speaker.peers(), slots });
  } else if (c.cmd === 'memory') {
    const beforeGc = process.memoryUsage();
    // With --expose-gc (SpeakerProcess passes it) also the steady state, without the last burst's
    // garbage. V8 hands the pages a collection freed back to the system from a background thread:
    // read at once, the RSS still counts most of them (50 MiB of 220 with 100,000 routes).
    if (collectGarbage) {
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, RSS_SETTLE_MS));
    }
    out({ event: 'memory', rss: process.memoryUsage().rss, rssBeforeGc: beforeGc.rss });
  } else {
    await speaker.stop({ withdraw: c.withdraw, ...(c.message !== undefined ? { message: c.message } : {}) });
    out({ event: 'stopped' });
    process.exit(0);
  }
}
