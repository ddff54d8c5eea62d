/**
 * deploy/prometheus-rule.yaml and deploy/grafana/cluster-router-sync.json against the real
 * promtool (Debian's `prometheus` package): the rules load (`promtool check rules`), each alert
 * fires on the series it is about and not before its time (`promtool test rules`), every
 * dashboard query parses as PromQL, and every metric name either file uses is one
 * src/observability/metrics.ts exports, so a renamed metric cannot leave them behind.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Histogram } from 'prom-client';
import { parse, stringify } from 'yaml';
import { Metrics } from '../../src/observability/metrics.js';
import { requireLab } from '../support/requirements.js';

const run = promisify(execFile);
const repoRoot = new URL('../../', import.meta.url).pathname;

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleGroup {
  name: string;
  rules: Rule[];
}

async function ruleGroups(): Promise<RuleGroup[]> {
  const manifest = parse(await readFile(join(repoRoot, 'deploy/prometheus-rule.yaml'), 'utf8')) as {
    kind: string;
    spec: { groups: RuleGroup[] };
  };
  expect(manifest.kind).to.equal('PrometheusRule');
  return manifest.spec.groups;
}

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

async function dashboardText(): Promise<string> {
  return readFile(join(repoRoot, 'deploy/grafana/cluster-router-sync.json'), 'utf8');
}

/** Every query of the dashboard, with Grafana's variables given values Prometheus accepts. */
async function dashboardQueries(): Promise<{ panel: string; expr: string }[]> {
  const dashboard = JSON.parse(await dashboardText()) as { panels: Panel[] };
  return dashboard.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      panel: p.title,
      expr: t.expr.replaceAll('$__rate_interval', '5m').replaceAll('$namespace', '.*'),
    })),
  );
}

/** Metric names as the exposition shows them (a histogram's series have suffixes). */
function exportedNames(): Set<string> {
  const names = new Set<string>();
  for (const m of new Metrics({ processMetrics: true }).registry.getMetricsAsArray()) {
    const { name } = m as unknown as { name: string };
    names.add(name);
    if (m instanceof Histogram) for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
  }
  return names;
}

/** The names of our metrics (crs_*, MetalLB's, Node's process metrics) a text mentions. */
function metricNamesIn(text: string): string[] {
  return [...new Set(text.match(/\b(?:crs|metallb|process|nodejs)_[a-z0-9_]+\b/g) ?? [])];
}

