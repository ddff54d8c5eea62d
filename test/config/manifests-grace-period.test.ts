import { expect } from 'chai';
import { ConfigError, formatConfigIssue } from '../../src/config/index.js';
import { load, ownConfig } from './helpers.js';

describe('config: kubernetes.manifestsGracePeriod', () => {
  it('reads a duration or a number of seconds into milliseconds', () => {
    const grace = (value: string) =>
      load(ownConfig(`kubernetes:\n  manifests: ./m\n  manifestsGracePeriod: ${value}\n`)).config.kubernetes;
    expect(grace('1m30s')).to.deep.equal({
      mode: 'manifests',
      manifestsPath: './m',
      manifestsGraceMs: 90_000,
      metallbNamespace: 'metallb-system',
    });
    expect(grace('3').manifestsGraceMs).to.equal(3000);
  });

  it('is absent when not set (the source applies its default)', () => {
    const { kubernetes } = load(ownConfig('kubernetes:\n  manifests: ./m\n')).config;
    expect(kubernetes).not.to.have.property('manifestsGraceMs');
  });

  it('names the field and the reason when the value is not a duration', () => {
    try {
      load(ownConfig('kubernetes:\n  manifests: ./m\n  manifestsGracePeriod: soon\n'));
      expect.fail('loaded');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const issues = (err as ConfigError).issues.map(formatConfigIssue);
      expect(issues).to.deep.equal([
        'x.yaml:5: kubernetes.manifestsGracePeriod: "soon" is not a duration (want e.g. "90s", "1m30s" or 90)',
      ]);
    }
  });
});
