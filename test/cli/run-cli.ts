import { writeFile } from 'node:fs/promises';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process as `cluster-router-sync <args>` and collects what it writes. */
export async function cli(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => void (stdout += t), err: (t) => void (stderr += t) };
  const code = await main(['node', 'cluster-router-sync', ...args], io);
  return { code, stdout, stderr };
}

/** Our own config file: the given `router:` settings and, when any, `speaker:` settings. */
export function ownConfigYaml(router: string[], speaker: string[] = []): string {
  return [
    'apiVersion: cluster-router-sync.io/v1alpha1',
    'kind: ClusterRouterSyncConfig',
    'router:',
    ...router.map((l) => `  ${l}`),
    ...(speaker.length > 0 ? ['speaker:', ...speaker.map((l) => `  ${l}`)] : []),
    '',
  ].join('\n');
}

/**
 * Writes our own config as `file` for a router read on this host (transport local, `vtyshPath`
 * being vtysh or birdc by `dialect`) with the speaker listening on `listen`; returns `file`.
 */
export async function localRouterConfig(
  file: string,
  router: { vtyshPath: string; dialect: 'frr' | 'bird' },
  listen: string,
): Promise<string> {
  await writeFile(
    file,
    ownConfigYaml(
      ['transport: local', `vtyshPath: ${router.vtyshPath}`, `dialect: ${router.dialect}`],
      [`listenAddress: ${listen}`],
    ),
  );
  return file;
}

/** `neighbors` on our config `file` beside the seed's MetalLB config, logging silenced. */
export function neighborsCli(file: string, ...more: string[]): Promise<CliResult> {
  return cli(
    'neighbors',
    '-c',
    file,
    '-c',
    'fixtures/seed/metallb-config.yaml',
    '--log-level',
    'silent',
    ...more,
  );
}
