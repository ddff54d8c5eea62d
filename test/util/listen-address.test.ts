import { expect } from 'chai';
import fc from 'fast-check';
import {
  BadListenAddressError,
  formatListenAddress,
  parseListenAddress,
} from '../../src/util/listen-address.js';

describe('util: listen addresses (--metrics-address)', () => {
  it('parses host:port and [v6]:port, port 0 included', () => {
    expect(parseListenAddress('127.0.0.1:9473', '--x')).to.deep.equal({ host: '127.0.0.1', port: 9473 });
    expect(parseListenAddress('[::1]:0', '--x')).to.deep.equal({ host: '::1', port: 0 });
    expect(parseListenAddress('localhost:80', '--x')).to.deep.equal({ host: 'localhost', port: 80 });
  });

  it('rejects anything else with a typed error naming the field and the text', () => {
    for (const bad of ['127.0.0.1', ':80', '1.2.3.4:99999', '::1:80', '', '[::1]', 'a:b']) {
      expect(() => parseListenAddress(bad, '--metrics-address'), bad)
        .to.throw(BadListenAddressError)
        .with.property(
          'message',
          `--metrics-address: "${bad}" is not host:port (e.g. 127.0.0.1:9473 or [::1]:9473)`,
        );
    }
  });

  it('formats what it parses back to the same address', () => {
    const host = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain());
    fc.assert(
      fc.property(host, fc.integer({ min: 0, max: 65535 }), (h, port) => {
        const text = formatListenAddress({ host: h, port });
        expect(parseListenAddress(text, '--x')).to.deep.equal({ host: h, port });
      }),
    );
  });
});
