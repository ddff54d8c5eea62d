import { execFileSync } from 'node:child_process';
import type { Context } from 'mocha';

/**
 * Lab tests need root and Debian packages. Outside CI a missing requirement skips the test with
 * a message saying what to install; in CI (`CI=true`) `.ci/run` installs everything, so a
 * missing requirement there is a failure, never a silent skip.
 */
export function requireLab(
  ctx: Context,
  opts: {
    root?: boolean;
    commands?: string[];
    /** Other needs the caller found unmet, each saying how to meet it. */
    unmet?: string[];
  },
): void {
  const missing: string[] = [...(opts.unmet ?? [])];
  if (opts.root && process.getuid?.() !== 0) missing.push('root (network namespaces)');
  for (const cmd of opts.commands ?? []) {
    if (!hasCommand(cmd)) missing.push(`command '${cmd}' (run: bash .ci/run, or apt-get install it)`);
  }
  if (missing.length === 0) return;
  const message = `lab requirement missing: ${missing.join(', ')}`;
  if (process.env.CI === 'true') throw new Error(`${message} — CI must provide it`);
  process.stderr.write(`  skipping: ${message}\n`);
  ctx.skip();
}

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${JSON.stringify(cmd)}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
