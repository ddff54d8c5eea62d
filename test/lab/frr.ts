import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frrDaemonCommand, prepareFrrStateDir, type FrrDaemon } from '../../src/demo/frr-state-dir.js';
import { waitFor } from '../support/wait-for.js';
import { run, type Lab } from './netns.js';

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
}

export interface FrrRouter {
  /** State dir: config, logs, pid files, vty sockets. */
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
 * Starts Debian's FRR (zebra + bgpd) inside the lab's router namespace with a private state
 * directory, so several labs can run side by side and nothing touches /etc/frr or /var/run/frr.
 * Both daemons run as the `frr` user as packaged FRR does; zebra installs BGP routes into the
 * namespace's kernel table, which is what FIB assertions read.
 */
export async function startFrr(lab: Lab, opts: FrrOptions = {}): Promise<FrrRouter> {
  const dir = await mkdtemp(join(tmpdir(), `crs-frr-${lab.id}-`));
  const asn = opts.asn ?? 64501;
  const routerId = opts.routerId ?? '192.168.198.254';
  const config =
    opts.config ??
    [
      'frr defaults traditional',
      'hostname lab-router',
      'log file ' + join(dir, 'frr.log'),
      `router bgp ${asn}`,
      ` bgp router-id ${routerId}`,
      ...(opts.bgpLines ?? []).map((l) => ` ${l}`),
      'exit',
      '',
    ].join('\n');
  const vtyshPath = await prepareFrrStateDir(dir, config);
  const startDaemon = async (daemon: FrrDaemon) => {
    const [bin, args] = frrDaemonCommand(dir, daemon);
    await lab.exec(lab.routerNs, bin, args);
  };
  const pidOf = async (daemon: string) => Number((await readFile(join(dir, `${daemon}.pid`), 'utf8')).trim());
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
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

  const stopDaemon = async (daemon: string) => {
    const pid = await pidOf(daemon).catch(() => 0);
    if (pid > 0 && alive(pid)) {
      process.kill(pid, 'SIGTERM');
      await waitFor(`${daemon} to exit`, () => !alive(pid), { timeoutMs: 10_000 });
    }
  };

  const router: FrrRouter = {
    dir,
    vtyshPath,
    vtysh,
    vtyshJson: async <T>(command: string) => JSON.parse(await vtysh(command)) as T,
    kernelRoutes: async (prefix?: string) =>
      (await lab.exec(lab.routerNs, 'ip', ['route', 'show', ...(prefix ? [prefix] : [])])).stdout,
    killBgpd: async (signal: NodeJS.Signals = 'SIGKILL') => {
      const pid = await pidOf('bgpd');
      process.kill(pid, signal);
      await waitFor('bgpd to die', () => !alive(pid), { timeoutMs: 10_000 });
    },
    startBgpd,
    stop: async () => {
      await stopDaemon('bgpd');
      await stopDaemon('zebra');
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await startDaemon('zebra');
    await waitFor('zebra to start', async () => alive(await pidOf('zebra').catch(() => 0)));
    await startBgpd();
    return router;
  } catch (err) {
    await router.stop();
    throw err;
  }
}
