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

/** A forbidden dependency: an import `from` a module `to` another fails `npm test`. */
const forbid = (name, comment, from, to) => ({ name, severity: 'error', comment, from, to });
/** Modules under `from` import nothing under src/ outside `allowed` (packages and Node are theirs to choose). */
const importsOnly = (name, comment, from, allowed) =>
  forbid(name, comment, { path: from }, { path: '^src/', pathNot: allowed });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid('no-circular', 'Modules import each other in one direction only.', {}, { circular: true }),
    forbid(
      'src-not-to-test-or-bench',
      'The shipped code never depends on tests or benchmarks.',
      { path: '^src/' },
      { path: '^(test|bench)/' },
    ),
    importsOnly(
      'ip-values-are-a-leaf',
      'The IP and community values (src/ip) are the bottom layer: they import only each other.',
      '^src/ip/',
      '^src/ip/',
    ),
    importsOnly(
      'foundation-stands-alone',
      'src/util and src/config import nothing above the foundation (util, ip, config).',
      '^src/(util|config)/',
      '^src/(util|ip|config)/',
    ),
    importsOnly(
      'wire-codec-stands-alone',
      'The BGP codec (src/bgp/wire) uses nothing but itself, the IP values (src/ip) and src/util.',
      '^src/bgp/wire/',
      '^src/(bgp/wire|ip|util)/',
    ),
    forbid(
      'core-knows-no-edges',
      'The pure core (src/sync, src/reports) knows no edge, application or CLI, only the contracts ' +
        'the edges define (EDGE_CONTRACTS).',
      { path: '^src/(sync|reports)/' },
      { path: `${EDGES}|^src/(app|cli)/`, pathNot: EDGE_CONTRACTS },
    ),
    forbid(
      'edges-know-no-app',
      'An edge is used by the application (src/app), never the other way round.',
      { path: EDGES },
      { path: '^src/app/' },
    ),
    forbid(
      'speaker-knows-no-app',
      'The BGP speaker (src/bgp) is a library: it defines the routes it takes (DesiredRoute) and ' +
        'knows nothing of the planner, the cluster, the router drivers or the other edges.',
      { path: '^src/bgp/' },
      { path: '^src/(sync|reports|k8s|router-drivers|health|observability|sources)/' },
    ),
    forbid(
      'pure-core-no-io',
      'The core (planner, verifier, allocator, status, reports), the IP values, the BGP codec and ' +
        'the router-output parsers are pure: they reach no socket, process, file, SSH, Kubernetes ' +
        'client or logger, not even through another module (so they import config pieces, not the ' +
        'config barrel, which loads files).',
      { path: PURE_CORE },
      { reachable: true, path: IO_MODULES },
    ),
    forbid(
      'cli-on-top',
      'The CLI is the top layer: nothing below it imports src/cli.',
      { path: '^src/', pathNot: '^src/cli/' },
      { path: '^src/cli/' },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
