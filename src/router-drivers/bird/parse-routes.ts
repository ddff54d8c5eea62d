import { lineError, parseCount } from '../text-lines.js';
import { birdReplyLines } from './birdc-reply.js';

export interface BirdNextHop {
  address?: string;
  interface?: string;
  weight?: number;
}

/** One route (rte) of `show route`: BIRD lists every protocol's route for a network, best first. */
export interface BirdRoute {
  prefix: string;
  family: 4 | 6;
  table: string;
  /** `unicast`, `blackhole`, `unreachable`, `prohibit`. */
  type: string;
  /** The protocol the route came from, e.g. `node1`. */
  protocol: string;
  /** When it arrived, as printed (`21:45:55.524`). */
  since: string;
  /** `*`: BIRD's primary (best) route for the network, the one its export to the kernel is made of. */
  primary: boolean;
  preference: number;
  nextHops: BirdNextHop[];
  /** First word of `Type:` (`BGP`, `static`, ...), with `all` only. */
  source?: string;
}

/**
 * A route line (code 1007): `192.168.197.2/32     unicast [node1 21:45:55.524] * (100) [AS64500?]`,
 * the network left blank for the next route of the same network. The preference may carry a
 * metric after a slash (`(150/20)` for OSPF, an IGP metric or `?` for a recursive next hop); a BGP
 * route ends with `[AS<origin-as><origin>]`.
 */
const ROUTE = /^(\S+)?\s+(\S+) \[(\S+) ([^\]]*)\](?: ([*!]))? \((\d+)(?:\/[^)]*)?\)(?: \[.*\])?$/;
const VIA = /^\tvia (\S+) on (\S+)((?: \S+)*)$/;
const DEV = /^\tdev (\S+)((?: \S+)*)$/;

/**
 * `birdc -v show route [all]` and `show route export <protocol>` (fixtures/bird-2.0.12/): a
 * `Table <name>:` heading, then per route its line and its `\tvia <address> on <interface>`
 * next hops (a route merged for the kernel lists several, each with `weight`); with `all` a
 * `\tType:` line (code 1008) and the attributes (1012), of which only the source type is kept.
 */
export function parseBirdRoutes(command: string, text: string): BirdRoute[] {
  const routes: BirdRoute[] = [];
  let table = '';
  let prefix: string | undefined;
  let route: BirdRoute | undefined;
  for (const l of birdReplyLines(command, text)) {
    if (l.code === 1008) {
      const type = /^\tType: (\S+)/.exec(l.text);
      if (type === null || route === undefined)
        throw lineError(command, l.line, 'not a `Type:` line of a route');
      route.source = type[1] as string;
      continue;
    }
    if (l.code !== 1007) continue;
    const heading = /^Table (\S+):$/.exec(l.text);
    if (heading) {
      table = heading[1] as string;
      prefix = undefined;
      route = undefined;
      continue;
    }
    if (l.text.startsWith('\t')) {
      if (route === undefined) throw lineError(command, l.line, 'next hop before any route');
      const via = VIA.exec(l.text);
      const dev = via ? null : DEV.exec(l.text);
      if (via === null && dev === null) throw lineError(command, l.line, 'not a `via` or `dev` next hop');
      const hop: BirdNextHop = via
        ? { address: via[1] as string, interface: via[2] as string }
        : { interface: dev?.[1] as string };
      const weight = /\bweight (\S+)/.exec((via ? via[3] : dev?.[2]) ?? '');
      if (weight) hop.weight = parseCount(command, l.line, weight[1] as string, 'weight');
      route.nextHops.push(hop);
      continue;
    }
    const m = ROUTE.exec(l.text);
    if (m === null) throw lineError(command, l.line, 'not a route line');
    if (m[1] !== undefined) prefix = m[1];
    if (prefix === undefined) throw lineError(command, l.line, 'route without a network');
    if (!/^[0-9A-Fa-f.:]+\/\d+$/.test(prefix))
      throw lineError(command, l.line, `${JSON.stringify(prefix)} is not an IP prefix`);
    route = {
      prefix,
      family: prefix.includes(':') ? 6 : 4,
      table,
      type: m[2] as string,
      protocol: m[3] as string,
      since: m[4] as string,
      primary: m[5] === '*',
      preference: parseCount(command, l.line, m[6] as string, 'preference'),
      nextHops: [],
    };
    routes.push(route);
  }
  return routes;
}
