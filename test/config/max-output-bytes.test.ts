import { expect } from 'chai';
import { ConfigError, formatConfigIssue } from '../../src/config/index.js';
import { load, ownConfig } from './helpers.js';

describe('config: router.maxOutputBytes', () => {
  it('defaults to 64 MiB and takes a whole number of bytes', () => {
    expect(load(ownConfig('router:\n  transport: local\n')).config.router?.maxOutputBytes).to.equal(
      64 * 1024 * 1024,
    );
    expect(
      load(ownConfig('router:\n  transport: local\n  maxOutputBytes: 1048576\n')).config.router
        ?.maxOutputBytes,
    ).to.equal(1048576);
  });

  for (const [value, reason] of [
    ['0', 'must be at least 1 byte'],
    ['1.5', 'must be a whole number of bytes'],
    ['64Mi', 'must be a number of bytes'],
  ] as const) {
    it(`refuses ${value}, naming file, field and reason`, () => {
      let error: unknown;
      try {
        load(ownConfig(`router:\n  transport: local\n  maxOutputBytes: ${value}\n`), 'crs.yaml');
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ConfigError);
      const issue = (error as ConfigError).issues[0];
      expect(issue && formatConfigIssue(issue)).to.match(
        new RegExp(`^crs\\.yaml:5: router\\.maxOutputBytes: .*${reason}$`),
      );
    });
  }
});
