import type { RouteCheck, SessionCheck, Verification } from '../sync/verify/verification.js';

/**
 * JUnit XML in the Ant/Jenkins (junit-10.xsd) shape CI systems ingest: one testsuite for the
 * sessions, one for the routes; one testcase per expected session and per route row (an
 * unexpected route is a failing testcase of its own), failures carrying the verdict as `type`.
 */
export function renderJunit(v: Verification): string {
  const sessionCases = v.sessions.map(sessionCase);
  const routeCases = v.routes.map(routeCase);
  const suites = [suite('bgp-sessions', sessionCases), suite('routes', routeCases)];
  const failures =
    v.summary.sessions.total - v.summary.sessions.ok + v.summary.routes.total - v.summary.routes.ok;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cluster-router-sync verification" tests="${sessionCases.length + routeCases.length}" failures="${failures}" errors="0" time="0">`,
    ...suites.flat(),
    '</testsuites>',
    '',
  ].join('\n');
}

interface TestCase {
  classname: string;
  name: string;
  failure?: { type: string; message: string; body: string };
  /** What a passing row still says (a route held with fewer next hops by design). */
  out?: string;
}

function suite(name: string, cases: TestCase[]): string[] {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const lines = [
    `  <testsuite name="${name}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="0">`,
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}" time="0"`;
    if (c.failure === undefined && c.out === undefined) {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(`${open}>`);
    if (c.failure !== undefined)
      lines.push(
        `      <failure type="${attr(c.failure.type)}" message="${attr(c.failure.message)}">${text(c.failure.body)}</failure>`,
      );
    if (c.out !== undefined) lines.push(`      <system-out>${text(c.out)}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  return lines;
}

function sessionCase(s: SessionCheck): TestCase {
  const c: TestCase = { classname: 'bgp-sessions', name: `neighbor ${s.neighbor} AS ${s.expectedAs}` };
  if (s.verdict !== 'ok') {
    c.failure = {
      type: s.verdict,
      message: `${s.verdict}${s.detail === undefined ? '' : `: ${s.detail}`}`,
      body: [
        `peers: ${s.peers.join(', ')}`,
        `expected AS: ${s.expectedAs}`,
        `actual AS: ${s.actualAs ?? '-'}`,
        `state: ${s.state ?? '-'}`,
        `up/down: ${s.upDown ?? '-'}`,
      ].join('\n'),
    };
  }
  return c;
}

function routeCase(r: RouteCheck): TestCase {
  const owners = r.services.length === 0 ? '' : ` (${r.services.join(', ')})`;
  const c: TestCase = { classname: 'routes', name: `${r.prefix}${owners}` };
  if (r.verdict === 'ok' && r.detail !== undefined) c.out = r.detail;
  if (r.verdict !== 'ok') {
    c.failure = {
      type: r.verdict,
      message: `${r.verdict}${r.detail === undefined ? '' : `: ${r.detail}`}`,
      body: [
        `codes: ${r.codes === '' ? '-' : r.codes}`,
        `expected via: ${r.expectedNextHops.join(', ') || '-'}`,
        `actual via: ${r.actualNextHops.join(', ') || '-'}`,
        `age: ${r.age ?? '-'}`,
        `services: ${r.services.join(', ') || '-'}`,
      ].join('\n'),
    };
  }
  return c;
}

// XML 1.0 forbids most control characters even as references; router text should never carry
// them, but a report must stay well-formed whatever it quotes.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(s: string): string {
  return s.replace(NOT_XML_CHAR, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s)
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;')
    .replace(/\r/g, '&#13;');
}
