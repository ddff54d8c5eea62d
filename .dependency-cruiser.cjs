/**
 * The dependency rules `npm test` holds the code to (npm run depcruise). Type-only imports count:
 * a cycle through types still ties two modules together.
 */
/** Pure code: values in, values out. */
const PURE_CORE =
  '^src/(ip/|sync/(planner|verify|allocator)/|bgp/wire/|router-drivers/parse-[^/]+\\.ts$|router-drivers/bird/parse[^/]*\\.ts$)';
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
        'knows nothing of the planner, the cluster, the router drivers or the application around it.',
      from: { path: '^src/bgp/' },
      to: { path: '^src/(sync|k8s|router-drivers|cli|app|observability)/' },
    },
    {
      name: 'pure-core-no-io',
      severity: 'error',
      comment:
        'The planner, verifier, allocator, BGP codec and router-output parsers are pure: they reach ' +
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
