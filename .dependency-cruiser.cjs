/**
 * The dependency rules `npm test` holds the code to (npm run depcruise). Type-only imports count:
 * a cycle through types still ties two modules together.
 *
 * The layers, bottom up (docs/architecture.md draws them):
 * - foundation: src/util, src/ip (addresses, prefixes, communities), src/config (the model and
 *   its loading);
 * - pure core: src/sync (planner, verifier, allocator, status, plan types), src/reports;
 * - edges, each reaching one outside thing: src/bgp (BGP sockets), src/k8s (the API server),
 *   src/router-drivers (vtysh/birdc over SSH or a local process), src/health (probes),
 *   src/observability (metrics server, logger), src/sources (manifest files);
 * - application: src/app wires the edges around the core for `run`, `check`/`verify`/`record`,
 *   the demo and `neighbors`;
 * - src/cli on top.
 */
const EDGES = '^src/(bgp|k8s|router-drivers|health|observability|sources)/';
/**
 * What the core may take from an edge: the values that edge defines as its contract, pure
 * modules themselves (pure-core-no-io checks it): the routes the speaker takes, the records a
 * router driver reads.
 */
const EDGE_CONTRACTS = '^src/(bgp/routes|router-drivers/records)\\.ts$';
/** Pure code: values in, values out. */
const PURE_CORE =
  '^src/(ip/|sync/|reports/|bgp/wire/|router-drivers/parse-[^/]+\\.ts$|router-drivers/bird/parse[^/]*\\.ts$)';
/** Node core modules resolve to their bare name (`fs`), packages to their file in node_modules. */
const IO_MODULES =
  '^(net|tls|http|https|http2|child_process|fs|fs/promises)$|^node_modules/(ssh2|@kubernetes/client-node|pino)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in one direction only.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-to-test-or-bench',
      severity: 'error',
      comment: 'The shipped code never depends on tests or benchmarks.',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'ip-values-are-a-leaf',
      severity: 'error',
      comment: 'The IP and community values (src/ip) are the bottom layer: they import only each other.',
      from: { path: '^src/ip/' },
      to: { pathNot: '^src/ip/' },
    },
    {
      name: 'foundation-stands-alone',
      severity: 'error',
      comment: 'src/util and src/config import nothing above the foundation (util, ip, config).',
      from: { path: '^src/(util|config)/' },
      to: { path: '^src/', pathNot: '^src/(util|ip|config)/' },
    },
    {
      name: 'core-knows-no-edges',
      severity: 'error',
      comment:
        'The pure core (src/sync, src/reports) knows no edge, application or CLI, only the contracts ' +
        'the edges define (EDGE_CONTRACTS).',
      from: { path: '^src/(sync|reports)/' },
      to: { path: `${EDGES}|^src/(app|cli)/`, pathNot: EDGE_CONTRACTS },
    },
    {
      name: 'edges-know-no-app',
      severity: 'error',
      comment: 'An edge is used by the application (src/app), never the other way round.',
      from: { path: EDGES },
      to: { path: '^src/app/' },
    },
    {
      name: 'wire-codec-stands-alone',
      severity: 'error',
      comment: 'The BGP codec (src/bgp/wire) uses nothing but itself, the IP values (src/ip) and src/util.',
      from: { path: '^src/bgp/wire/' },
      to: { pathNot: '^src/(bgp/wire|ip|util)/' },
    },
    {
      name: 'speaker-knows-no-app',
      severity: 'error',
      comment:
        'The BGP speaker (src/bgp) is a library: it defines the routes it takes (DesiredRoute) and ' +
        'knows nothing of the planner, the cluster, the router drivers or the other edges.',
      from: { path: '^src/bgp/' },
      to: { path: '^src/(sync|reports|k8s|router-drivers|health|observability|sources)/' },
    },
    {
      name: 'pure-core-no-io',
      severity: 'error',
      comment:
        'The core (planner, verifier, allocator, status, reports), the IP values, the BGP codec and ' +
        'the router-output parsers are pure: they reach ' +
        'no socket, process, file, SSH, Kubernetes client or logger, not even through another ' +
        'module (so they import config pieces, not the config barrel, which loads files).',
      from: { path: PURE_CORE },
      to: { reachable: true, path: IO_MODULES },
    },
    {
      name: 'cli-on-top',
      severity: 'error',
      comment: 'The CLI is the top layer: nothing below it imports src/cli.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
