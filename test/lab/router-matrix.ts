import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'mocha';
import { requireLab } from '../support/requirements.js';
import { startBird, type BirdOptions, type BirdRouter } from './bird.js';
import { startFrr, type FrrOptions, type FrrRouter } from './frr.js';
import type { Lab } from './netns.js';

/**
 * One FRR of the lab's router matrix: the host's own (Debian bookworm) or the FRR of another
 * Debian release, run chrooted into a root that test/lab/debian-root.sh built from Debian's
 * packages. Those releases carry the FRR generations OpenWRT users run (docs/openwrt.md).
 */
export interface MatrixRouter {
  /** For test titles: `FRR 7.5 (Debian bullseye)`. */
  name: string;
  release: 'bookworm' | 'bullseye' | 'trixie';
  /** Major.minor the release packages; `show version` must start with `FRRouting <frr>`. */
  frr: string;
  /** True for the host's FRR, which needs no root. */
  host: boolean;
}

export const ROUTER_MATRIX: readonly MatrixRouter[] = [
  { name: 'FRR 8.4 (host, Debian bookworm)', release: 'bookworm', frr: '8.4', host: true },
  // OpenWRT 21.02's generation.
  { name: 'FRR 7.5 (Debian bullseye)', release: 'bullseye', frr: '7.5', host: false },
  // OpenWRT 24.10's generation.
  { name: 'FRR 10.3 (Debian trixie)', release: 'trixie', frr: '10.3', host: false },
];

/** What finding a matrix router's Debian root needs (FRR or BIRD). */
type RootedRouter = Pick<MatrixRouter, 'name' | 'release' | 'host'>;

/** Where debian-root.sh links the root of a release (keep in step with the script). */
function rootLink(release: string): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'cluster-router-sync', 'debian-roots', release);
}

/** The Debian root a matrix router runs in; undefined for the host's FRR or a root not built. */
export function routerRoot(router: RootedRouter): string | undefined {
  if (router.host) return undefined;
  const link = rootLink(router.release);
  return existsSync(join(link, '.crs-root-complete')) ? realpathSync(link) : undefined;
}

/** Why this router cannot run here, or undefined when it can. */
export function missingRouter(router: RootedRouter): string | undefined {
  if (router.host || routerRoot(router) !== undefined) return undefined;
  return `the Debian ${router.release} root of ${router.name} (run: bash test/lab/debian-root.sh ${router.release}, or bash .ci/run)`;
}

/**
 * requireLab for a test on this router: root, the FRR it runs (host packages or its Debian root)
 * and `commands`. Skips outside CI, fails in CI.
 */
export function requireRouter(ctx: Context, router: MatrixRouter, commands: string[] = []): void {
  const missing = missingRouter(router);
  requireLab(ctx, {
    root: true,
    commands: [
      'ip',
      ...(router.host ? ['vtysh', '/usr/lib/frr/bgpd', '/usr/lib/frr/zebra'] : ['chroot']),
      ...commands,
    ],
    unmet: missing === undefined ? [] : [missing],
  });
}

/**
 * startFrr with this router's FRR. Logs the first line of its `show version`, so a CI log names
 * the exact version every matrix test ran against; fails when it is not the release's FRR.
 */
export async function startMatrixFrr(
  lab: Lab,
  router: MatrixRouter,
  opts: FrrOptions = {},
): Promise<FrrRouter> {
  const root = routerRoot(router);
  if (!router.host && root === undefined) throw new Error(`missing ${missingRouter(router) ?? router.name}`);
  const frr = await startFrr(lab, { ...opts, ...(root === undefined ? {} : { root }) });
  const first = (await frr.vtysh('show version')).split('\n').find((l) => l.trim() !== '') ?? '';
  process.stderr.write(`    ${router.name}: ${first.trim()}\n`);
  // `FRRouting 8.4.4 (host) on Linux(...)`, `FRRouting 10.3 (host) ...`: the version, then a space or a point.
  if (!new RegExp(`^FRRouting ${router.frr.replaceAll('.', '\\.')}[. ]`).test(first)) {
    await frr.stop();
    throw new Error(`${router.name} answered show version with "${first}"`);
  }
  return frr;
}

/**
 * One BIRD 2 of the lab's router matrix (OpenWRT packages `bird2`): the host's (Debian bookworm's
 * 2.0.12) or the trixie root's 2.17, chrooted as the matrix FRRs are.
 */
export interface MatrixBird {
  /** For test titles: `BIRD 2.17 (Debian trixie)`. */
  name: string;
  release: 'bookworm' | 'trixie';
  /** Major.minor; `show status` must say `BIRD <bird>.` */
  bird: string;
  host: boolean;
  /** Where its captured outputs live: fixtures/<fixtures>/. */
  fixtures: string;
}

export const BIRD_MATRIX: readonly MatrixBird[] = [
  {
    name: 'BIRD 2.0 (host, Debian bookworm)',
    release: 'bookworm',
    bird: '2.0',
    host: true,
    fixtures: 'bird-2.0.12',
  },
  // OpenWRT 24.10's generation.
  { name: 'BIRD 2.17 (Debian trixie)', release: 'trixie', bird: '2.17', host: false, fixtures: 'bird-2.17' },
];

/** requireLab for a test on this BIRD: root, its daemon (host package or Debian root) and `commands`. */
export function requireBird(ctx: Context, bird: MatrixBird, commands: string[] = []): void {
  const missing = missingRouter(bird);
  requireLab(ctx, {
    root: true,
    commands: ['ip', ...(bird.host ? ['/usr/sbin/bird', '/usr/sbin/birdc'] : ['chroot']), ...commands],
    unmet: missing === undefined ? [] : [missing],
  });
}

/** startBird with this matrix BIRD; logs its version and fails when it is not the release's. */
export async function startMatrixBird(lab: Lab, bird: MatrixBird, opts: BirdOptions): Promise<BirdRouter> {
  const root = routerRoot(bird);
  if (!bird.host && root === undefined) throw new Error(`missing ${missingRouter(bird) ?? bird.name}`);
  const router = await startBird(lab, { ...opts, ...(root === undefined ? {} : { root }) });
  const banner = (await router.birdc('show', 'status')).split('\n').find((l) => l.startsWith('BIRD ')) ?? '';
  process.stderr.write(`    ${bird.name}: ${banner.trim()}\n`);
  if (!banner.startsWith(`BIRD ${bird.bird}.`)) {
    await router.stop();
    throw new Error(`${bird.name} answered show status with "${banner}"`);
  }
  return router;
}
