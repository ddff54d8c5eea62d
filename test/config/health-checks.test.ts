import { expect } from 'chai';
import { ConfigError, formatConfigIssue, loadConfigDocuments } from '../../src/config/index.js';
import { HEALTH_CHECK_DEFAULTS } from '../../src/config/health-checks.js';
import { load, ownConfig } from './helpers.js';

function issueOf(text: string): string {
  try {
    loadConfigDocuments([{ file: 'crs.yaml', text }]);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).exitCode).to.equal(2);
    return (err as ConfigError).issues.map(formatConfigIssue).join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('config: healthChecks', () => {
  it('is absent unless written, so run picks its default by source', () => {
    expect(load(ownConfig('peers: []\n')).config.healthChecks).to.equal(undefined);
  });

  it('fills every key it does not set with the documented default', () => {
    expect(load(ownConfig('healthChecks: {}\n')).config.healthChecks).to.deep.equal({
      enabled: true,
      intervalMs: 1000,
      timeoutMs: 500,
      unhealthyThreshold: 2,
      healthyThreshold: 2,
      nodeHealthPort: 10256,
    });
    expect(load(ownConfig('healthChecks: {}\n')).config.healthChecks).to.deep.equal(HEALTH_CHECK_DEFAULTS);
  });

  it('takes every key as written', () => {
    const text = ownConfig(
      'healthChecks:\n  enabled: false\n  intervalMs: 200\n  timeoutMs: 150\n  unhealthyThreshold: 3\n  healthyThreshold: 1\n  nodeHealthPort: 10257\n',
    );
    expect(load(text).config.healthChecks).to.deep.equal({
      enabled: false,
      intervalMs: 200,
      timeoutMs: 150,
      unhealthyThreshold: 3,
      healthyThreshold: 1,
      nodeHealthPort: 10257,
    });
  });

  it('warns about a key it does not know, naming where it is', () => {
    expect(load(ownConfig('healthChecks:\n  probePath: /x\n'), 'crs.yaml').warnings).to.deep.equal([
      { file: 'crs.yaml', line: 4, path: 'healthChecks.probePath', message: 'unknown field, ignored' },
    ]);
  });

  const refused: Array<[string, RegExp]> = [
    ['  intervalMs: 10\n', /^crs\.yaml:4: healthChecks\.intervalMs: 10 must be at least 50 ms/],
    ['  unhealthyThreshold: 0\n', /^crs\.yaml:4: healthChecks\.unhealthyThreshold: 0 must be at least 1/],
    [
      '  healthyThreshold: 1.5\n',
      /^crs\.yaml:4: healthChecks\.healthyThreshold: 1\.5 must be a whole number/,
    ],
    ['  nodeHealthPort: 70000\n', /^crs\.yaml:4: healthChecks\.nodeHealthPort: 70000 /],
    ['  enabled: "yes"\n', /^crs\.yaml:4: healthChecks\.enabled: "yes" must be /],
    [
      '  intervalMs: 200\n  timeoutMs: 500\n',
      /^crs\.yaml:\d+: healthChecks\.timeoutMs.*must not be longer than intervalMs/,
    ],
  ];
  for (const [body, expected] of refused) {
    it(`refuses ${body.trim()} naming file, field and reason`, () => {
      expect(issueOf(ownConfig(`healthChecks:\n${body}`))).to.match(expected);
    });
  }
});
