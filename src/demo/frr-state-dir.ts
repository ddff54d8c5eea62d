import { execFile } from 'node:child_process';
import { chmod, chown, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Where Debian installs the FRR daemons. */
export const FRR_BIN = '/usr/lib/frr';

export type FrrDaemon = 'zebra' | 'bgpd';

/**
 * Lays out a private FRR state directory (config, sockets, pid files, logs) so an FRR instance can
 * run in a network namespace without touching /etc/frr or /var/run/frr, and several can run side
 * by side. The daemons run as the packaged `frr` user, so the directory is handed to it. Returns
 * the path of a vtysh wrapper that talks to this instance only.
 */
export async function prepareFrrStateDir(dir: string, frrConf: string): Promise<string> {
  await writeFile(join(dir, 'frr.conf'), frrConf);
  await writeFile(join(dir, 'zebra.conf'), '');
  await writeFile(join(dir, 'vtysh.conf'), '');
  const uid = Number((await execFileAsync('id', ['-u', 'frr'])).stdout.trim());
  const gid = Number((await execFileAsync('id', ['-g', 'frr'])).stdout.trim());
  for (const f of ['', 'frr.conf', 'zebra.conf', 'vtysh.conf']) await chown(join(dir, f), uid, gid);
  await chmod(dir, 0o775);
  const vtyshPath = join(dir, 'vtysh');
  await writeFile(vtyshPath, `#!/bin/sh\nexec /usr/bin/vtysh --vty_socket ${dir} --config_dir ${dir} "$@"\n`);
  await chmod(vtyshPath, 0o755);
  return vtyshPath;
}

/** The daemon binary and its arguments for an instance laid out by prepareFrrStateDir. */
export function frrDaemonCommand(dir: string, daemon: FrrDaemon): [string, string[]] {
  return [
    join(FRR_BIN, daemon),
    [
      '-d',
      '-u',
      'frr',
      '-g',
      'frr',
      '-i',
      join(dir, `${daemon}.pid`),
      '-z',
      join(dir, 'zserv.api'),
      '--vty_socket',
      dir,
      // No TCP vty: vtysh reaches the daemons over the sockets in dir.
      '-P',
      '0',
      '--log',
      `file:${join(dir, `${daemon}.log`)}`,
      '-f',
      join(dir, daemon === 'zebra' ? 'zebra.conf' : 'frr.conf'),
    ],
  ];
}
