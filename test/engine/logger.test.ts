import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/observability/logger.js';

function sink(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream: PassThrough & { isTTY?: boolean } = new PassThrough();
  stream.isTTY = isTTY;
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('observability: logger', () => {
  it('writes one JSON object per line when not on a terminal', () => {
    const { stream, text } = sink(false);
    createLogger({ destination: stream }).info({ peer: 'p1' }, 'BGP session established');
    const line = JSON.parse(text().trim()) as Record<string, unknown>;
    expect(line).to.include({
      level: 30,
      name: 'cluster-router-sync',
      peer: 'p1',
      msg: 'BGP session established',
    });
    expect(line.time).to.match(/^\d{4}-\d\d-\d\dT/);
  });

  it('writes human-readable lines on a terminal', () => {
    const { stream, text } = sink(true);
    createLogger({ destination: stream }).warn({ peer: 'p1' }, 'BGP session down');
    expect(text()).to.include('BGP session down');
    expect(text()).to.include('WARN');
    expect(() => JSON.parse(text().trim()) as unknown).to.throw();
  });

  it('writes the format asked for, whatever the destination is', () => {
    const tty = sink(true);
    createLogger({ destination: tty.stream, format: 'json' }).info({ peer: 'p1' }, 'x');
    expect(JSON.parse(tty.text().trim())).to.include({ peer: 'p1', msg: 'x' });
    const file = sink(false);
    createLogger({ destination: file.stream, format: 'text' }).info({ peer: 'p1' }, 'x');
    expect(file.text()).to.match(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}x peer=p1\n$/);
  });
});

describe('observability: logger on standard error', function () {
  this.timeout(60_000);
  const LINES = 20_000;
  const logger = new URL('../../src/observability/logger.ts', import.meta.url).pathname;

  /** A process that logs LINES lines to its stderr (the default destination), then `end`s. */
  function logThenEnd(end: string): { lines: number; code: number | null } {
    const script = [
      `const { createLogger } = await import(${JSON.stringify(logger)});`,
      'const log = createLogger();',
      `for (let i = 0; i < ${LINES}; i++) log.info({ i }, 'a line long enough to fill the pipe ' + 'x'.repeat(80));`,
      end,
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const lines = child.stderr.split('\n').filter((l) => l.includes('"msg":"a line long enough')).length;
    return { lines, code: child.status };
  }

  // The lines are written asynchronously: what is still buffered when the process ends must be
  // written on the way out, or a run's last words before exit or crash would be lost.
  it('loses no line when the process exits at once', () => {
    expect(logThenEnd('process.exit(3);')).to.deep.equal({ lines: LINES, code: 3 });
  });

  it('loses no line when the process dies of an uncaught exception', () => {
    expect(logThenEnd("setImmediate(() => { throw new Error('boom'); });")).to.deep.equal({
      lines: LINES,
      code: 1,
    });
  });
});
