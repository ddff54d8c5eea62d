import { expect } from 'chai';
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
