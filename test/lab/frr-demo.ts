import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { embeddedDefaultConfigFile, embeddedDefaultDir, loadConfigFiles } from '../../src/config/index.js';
import { BadInputError, UnreachableError } from '../../src/util/errors.js';
import { FRR_BIN, frrDaemonCommand, prepareFrrStateDir } from './frr-state-dir.js';
import { signalDaemon } from './pid-file.js';
import { createVethSegment } from './veth-segment.js';

const execFileAsync = promisify(execFile);

export class FrrDemoUnavailableError extends BadInputError {
  constructor(why: string) {
    super(`npm run demo:frr needs ${why}; without it, run --demo uses the built-in collector`);
  }
}

async function sh(cmd: string, args: string[]): Promise<string> {
  try {
    return (await execFileAsync(cmd, args)).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new UnreachableError(`${cmd} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`, {
      cause: err,
    });
  }
}

/**
 * The loader flags this process runs with (tsx when started from source), without anything that
 * would run other code (`-e`, `--eval`, `-p`): the inner process must run only its entry.
 */
function loaderArgs(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (/^--(import|loader|experimental-loader|require)=/.test(arg)) out.push(arg);
    else if (['--import', '--loader', '--experimental-loader', '--require', '-r'].includes(arg)) {
      out.push(arg, execArgv[++i] ?? '');
    }
  }
  return out;
}

export interface FrrDemoOptions {
  manifestsPath?: string;
  once?: boolean;
  withdrawOnExit?: boolean;
  metricsAddress?: string;
  logger: Logger;
  write: (text: string) => void;
}

/** The CLI's process entry, started again (from the sources, through tsx) in the speaker's namespace. */
const CLI_ENTRY = fileURLToPath(new URL('../../src/cli/entry.ts', import.meta.url));

/**
 * `npm run demo:frr` (frr-demo-main.ts): the seed scenario against a real FRR. Two network namespaces on a
 * veth pair stand for the seed's LAN: the router side holds 192.168.201.1 and the seed's peer
 * address 192.168.200.1 (so the seed config is used unchanged), the speaker side 192.168.201.2
 * and the seed's node addresses .11/.12 as on-link next hops. zebra and bgpd run in the router
 * namespace with a private state directory; our CLI runs again inside the speaker namespace with
 * the seed config plus a router section pointing at FRR's vtysh. Everything is removed on exit.
 */
export async function runFrrDemo(opts: FrrDemoOptions): Promise<number> {
  if (process.getuid?.() !== 0) throw new FrrDemoUnavailableError('root (to create network namespaces)');
  for (const daemon of ['zebra', 'bgpd']) {
    if (!existsSync(join(FRR_BIN, daemon)))
      throw new FrrDemoUnavailableError(`FRR (${FRR_BIN}/${daemon}; apt-get install frr)`);
  }
  const log = opts.logger.child({ component: 'frr-demo' });
  const seed = (await loadConfigFiles([embeddedDefaultConfigFile()])).config;
  const peer = seed.peers[0]!;
  const id = randomBytes(3).toString('hex');
  const routerNs = `crs-demo-r-${id}`;
  const speakerNs = `crs-demo-s-${id}`;
  const dir = await mkdtemp(join(tmpdir(), `crs-demo-frr-${id}-`));
  let destroySegment: (() => Promise<void>) | undefined;
  const teardown = async () => {
    // zebra removes its routes and sockets on SIGTERM: the namespace goes once both have exited.
    for (const daemon of ['bgpd', 'zebra']) await signalDaemon(dir, daemon, 'SIGTERM');
    await destroySegment?.();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    destroySegment = await createVethSegment(
      {
        routerNs,
        speakerNs,
        routerAddresses: ['192.168.201.1/24', `${peer.peerAddress}/32`],
        speakerAddresses: ['192.168.201.2/24', '192.168.201.11/24', '192.168.201.12/24'],
      },
      sh,
    );
    await sh('ip', [
      '-n',
      speakerNs,
      'route',
      'add',
      `${peer.peerAddress}/32`,
      'via',
      '192.168.201.1',
      'src',
      '192.168.201.2',
    ]);

    const frrConf = [
      'frr defaults traditional',
      'hostname demo-router',
      `router bgp ${peer.peerAsn}`,
      ' bgp router-id 192.168.198.254',
      ' no bgp ebgp-requires-policy',
      ` neighbor 192.168.201.2 remote-as ${peer.myAsn}`,
      ` neighbor 192.168.201.2 description ${seed.neighborDescription}`,
      ' neighbor 192.168.201.2 timers connect 1',
      ' address-family ipv4 unicast',
      '  maximum-paths 8',
      ' exit-address-family',
      'exit',
      '',
    ].join('\n');
    const vtysh = await prepareFrrStateDir(dir, frrConf);
    for (const daemon of ['zebra', 'bgpd'] as const) {
      const [bin, args] = frrDaemonCommand(dir, daemon);
      await sh('ip', ['netns', 'exec', routerNs, bin, ...args]);
    }
    log.info(
      { routerNs, speakerNs, stateDir: dir },
      'demo: FRR (zebra + bgpd) started in a network namespace',
    );

    const routerConfig = join(dir, 'demo-router.yaml');
    await writeFile(
      routerConfig,
      [
        'apiVersion: cluster-router-sync.io/v1alpha1',
        'kind: ClusterRouterSyncConfig',
        'router:',
        '  transport: local',
        `  vtyshPath: ${vtysh}`,
        '  dialect: frr',
        'speaker:',
        '  listenAddress: 192.168.201.2',
        'manageNeighbors: true',
        'verifyIntervalSec: 10',
        '',
      ].join('\n'),
    );
    const args = [
      'run',
      '--config',
      embeddedDefaultConfigFile(),
      '--config',
      routerConfig,
      '--manifests',
      opts.manifestsPath ?? join(embeddedDefaultDir(), 'manifests'),
      ...(opts.once ? ['--once'] : []),
      ...(opts.withdrawOnExit ? ['--withdraw-on-exit'] : []),
      ...(opts.metricsAddress !== undefined ? ['--metrics-address', opts.metricsAddress] : []),
    ];
    const child = spawn(
      'ip',
      ['netns', 'exec', speakerNs, process.execPath, ...loaderArgs(process.execArgv), CLI_ENTRY, ...args],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child.stdout.on('data', (chunk: Buffer) => opts.write(chunk.toString()));
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGTERM', forward);
    process.on('SIGINT', forward);
    try {
      return await new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => resolve(code ?? 1));
      });
    } finally {
      process.off('SIGTERM', forward);
      process.off('SIGINT', forward);
    }
  } finally {
    await teardown();
  }
}
