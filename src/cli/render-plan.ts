import { appendAll, byText, maxOf } from '../util/arrays.js';
import { communityTexts } from '../ip/community.js';
import { serviceKey, type ServiceInfo, type ServicePort } from '../sync/cluster.js';
import type { PeerRoutes, Plan, PlannedRoute, ServiceAllocation } from '../sync/plan-types.js';

/*
 * `plan`'s text output: the services as `kubectl get svc -A` would list them once the plan is
 * carried out, the routes each peer would hold as `show ip route bgp` prints them, then the
 * plan's issues. Pure: the command reads, plans and prints.
 */

/** kubectl's table printer separates columns by three spaces and never pads the last one. */
const COLUMN_GAP = '   ';

const SERVICE_COLUMNS = [
  'NAMESPACE',
  'NAME',
  'TYPE',
  'CLUSTER-IP',
  'EXTERNAL-IP',
  'PORT(S)',
  'POOL',
  'FAILURE',
] as const;

/** One row per service, sorted by namespace/name as the API lists them. */
function serviceRows(services: readonly ServiceInfo[], plan: Plan): string[][] {
  const allocations = new Map<string, ServiceAllocation>(plan.allocations.map((a) => [a.service, a]));
  return [...services]
    .sort((a, b) => byText(serviceKey(a), serviceKey(b)))
    .map((s) => {
      const allocation = allocations.get(serviceKey(s));
      return [
        s.namespace,
        s.name,
        s.type,
        s.clusterIP === undefined || s.clusterIP === '' ? '<none>' : s.clusterIP,
        externalIp(s, allocation),
        ports(s.ports),
        allocation === undefined || allocation.pools.length === 0
          ? '<none>'
          : [...new Set(allocation.pools)].join(','),
        allocation?.failure === undefined
          ? ''
          : `${allocation.failure.reason}: ${allocation.failure.message}`,
      ];
    });
}

/** kubectl's EXTERNAL-IP: the ingress IPs of a LoadBalancer (here: planned), `<pending>` until then. */
function externalIp(s: ServiceInfo, allocation: ServiceAllocation | undefined): string {
  if (s.type !== 'LoadBalancer') return '<none>';
  return allocation === undefined || allocation.ips.length === 0 ? '<pending>' : allocation.ips.join(',');
}

/** kubectl's PORT(S): `80/TCP`, `80:30894/TCP` with a node port, comma-separated. */
function ports(list: readonly ServicePort[]): string {
  if (list.length === 0) return '<none>';
  return list
    .map((p) => `${p.port}${p.nodePort === undefined ? '' : `:${p.nodePort}`}/${p.protocol}`)
    .join(',');
}

export function renderKubectlTable(header: readonly string[], rows: readonly string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) =>
    maxOf(
      0,
      all.map((r) => (r[i] ?? '').length),
    ),
  );
  return all.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] as number)))
      .join(COLUMN_GAP)
      .trimEnd(),
  );
}

/**
 * The routes of one peer the way the router's `show ip route bgp` shows them once they are in
 * its FIB: `B>*` lines, ECMP next hops on `  *` continuation lines, then what the route carries.
 */
export function peerRouteLines(peer: PeerRoutes): string[] {
  const lines = [`Routes for ${peer.peer} (${peer.peerAddress}), as the router would show them:`];
  if (peer.routes.length === 0) return [...lines, '  (no routes)'];
  const width = maxOf(
    0,
    peer.routes.map((r) => r.prefix.text.length),
  );
  for (const r of peer.routes) {
    const [first, ...more] = r.nextHops;
    const head = `B>* ${r.prefix.text.padEnd(width)} via ${first?.text ?? '<no next hop>'}`;
    lines.push(`${head}   ${routeExtras(r)}`);
    for (const hop of more) lines.push(`  * ${' '.repeat(width)} via ${hop.text}`);
  }
  return lines;
}

function routeExtras(r: PlannedRoute): string {
  const parts = [r.services.join(' ')];
  if (r.localPref !== undefined) parts.push(`local-pref ${r.localPref}`);
  if (r.communities.length > 0) parts.push(`communities ${communityTexts(r.communities).join(' ')}`);
  if (r.largeCommunities.length > 0)
    parts.push(`large-communities ${communityTexts(r.largeCommunities).join(' ')}`);
  return parts.join(', ');
}

/** Allocation failures first (by service), then the reasons routes are not announced. */
export function issueLines(plan: Plan): string[] {
  const lines: string[] = [];
  for (const a of plan.allocations) {
    if (a.failure !== undefined) lines.push(`${a.service}: no IP: ${a.failure.reason}: ${a.failure.message}`);
  }
  for (const i of plan.issues) {
    lines.push(`${i.service}${i.peer === undefined ? '' : ` (peer ${i.peer})`}: ${i.message}`);
  }
  return lines;
}

/** The whole text output of `plan` with a cluster. */
export function renderPlanText(services: readonly ServiceInfo[], plan: Plan): string {
  const out = renderKubectlTable(SERVICE_COLUMNS, serviceRows(services, plan));
  for (const peer of plan.peers) appendAll(out, ['', ...peerRouteLines(peer)]);
  const issues = issueLines(plan);
  out.push('', issues.length === 0 ? 'Issues: none' : `Issues (${issues.length}):`);
  for (const line of issues) out.push(`  ${line}`);
  return `${out.join('\n')}\n`;
}
