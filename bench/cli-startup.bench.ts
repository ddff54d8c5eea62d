/**
 * CLI start-up as users run it: `bin/cluster-router-sync.js` on dist/ bundled from the current
 * sources as `npm run build` bundles it (into a temporary copy of the image's layout, so the
 * checkout's dist/ is left alone), as whole processes, against `node -e 0` measured in the same
 * rounds so that the ratios hold on a busy machine. Wall time from spawn to exit; from GNU time,
 * the child's CPU time (%U + %S) and peak RSS (%M, the kernel's maxrss). On a machine shared with
 * other work, wall time includes waiting for a CPU, longer for the process that needs more of it,
 * so the CPU ratio is the steadier figure there.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtApp } from '../test/docs/support/built-app.js';
import { median } from './stats.js';
import type { BenchRow, BenchSuite } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = 9;
const GNU_TIME = '/usr/bin/time';

interface Sample {
  ms: number;
  cpuMs: number;
  rssMiB: number;
}

/** The commands timed, `node` arguments each; `entry` is the built copy's bin/cluster-router-sync.js. */
const casesFor = (entry: string): Record<string, string[]> => ({
  'node -e 0': ['-e', '0'],
  version: [entry, 'version'],
  '--help': [entry, '--help'],
  'check fixtures/seed': [entry, 'check', 'fixtures/seed'],
  'plan --manifests fixtures/seed/manifests': [
    entry,
    'plan',
    '--config',
    'fixtures/seed/metallb-config.yaml',
    '--manifests',
    'fixtures/seed/manifests',
  ],
});

function exec(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: root, maxBuffer: 64 * 2 ** 20 }, (err, _out, stderr) =>
      err
        ? reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`, { cause: err }))
        : resolve(),
    );
  });
}

async function sample(args: string[], timeFile: string): Promise<Sample> {
  const t0 = performance.now();
  await exec(GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, process.execPath, ...args]);
  const ms = performance.now() - t0;
  const [maxRssKiB, user, sys] = (await readFile(timeFile, 'utf8')).trim().split(' ').map(Number);
  return { ms, cpuMs: (user! + sys!) * 1000, rssMiB: maxRssKiB! / 1024 };
}

async function startup(): Promise<BenchRow[]> {
  if (!existsSync(GNU_TIME))
    return [{ name: `cli start-up skipped: ${GNU_TIME} not installed`, value: 0, unit: '' }];
  const cases = casesFor((await builtApp()).entry);
  const dir = await mkdtemp(join(tmpdir(), 'crs-startup-'));
  const samples = new Map<string, Sample[]>(Object.keys(cases).map((k) => [k, []]));
  try {
    // Interleaved rounds: a burst of load from elsewhere hits every case alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, args] of Object.entries(cases)) {
        samples.get(name)!.push(await sample(args, join(dir, 'time')));
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const ms = (name: string) => median(samples.get(name)!.map((s) => s.ms));
  const cpu = (name: string) => median(samples.get(name)!.map((s) => s.cpuMs));
  const rss = (name: string) => median(samples.get(name)!.map((s) => s.rssMiB));
  const base = ms('node -e 0');
  const targets: Record<string, number> = { version: 1.5, 'check fixtures/seed': 3 };
  const rows: BenchRow[] = [
    { name: `node -e 0, median of ${ROUNDS}`, value: base, unit: 'ms' },
    { name: 'node -e 0, CPU', value: cpu('node -e 0'), unit: 'ms' },
    { name: 'node -e 0, peak RSS', value: rss('node -e 0'), unit: 'MiB' },
  ];
  for (const name of Object.keys(cases).filter((n) => n !== 'node -e 0')) {
    const ratio = ms(name) / base;
    const target = targets[name];
    rows.push(
      { name: `${name}, median of ${ROUNDS}`, value: ms(name), unit: 'ms' },
      {
        name: `${name}, time / node -e 0`,
        value: ratio,
        unit: 'x',
        ...(target === undefined ? {} : { target: `<= ${target}`, met: ratio <= target }),
      },
      { name: `${name}, CPU / node -e 0`, value: cpu(name) / cpu('node -e 0'), unit: 'x' },
      {
        name: `${name}, peak RSS`,
        value: rss(name),
        unit: 'MiB',
        ...(name === 'version' ? { target: '< 70', met: rss(name) < 70 } : {}),
      },
    );
  }
  return rows;
}

export default { name: 'cli-startup', run: startup } satisfies BenchSuite;
