import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const exitModule = fileURLToPath(new URL('../../src/cli/exit.ts', import.meta.url));

/** A real node process that calls exitWhenDone after `setup`; resolves with its exit code. */
function runChild(setup: string, code: number): Promise<number | null> {
  const script = `const { exitWhenDone } = await import(${JSON.stringify(exitModule)});
${setup}
process.stdout.write('last words\\n');
exitWhenDone(${code});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) =>
    child.once('close', (exitCode) => {
      expect(out).to.equal('last words\n');
      resolve(exitCode);
    }),
  );
}

describe('exitWhenDone', function () {
  this.timeout(30_000);

  it('exits with the code when nothing is left open', async () => {
    expect(await runChild('', 4)).to.equal(4);
  });

  it('exits with the code even when a listening socket is left open', async () => {
    const leak = `const net = await import('node:net');
await new Promise((r) => net.createServer().listen(0, '127.0.0.1', r));`;
    expect(await runChild(leak, 3)).to.equal(3);
  });
});
