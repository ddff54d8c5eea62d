import { appendAll } from '../../util/arrays.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
// The parsers themselves, not the router-drivers index: that would bring the SSH and local
// transports, the drivers and the neighbor plan (node:crypto included) into `check DIR`'s start-up.
import {
  parseBgpNeighborsJson,
  parseBgpSummaryJson,
  parseRouteJson,
} from '../../router-drivers/parse-json.js';
import { parseBgpNeighborsText } from '../../router-drivers/parse-neighbors-text.js';
import { parseRouteText } from '../../router-drivers/parse-route-text.js';
import { parseRunningConfig } from '../../router-drivers/parse-running-config.js';
import { parseBgpSummaryText } from '../../router-drivers/parse-summary-text.js';
import type {
  BgpNeighborDetail,
  BgpSummary,
  RouteEntry,
  RunningConfig,
} from '../../router-drivers/records.js';
import { commandErrorFor } from '../../router-drivers/vtysh-errors.js';
import { parsedAs } from '../../router-drivers/text-lines.js';
import { CrsError } from '../../util/errors.js';
import type { RouterRecords } from '../../sync/verify/from-records.js';
import { isBirdRecording, readBirdRecording } from './bird-recording.js';
import { CheckInputError } from './errors.js';

/**
 * The file names a recording may use for each output, in order of preference: JSON first, since
 * FRR's JSON is the form the live driver reads too. Names follow fixtures/frr-8.4.4/ (the
 * command with spaces as underscores), so a capture made by hand fits as well as one by `record`.
 */
const RECORDED_FILES = {
  summary: ['show_bgp_summary_json.txt', 'show_bgp_summary.txt', 'show_ip_bgp_summary.txt'],
  routes: ['show_ip_route_bgp_json.txt', 'show_ip_route_bgp.txt'],
  routesV6: ['show_ipv6_route_bgp_json.txt', 'show_ipv6_route_bgp.txt'],
  runningConfig: ['show_running-config.txt'],
  neighbors: ['show_bgp_neighbors_json.txt', 'show_bgp_neighbors.txt', 'show_ip_bgp_neighbors.txt'],
} as const;

interface RecordedOutput {
  file: string;
  command: string;
  text: string;
}

/**
 * Reads `DIR/router/`: summary and IPv4 routes are required; IPv6 routes, running config and
 * neighbor details (which sessions carry several paths, ADD-PATH) optional. A BIRD recording
 * (bird-recording.ts) has its own files.
 */
export async function readRouterRecording(routerDir: string): Promise<RouterRecords> {
  if (await isBirdRecording(routerDir)) return readBirdRecording(routerDir);
  const summaryFile = await firstPresent(routerDir, RECORDED_FILES.summary);
  const routesFile = await firstPresent(routerDir, RECORDED_FILES.routes);
  for (const [what, found, names] of [
    ['show bgp summary', summaryFile, RECORDED_FILES.summary],
    ['show ip route bgp', routesFile, RECORDED_FILES.routes],
  ] as const) {
    if (found === undefined) {
      throw new CheckInputError(routerDir, `no recorded ${what}: want one of ${names.join(', ')}`);
    }
  }
  const summary = parseWith(summaryFile as RecordedOutput, parseBgpSummaryJson, parseBgpSummaryText);
  const routes: RouteEntry[] = parseWith(routesFile as RecordedOutput, parseRouteJson, parseRouteText);
  const v6 = await firstPresent(routerDir, RECORDED_FILES.routesV6);
  if (v6 !== undefined) appendAll(routes, parseWith(v6, parseRouteJson, parseRouteText));
  const records: RouterRecords = { summary, routes };
  const running = await firstPresent(routerDir, RECORDED_FILES.runningConfig);
  if (running !== undefined)
    records.runningConfig = parseWith(running, parseRunningConfig, parseRunningConfig);
  const neighbors = await firstPresent(routerDir, RECORDED_FILES.neighbors);
  if (neighbors !== undefined)
    records.neighbors = parseWith(neighbors, parseBgpNeighborsJson, parseBgpNeighborsText);
  return records;
}

async function firstPresent(dir: string, names: readonly string[]): Promise<RecordedOutput | undefined> {
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      throw new CheckInputError(file, `cannot be read: ${(err as Error).message}`, { cause: err });
    }
    return { file, command: name.replace(/\.txt$/, '').replace(/_/g, ' '), text };
  }
  return undefined;
}

/** The content decides between JSON and text: a `.txt` file may hold either. */
function parseWith<T extends BgpSummary[] | RouteEntry[] | RunningConfig | BgpNeighborDetail[]>(
  out: RecordedOutput,
  json: (text: string) => T,
  text: (text: string) => T,
): T {
  const refusal = commandErrorFor(out.command, out.text);
  if (refusal !== undefined) throw new CheckInputError(out.file, refusal.message, { cause: refusal });
  const looksJson = /^\s*[{[]/.test(out.text);
  try {
    return looksJson ? json(out.text) : parsedAs(out.command, text)(out.text);
  } catch (err) {
    if (err instanceof CrsError) throw new CheckInputError(out.file, err.message, { cause: err });
    throw err;
  }
}
