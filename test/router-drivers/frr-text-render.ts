import type { RouteEntry } from '../../src/router-drivers/records.js';

/** FRR 8.4's `show ip route` legend, byte for byte. */
export const FRR_LEGEND = [
  'Codes: K - kernel route, C - connected, S - static, R - RIP,',
  '       O - OSPF, I - IS-IS, B - BGP, E - EIGRP, N - NHRP,',
  '       T - Table, v - VNC, V - VNC-Direct, A - Babel, F - PBR,',
  '       f - OpenFabric,',
  '       > - selected route, * - FIB route, q - queued, r - rejected, b - backup',
  '       t - trapped, o - offload failure',
  '',
].join('\n');

function statusChar(r: { fib: boolean; queued: boolean; rejected: boolean }): string {
  if (r.fib) return '*';
  if (r.queued) return 'q';
  if (r.rejected) return 'r';
  return ' ';
}

/**
 * Renders routes the way zebra's `show ip route` does (zebra_vty.c): the route line, then one
 * continuation line per further next hop, indented to the column where the first ` via` stood.
 * Used to feed the parser random tables (round trip) and large ones (benchmark).
 */
export function renderFrrRouteText(routes: readonly RouteEntry[]): string {
  const out: string[] = [FRR_LEGEND];
  for (const r of routes) {
    let head = `${r.protocolCode}${r.selected ? '>' : ' '}${statusChar(r)} ${r.prefix}`;
    if (r.distance !== undefined) head += ` [${r.distance}/${r.metric ?? 0}]`;
    r.nextHops.forEach((h, i) => {
      let hop = h.directlyConnected
        ? ' is directly connected'
        : ` via ${h.address ?? ''}${h.active ? '' : ' inactive'}`;
      if (h.interface !== undefined) hop += `, ${h.interface}`;
      if (h.weight !== undefined) hop += `, weight ${h.weight}`;
      if (r.uptimeText !== undefined) hop += `, ${r.uptimeText}`;
      const lead = i === 0 ? head : `  ${h.fib ? '*' : ' '}${' '.repeat(head.length - 3)}`;
      out.push(lead + hop);
    });
  }
  return `${out.join('\n')}\n`;
}
