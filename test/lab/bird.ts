import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathSeenByFrr } from './frr-state-dir.js';
import { waitFor } from '../support/wait-for.js';
import { run, type Lab } from './netns.js';
import { daemonRunning, signalDaemon } from './pid-file.js';

export interface BirdOptions {
  /** bird.conf after the `router id` line and the device protocol (kernel, bgp, static ...). */
  body: string[];
  routerId?: string;
  /** A Debian root (test/lab/debian-root.sh) whose BIRD runs chrooted instead of the host's. */
  root?: string;
}

export interface BirdRouter {
  /** State dir: config, control socket, pid file, include files (inside the root when one is used). */
  dir: string;
  /** bird.conf, as the daemon was started with (a path on this machine). */
  configFile: string;
  /** A script that runs the real birdc against this instance's socket (for sshd or the local transport). */
  birdcPath: string;
  /** One birdc command; its stdout. */
  birdc(...words: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The lab's BIRD kernel protocol: exports every primary route to the router namespace's kernel
 * table, merging the ECMP paths one session delivers with ADD-PATH (`merge paths`) unless told not
 * to. Its routes show in `ip route` as `proto bird`.
 */
export function birdKernelLines(opts: { mergePaths?: boolean } = {}): string[] {
  return [
    'protocol kernel kernel4 {',
    '  ipv4 { export all; };',
    ...(opts.mergePaths === false ? [] : ['  merge paths on;']),
    '}',
  ];
}

/**
 * Starts a BIRD 2 in the lab's router namespace with a private state directory: its own config
 * (`-c`), control socket (`-s`) and pid file (`-P`), so several run side by side and nothing
 * touches /etc/bird or /run/bird. Stopped by the pid of its pid file only. With `root` the BIRD
 * of that Debian root runs chrooted; the namespace is still the lab's.
 */
export async function startBird(lab: Lab, opts: BirdOptions): Promise<BirdRouter> {
  const dir = await mkdtemp(
    join(opts.root === undefined ? tmpdir() : join(opts.root, 'tmp'), `crs-bird-${lab.id}-`),
  );
  const seen = (name: string) => join(pathSeenByFrr(dir, opts.root), name);
  const configFile = join(dir, 'bird.conf');
  const chroot = opts.root === undefined ? [] : ['chroot', opts.root];
  const birdcPath = join(dir, 'birdc.sh');
  const router: BirdRouter = {
    dir,
    configFile,
    birdcPath,
    birdc: async (...words) => (await run(birdcPath, words)).stdout,
    stop: async () => {
      await signalDaemon(dir, 'bird', 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await writeFile(
      configFile,
      [
        `log "${seen('bird.log')}" all;`,
        `router id ${opts.routerId ?? '192.168.198.254'};`,
        'protocol device {}',
        ...opts.body,
        '',
      ].join('\n'),
    );
    await writeFile(
      birdcPath,
      `#!/bin/sh\nexec ${[...chroot, '/usr/sbin/birdc', '-s', seen('bird.ctl')].join(' ')} "$@"\n`,
    );
    await chmod(birdcPath, 0o755);
    // bird forks into the background once its config is read; an error in it exits non-zero here.
    await run('ip', [
      'netns',
      'exec',
      lab.routerNs,
      ...chroot,
      '/usr/sbin/bird',
      '-c',
      seen('bird.conf'),
      '-s',
      seen('bird.ctl'),
      '-P',
      seen('bird.pid'),
    ]);
    await waitFor('bird to start', () => daemonRunning(dir, 'bird'));
    await waitFor('bird to answer birdc', async () =>
      (await router.birdc('show status')).includes('Daemon is up'),
    );
    return router;
  } catch (err) {
    await router.stop();
    throw err;
  }
}
