/**
 * deploy/router/vtysh-only.sh, the forced command docs/openwrt.md installs on the router: the
 * command lines our SSH transport really sends reach vtysh word for word, anything else is
 * refused before a shell could run it. Run with dash and, when installed, busybox's ash (the
 * shell of OpenWRT).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { vtyshShellCommand } from '../../src/router-drivers/vtysh-invocation.js';
import { requireLab } from '../support/requirements.js';
import { repoRoot } from './support/built-app.js';

const script = join(repoRoot, 'deploy/router/vtysh-only.sh');

function runForced(
  shell: string[],
  line: string,
  env: Record<string, string>,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      shell[0] as string,
      [...shell.slice(1), script],
      { env: { ...env, SSH_ORIGINAL_COMMAND: line } },
      (err, _out, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stderr });
      },
    );
  });
}

for (const shell of [['sh'], ['busybox', 'sh']]) {
  describe(`${shell[0] === 'busybox' ? '@lab ' : ''}deploy/router/vtysh-only.sh under ${shell.join(' ')}`, function () {
    let dir: string;
    let env: Record<string, string>;
    const argsFile = (): string => join(dir, 'args');
    const pwned = (): string => join(dir, 'pwned');

    before(async function () {
      if (shell[0] === 'busybox') requireLab(this, { commands: ['busybox'] });
      dir = await mkdtemp(join(tmpdir(), 'crs-vtysh-only-'));
      const fake = join(dir, 'vtysh');
      // Records its arguments NUL-separated, so any byte of a word survives.
      await writeFile(fake, `#!/bin/sh\nprintf '%s\\0' "$@" > '${argsFile()}'\n`);
      await chmod(fake, 0o755);
      env = { PATH: process.env.PATH ?? '/usr/bin:/bin', VTYSH: fake };
    });

    after(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function received(): Promise<string[]> {
      return (await readFile(argsFile(), 'utf8')).split('\0').slice(0, -1);
    }

    const accepted: string[][] = [
      ['show version'],
      ['show bgp summary json', 'show ip route bgp json'],
      ['configure terminal', 'router bgp 64501', 'neighbor 192.168.200.2 description it\'s "ours"', 'end'],
      ['show $(touch PWNED) `touch PWNED` ; touch PWNED'],
    ];
    for (const commands of accepted) {
      it(`passes ${JSON.stringify(commands)} to vtysh word for word`, async () => {
        await rm(argsFile(), { force: true });
        const line = vtyshShellCommand(
          'vtysh',
          commands.map((c) => c.replaceAll('PWNED', pwned())),
        );
        const r = await runForced(shell, line, env);
        expect(r.code, r.stderr).to.equal(0);
        expect(await received()).to.deep.equal([
          '-E',
          ...commands.flatMap((c) => ['-c', c.replaceAll('PWNED', pwned())]),
        ]);
        expect(existsSync(pwned())).to.equal(false);
      });
    }

    const refused = [
      `'vtysh' '-c' 'show version'; touch PWNED`,
      `'vtysh' '-c' 'show version' $(touch PWNED)`,
      `'vtysh' '-c' 'show version'\ntouch PWNED`,
      `vtysh -c 'show version'`,
      `'sh' '-c' 'touch PWNED'`,
      `'/usr/bin/vtysh' '-c' 'show version'`,
      `'vtysh''-c' 'x'`,
      `'vtysh' '-c' 'unterminated`,
      '',
    ];
    for (const line of refused) {
      it(`refuses ${JSON.stringify(line)} without running anything`, async () => {
        await rm(argsFile(), { force: true });
        const r = await runForced(shell, line.replaceAll('PWNED', pwned()), env);
        expect(r.code).to.equal(126);
        expect(r.stderr).to.match(/^vtysh-only: refused/);
        expect(existsSync(argsFile()), 'vtysh was run').to.equal(false);
        expect(existsSync(pwned()), 'the injected command ran').to.equal(false);
      });
    }
  });
}
