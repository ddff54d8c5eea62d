import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  FRR_BIN,
  frrDaemonCommand,
  pathSeenByFrr,
  prepareFrrStateDir,
  type FrrDaemon,
} from './frr-state-dir.js';
import { waitFor } from '../support/wait-for.js';
import { run, type Lab } from './netns.js';
import { daemonRunning, signalDaemon } from './pid-file.js';

export interface FrrOptions {
  /** Router AS; the seed's router is AS 64501. */
  asn?: number;
  routerId?: string;
  /**
   * Lines inside `router bgp <asn>` after the router-id, e.g.
   * `neighbor 192.168.201.2 remote-as 64500`. Ignored when `config` is given.
   */
  bgpLines?: string[];
  /** A whole frr.conf instead of the generated one. */
  config?: string;
  /**
   * A Debian root (test/lab/debian-root.sh) whose FRR runs instead of the host's: its zebra, bgpd
   * and vtysh chrooted into it, the state dir inside it. See router-matrix.ts.
   */
  root?: string;
  /** Also start staticd, for `ip route` static routes (zebra alone has no such command). */
  staticd?: boolean;
}

export interface FrrRouter {
  /** State dir: config, logs, pid files, vty sockets (inside the Debian root when one is used). */
  dir: string;
  /** A script that runs the real vtysh against this instance (for sshd or the local transport). */
  vtyshPath: string;
  /** Runs one vtysh invocation with the given `-c` commands and returns its stdout. */
  vtysh(...commands: string[]): Promise<string>;
  vtyshJson<T>(command: string): Promise<T>;
  /** The kernel FIB of the router namespace (`ip route show [prefix]`), for FIB assertions. */
  kernelRoutes(prefix?: string): Promise<string>;
  /** Signals bgpd (default SIGKILL) without restarting it. */
  killBgpd(signal?: NodeJS.Signals): Promise<void>;
  startBgpd(): Promise<void>;
  stop(): Promise<void>;
}

export interface SpeakerNeighborOptions {
  /** Our speaker's address on the lab segment. */
  address?: string;
  /** More `neighbor <address> ...` settings, without the `neighbor <address>` prefix. */
  neighbor?: string[];
  /** IPv4 ECMP over up to 8 paths, one per node, as the seed router has it. */
  ecmp?: boolean;
}

/** The `router:` lines of our config file (indented under it) that read this FRR by local vtysh. */
export function localRouterYaml(frr: FrrRouter): string[] {
  return ['  transport: local', `  vtyshPath: ${frr.vtyshPath}`];
}

/**
 * `bgpLines` that make the lab router accept our speaker (AS 64500) as an eBGP neighbor; FRR's
 * default eBGP policy would otherwise drop every route we send.
 */
export function speakerNeighborLines(opts: SpeakerNeighborOptions = {}): string[] {
  const address = opts.address ?? '192.168.201.2';
  return [
    'no bgp ebgp-requires-policy',
    `neighbor ${address} remote-as 64500`,
    ...(opts.neighbor ?? []).map((setting) => `neighbor ${address} ${setting}`),
    ...(opts.ecmp ? ['address-family ipv4 unicast', ' maximum-paths 8', 'exit-address-family'] : []),
  ];
}

/**
 * Starts Debian's FRR (zebra + bgpd, mgmtd where the version has it, staticd when asked) inside
 * the lab's router namespace with a private state directory, so several labs can run side by side
 * and nothing touches /etc/frr or /var/run/frr. The daemons run as the `frr` user as packaged FRR
 * does; zebra installs BGP routes into the namespace's kernel table, which is what FIB assertions
 * read. With `root` it is that Debian root's FRR, chrooted; the namespace is still the lab's.
 */
export async function startFrr(lab: Lab, opts: FrrOptions = {}): Promise<FrrRouter> {
  // Chrooted daemons see only their root: the state dir goes into the root's /tmp.
  const dir = await mkdtemp(
    join(opts.root === undefined ? tmpdir() : join(opts.root, 'tmp'), `crs-frr-${lab.id}-`),
  );
  const seenDir = pathSeenByFrr(dir, opts.root);
  const asn = opts.asn ?? 64501;
  const routerId = opts.routerId ?? '192.168.198.254';
  const config =
    opts.config ??
    [
      'frr defaults traditional',
      'hostname lab-router',
      'log file ' + join(seenDir, 'frr.log'),
      `router bgp ${asn}`,
      ` bgp router-id ${routerId}`,
      ...(opts.bgpLines ?? []).map((l) => ` ${l}`),
      'exit',
      '',
    ].join('\n');
  const vtyshPath = await prepareFrrStateDir(dir, config, opts.root).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  const hasMgmtd = existsSync(join(opts.root ?? '/', FRR_BIN, 'mgmtd'));
  const startDaemon = async (daemon: FrrDaemon) => {
    const [bin, args] = frrDaemonCommand(dir, daemon, opts.root);
    // FRR 10's mgmtd keeps the stdout and stderr it inherited once it runs in the background, so
    // a captured pipe would never close: what a daemon prints while starting goes to a file.
    const output = join(dir, `${daemon}.start.log`);
    const file = await open(output, 'w');
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn('ip', ['netns', 'exec', lab.routerNs, bin, ...args], {
          stdio: ['ignore', file.fd, file.fd],
        });
        child.once('error', reject);
        child.once('exit', resolve);
      });
      if (code !== 0)
        throw new Error(`${daemon} did not start (exit ${code}): ${(await readFile(output, 'utf8')).trim()}`);
    } finally {
      await file.close();
    }
  };
  const vtysh = async (...commands: string[]) =>
    (
      await run(
        vtyshPath,
        commands.flatMap((c) => ['-c', c]),
      )
    ).stdout;

  const startBgpd = async () => {
    await startDaemon('bgpd');
    await waitFor('bgpd to answer vtysh', async () => (await vtysh('show bgp summary json')).includes('{'));
  };

  const router: FrrRouter = {
    dir,
    vtyshPath,
    vtysh,
    vtyshJson: async <T>(command: string) => JSON.parse(await vtysh(command)) as T,
    kernelRoutes: async (prefix?: string) =>
      (await lab.exec(lab.routerNs, 'ip', ['route', 'show', ...(prefix ? [prefix] : [])])).stdout,
    killBgpd: async (signal: NodeJS.Signals = 'SIGKILL') => {
      await signalDaemon(dir, 'bgpd', signal, true);
    },
    startBgpd,
    stop: async () => {
      await signalDaemon(dir, 'bgpd', 'SIGTERM');
      if (opts.staticd) await signalDaemon(dir, 'staticd', 'SIGTERM');
      await signalDaemon(dir, 'zebra', 'SIGTERM');
      if (hasMgmtd) await signalDaemon(dir, 'mgmtd', 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
      // The pathspace FRR made for this instance in the root (frrDaemonCommand's -N).
      if (opts.root !== undefined)
        await rm(join(opts.root, 'run', 'frr', basename(dir)), { recursive: true, force: true });
    },
  };
  try {
    if (hasMgmtd) {
      await startDaemon('mgmtd');
      await waitFor('mgmtd to start', () => daemonRunning(dir, 'mgmtd'));
    }
    await startDaemon('zebra');
    await waitFor('zebra to start', () => daemonRunning(dir, 'zebra'));
    if (opts.staticd) {
      await startDaemon('staticd');
      await waitFor('staticd to start', () => daemonRunning(dir, 'staticd'));
    }
    await startBgpd();
    return router;
  } catch (err) {
    await router.stop();
    throw err;
  }
}
