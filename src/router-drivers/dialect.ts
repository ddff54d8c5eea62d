import { parseBgpNeighborsJson, parseBgpSummaryJson, parseRouteJson } from './parse-json.js';
import { parseBgpNeighborsText } from './parse-neighbors-text.js';
import { parseRouteText } from './parse-route-text.js';
import { parseBgpSummaryText } from './parse-summary-text.js';
import type { BgpNeighborDetail, BgpSummary, RouteEntry, RouterVersion } from './records.js';
import { parsedAs } from './text-lines.js';

/** What to ask a router and how to read the answer. */
export interface RouterDialect {
  name: 'frr-json' | 'text';
  bgpSummary: { command: string; parse(text: string): BgpSummary[] };
  bgpRoutes(family: 4 | 6): { command: string; parse(text: string): RouteEntry[] };
  neighbors: { command: string; parse(text: string): BgpNeighborDetail[] };
}

/** FRR 7 and later answer `json` for every command we read; the JSON is stabler than the text. */
export const frrJsonDialect: RouterDialect = {
  name: 'frr-json',
  bgpSummary: { command: 'show bgp summary json', parse: parseBgpSummaryJson },
  bgpRoutes: (family) => ({
    command: `show ${family === 4 ? 'ip' : 'ipv6'} route bgp json`,
    parse: parseRouteJson,
  }),
  neighbors: { command: 'show bgp neighbors json', parse: parseBgpNeighborsJson },
};

/** Quagga (and anything else without JSON): the `show ip bgp ...` text forms. */
export const textDialect: RouterDialect = {
  name: 'text',
  bgpSummary: {
    command: 'show ip bgp summary',
    parse: parsedAs('show ip bgp summary', (text) => parseBgpSummaryText(text)),
  },
  bgpRoutes: (family) => {
    const command = `show ${family === 4 ? 'ip' : 'ipv6'} route bgp`;
    return { command, parse: parsedAs(command, parseRouteText) };
  },
  neighbors: {
    command: 'show ip bgp neighbors',
    parse: parsedAs('show ip bgp neighbors', parseBgpNeighborsText),
  },
};

/** FRR before 7 had gaps in its JSON (no `show bgp neighbors json` fields we need). */
export function dialectFor(version: RouterVersion): RouterDialect {
  return version.family === 'frr' && version.major >= 7 ? frrJsonDialect : textDialect;
}
