import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Where Debian installs the FRR daemons. */
export const FRR_BIN = '/usr/lib/frr';

/**
 * mgmtd only from FRR 9 on: zebra and bgpd of those versions hang at start until they reach it
 * (seen with Debian trixie's FRR 10.3, whose zebra logs "BE-client: ... closed connection").
 * staticd only where static routes are wanted: `ip route` is its command, zebra has none.
 */
export type FrrDaemon = 'mgmtd' | 'zebra' | 'staticd' | 'bgpd';

/**
 * A path as the FRR processes see it: with `root` they run chrooted into that Debian root (the
 * lab's router matrix, test/lab/debian-root.sh), so a state dir inside it is seen from its top.
 */
export function pathSeenByFrr(path: string, root: string | undefined): string {
  return root === undefined ? path : `/${relative(root, path)}`;
}

/**
 * Lays out a private FRR state directory (config, sockets, pid files, logs) so an FRR instance can
 * run in a network namespace without touching /etc/frr or /var/run/frr, and several can run side
 * by side. The daemons run as the packaged `frr` user, so the directory is handed to it. Returns
 * the path of a vtysh wrapper that talks to this instance only. With `root`, `dir` lies inside
 * that root and FRR is the root's own: its `frr` user and its vtysh, run chrooted.
 */
export async function prepareFrrStateDir(dir: string, frrConf: string, root?: string): Promise<string> {
  await writeFile(join(dir, 'frr.conf'), frrConf);
  await writeFile(join(dir, 'zebra.conf'), '');
  await writeFile(join(dir, 'vtysh.conf'), '');
  // A root's `frr` user need not have the host's uid: ask the root's own passwd.
  const id = async (flag: string) =>
    Number(
      (root === undefined
        ? await execFileAsync('id', [flag, 'frr'])
        : await execFileAsync('chroot', [root, 'id', flag, 'frr'])
      ).stdout.trim(),
    );
  const uid = await id('-u');
  const gid = await id('-g');
  for (const f of ['', 'frr.conf', 'zebra.conf', 'vtysh.conf']) await chown(join(dir, f), uid, gid);
  if (root !== undefined) {
    // FRR 10 makes each instance's pathspace (-N) in /run/frr, which its package has made at boot
    // (tmpfiles.d: `d /run/frr 0755 frr frr`, seen in trixie's 10.3-3+deb13u1); nothing boots a
    // root, so it is made here as boot would.
    const runDir = join(root, 'run', 'frr');
    await mkdir(runDir, { recursive: true, mode: 0o755 });
    await chown(runDir, uid, gid);
  }
  await chmod(dir, 0o775);
  const vtyshPath = join(dir, 'vtysh');
  const seen = pathSeenByFrr(dir, root);
  const chroot = root === undefined ? '' : `chroot ${root} `;
  await writeFile(
    vtyshPath,
    `#!/bin/sh\nexec ${chroot}/usr/bin/vtysh --vty_socket ${seen} --config_dir ${seen} "$@"\n`,
  );
  await chmod(vtyshPath, 0o755);
  return vtyshPath;
}

/**
 * The command that starts a daemon of an instance laid out by prepareFrrStateDir (with the same
 * `root`): the daemon binary and its arguments, or with `root` chroot running the root's binary.
 */
export function frrDaemonCommand(dir: string, daemon: FrrDaemon, root?: string): [string, string[]] {
  const inner = pathSeenByFrr(dir, root);
  const args = [
    '-d',
    '-u',
    'frr',
    '-g',
    'frr',
    '-i',
    join(inner, `${daemon}.pid`),
    '-z',
    join(inner, 'zserv.api'),
    '--vty_socket',
    inner,
    // No TCP vty: vtysh reaches the daemons over the sockets in dir.
    '-P',
    '0',
    '--log',
    `file:${join(inner, `${daemon}.log`)}`,
    // Daemons of one root share its /run/frr, where FRR 10 keeps mgmtd's sockets whatever
    // --vty_socket says: a pathspace per instance (/run/frr/<name>) keeps parallel labs apart.
    ...(root === undefined ? [] : ['-N', basename(dir)]),
    // mgmtd takes no -f: it starts empty and the others' config reaches it through them.
    ...(daemon === 'mgmtd' ? [] : ['-f', join(inner, daemon === 'zebra' ? 'zebra.conf' : 'frr.conf')]),
  ];
  return root === undefined
    ? [join(FRR_BIN, daemon), args]
    : ['chroot', [root, join(FRR_BIN, daemon), ...args]];
}
