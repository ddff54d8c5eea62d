import type { Context } from 'mocha';
import { cleanUpAll } from './cleanup.js';
import { startGobgpd, type Gobgpd } from './gobgpd.js';
import { createLab, type Lab } from './netns.js';
import { sshRouterYaml, startSshd, type Sshd } from './sshd.js';
import { SEED_TABLE, type VerifyHarness } from './verify-harness.js';

/** What the hooks started, for the tests of the describe block (set once `before` has run). */
export interface SeededRouterLab<R> {
  lab?: Lab;
  router?: R;
  gobgpd?: Gobgpd;
  sshd?: Sshd;
}

/**
 * The `before`/`after` hooks of a verify lab test around one router dialect: a lab with the seed's
 * two node addresses, the router `start` makes, gobgpd announcing the seed's routes to it, an sshd
 * whose key may only run the router's wrapper (as docs/openwrt.md sets a router up), `h` on that
 * login (with `routerLines` added to its `router:` block), and the seed waited for in the FIB.
 */
export function seededRouterOverSsh<R extends { stop(): Promise<unknown> }>(
  h: VerifyHarness,
  opts: {
    /** Skips (or, in CI, fails) when the router or a command is missing. */
    require: (ctx: Context) => void;
    start: (lab: Lab) => Promise<R>;
    /** How sshd runs the router's commands: its CLI and the wrapper in front of it. */
    sshd: (router: R) => Parameters<typeof startSshd>[0];
    routerLines?: readonly string[];
    /** Who installs the routes, for the wait's message. */
    installer: string;
  },
): SeededRouterLab<R> {
  const t: SeededRouterLab<R> = {};
  before(async function () {
    opts.require(this);
    t.lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
    t.router = await opts.start(t.lab);
    t.gobgpd = await startGobgpd(t.lab);
    for (const [prefix, [nextHop]] of Object.entries(SEED_TABLE))
      await t.gobgpd.addRoute([prefix, 'nexthop', nextHop!]);
    t.sshd = await startSshd(opts.sshd(t.router));
    await h.start(t.lab, [...sshRouterYaml(t.sshd), ...(opts.routerLines ?? [])]);
    await h.fibIs(`${opts.installer} to install the seed routes`, SEED_TABLE);
  });
  after(async () => {
    await cleanUpAll([
      async () => t.sshd?.stop(),
      async () => t.gobgpd?.stop(),
      async () => t.router?.stop(),
      async () => t.lab?.destroy(),
      () => h.stop(),
    ]);
  });
  return t;
}