describe('deploy: Prometheus alerts and the Grafana dashboard', function () {
  this.timeout(60_000);
  let dir: string;

  before(async function () {
    requireLab(this, { commands: ['promtool'] });
    dir = await mkdtemp(join(tmpdir(), 'crs-promtool-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function promtool(args: string[]): Promise<string> {
    try {
      const { stdout, stderr } = await run('promtool', args, { cwd: dir });
      return stdout + stderr;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`, {
        cause: err,
      });
    }
  }

  it('the rules pass promtool check rules, as a plain rule file (the manifest’s spec)', async () => {
    const groups = await ruleGroups();
    await writeFile(join(dir, 'rules.yaml'), stringify({ groups }));
    const out = await promtool(['check', 'rules', 'rules.yaml']);
    expect(out).to.match(/SUCCESS: 7 rules found/);
    // Each of the four concerns has an alert.
    const alerts = groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts).to.include.members([
      'ClusterRouterSyncBgpSessionDown',
      'ClusterRouterSyncDriftUnrepaired',
      'ClusterRouterSyncPoolExhausted',
      'ClusterRouterSyncVerificationFailing',
    ]);
  });

  it('each alert fires on its series after its `for`, and not on healthy series (promtool test rules)', async () => {
    // Annotations are left out here: their templates are checked above, and the test compares
    // labels, which say which alert fired for what.
    const groups = (await ruleGroups()).map((g) => ({
      ...g,
      rules: g.rules.map(({ annotations: _unused, ...r }) => r),
    }));
    await writeFile(join(dir, 'alert-rules.yaml'), stringify({ groups }));
    const pod = { namespace: 'metallb-system', pod: 'crs-0' };
    const series = (metric: string, labels: Record<string, string>, values: string) => ({
      series: `${metric}{${Object.entries({ ...pod, ...labels })
        .map(([k, v]) => `${k}="${v}"`)
        .join(',')}}`,
      values,
    });
    const expect_ = (alertname: string, evalTime: string, fired: Record<string, string>[]) => ({
      alertname,
      eval_time: evalTime,
      exp_alerts: fired.map((labels) => ({ exp_labels: labels })),
    });
    const tests = [
      {
        // Down from minute 2 on, with `for: 5m`: pending at 6m, firing at 7m; the other peer stays up.
        input_series: [
          series('crs_bgp_session_up', { peer: 'edge' }, '1 1 0x20'),
          series('crs_bgp_session_up', { peer: 'backup' }, '1x22'),
        ],
        alert_rule_test: [
          expect_('ClusterRouterSyncBgpSessionDown', '6m', []),
          expect_('ClusterRouterSyncBgpSessionDown', '8m', [{ severity: 'critical', ...pod, peer: 'edge' }]),
        ],
      },
      {
        input_series: [series('crs_bgp_session_drops_total', { peer: 'edge' }, '0 1 2 3 4 5 6')],
        alert_rule_test: [
          expect_('ClusterRouterSyncBgpSessionFlapping', '2m', []),
          expect_('ClusterRouterSyncBgpSessionFlapping', '6m', [
            { severity: 'warning', ...pod, peer: 'edge' },
          ]),
        ],
      },
      {
        // The last good verification between minute 0 and 1, unreachable ever after: no alert while
        // that success is in the 15-minute window, an alert once it has left it.
        input_series: [
          series('crs_verifications_total', { verdict: 'ok' }, '4 5x30'),
          series('crs_verifications_total', { verdict: 'unreachable' }, '0 0+1x30'),
        ],
        alert_rule_test: [
          expect_('ClusterRouterSyncVerificationFailing', '10m', []),
          expect_('ClusterRouterSyncVerificationFailing', '17m', [{ severity: 'warning', ...pod }]),
        ],
      },
      {
        // Never verified since the start: fires at once (nothing succeeded in its window).
        input_series: [series('crs_verifications_total', { verdict: 'unreachable' }, '0+1x5')],
        alert_rule_test: [
          expect_('ClusterRouterSyncVerificationFailing', '2m', [{ severity: 'warning', ...pod }]),
        ],
      },
      {
        input_series: [
          series('crs_drift_reported_total', { kind: 'not-in-fib' }, '0+1x40'),
          series('crs_drift_repairs_total', { kind: 'reannounce' }, '0 1x70'),
        ],
        alert_rule_test: [
          expect_('ClusterRouterSyncDriftUnrepaired', '10m', []),
          expect_('ClusterRouterSyncDriftUnrepaired', '20m', [
            { severity: 'warning', ...pod, kind: 'not-in-fib' },
          ]),
          // One repair is a router restart, not a fight.
          expect_('ClusterRouterSyncDriftRepairedRepeatedly', '60m', []),
        ],
      },
      {
        input_series: [series('crs_drift_repairs_total', { kind: 'withdraw-unwanted' }, '0+1x70')],
        alert_rule_test: [
          expect_('ClusterRouterSyncDriftRepairedRepeatedly', '3m', []),
          expect_('ClusterRouterSyncDriftRepairedRepeatedly', '60m', [
            { severity: 'warning', ...pod, kind: 'withdraw-unwanted' },
          ]),
        ],
      },
      {
        input_series: [
          series('crs_pool_usage_ratio', { pool: 'full' }, '0.95x30'),
          series('crs_pool_usage_ratio', { pool: 'roomy' }, '0.5x30'),
          series('crs_allocation_failures', { reason: 'pool-exhausted' }, '0 0 2x20'),
          series('crs_allocation_failures', { reason: 'sharing-conflict' }, '1x22'),
        ],
        alert_rule_test: [
          expect_('ClusterRouterSyncPoolNearlyFull', '10m', []),
          expect_('ClusterRouterSyncPoolNearlyFull', '20m', [
            { severity: 'warning', namespace: 'metallb-system', pool: 'full' },
          ]),
          expect_('ClusterRouterSyncPoolExhausted', '5m', []),
          expect_('ClusterRouterSyncPoolExhausted', '8m', [
            { severity: 'critical', namespace: 'metallb-system' },
          ]),
        ],
      },
    ].map((t) => ({ interval: '1m', ...t }));
    await writeFile(join(dir, 'alert-tests.yaml'), stringify({ rule_files: ['alert-rules.yaml'], tests }));
    const out = await promtool(['test', 'rules', 'alert-tests.yaml']);
    expect(out).to.include('SUCCESS');
  });

  it('every dashboard query parses as PromQL (promtool check rules on them as recording rules)', async () => {
    const queries = await dashboardQueries();
    expect(queries.length).to.be.above(10);
    const rules = queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr }));
    await writeFile(
      join(dir, 'dashboard-queries.yaml'),
      stringify({ groups: [{ name: 'dashboard', rules }] }),
    );
    const out = await promtool(['check', 'rules', 'dashboard-queries.yaml']);
    expect(out).to.include(`SUCCESS: ${queries.length} rules found`);
  });

  it('uses only metric names metrics.ts exports, and every query names one', async () => {
    const exported = exportedNames();
    const rulesText = (await ruleGroups()).flatMap((g) => g.rules.map((r) => r.expr)).join('\n');
    const dashboard = await dashboardText();
    for (const [file, text] of [
      ['deploy/prometheus-rule.yaml', rulesText],
      ['deploy/grafana/cluster-router-sync.json', dashboard],
    ] as const) {
      const unknown = metricNamesIn(text).filter((n) => !exported.has(n));
      expect(unknown, `${file} uses metrics that metrics.ts does not export`).to.deep.equal([]);
    }
    for (const q of await dashboardQueries()) {
      expect(metricNamesIn(q.expr), `panel "${q.panel}": ${q.expr}`).to.have.length.above(0);
    }
    // The dashboard covers every crs_ metric.
    const shown = new Set(metricNamesIn(dashboard));
    const crs = [...exported].filter((n) => n.startsWith('crs_') && !/_(sum|count)$/.test(n));
    expect(
      crs.filter((n) => !shown.has(n) && !shown.has(`${n}_bucket`)),
      'crs_ metrics missing from the dashboard',
    ).to.deep.equal([]);
  });
});
