import { expect } from 'chai';
import { ConfigError, formatConfigIssue } from '../../src/config/errors.js';
import { anySelectorMatches, selectorMatches } from '../../src/config/label-selector.js';
import type { LabelSelector } from '../../src/config/model.js';
import { BadInputError } from '../../src/util/errors.js';

function sel(
  expr: LabelSelector['matchExpressions'],
  matchLabels: Record<string, string> = {},
): LabelSelector {
  return { matchLabels, matchExpressions: expr };
}

describe('config: label selectors', () => {
  const labels = { tier: 'edge', zone: 'a' };
  const table: Array<[string, LabelSelector, boolean]> = [
    ['empty selects everything', sel([]), true],
    ['matchLabels equal', sel([], { tier: 'edge' }), true],
    ['matchLabels differ', sel([], { tier: 'core' }), false],
    ['In with the value', sel([{ key: 'tier', operator: 'In', values: ['core', 'edge'] }]), true],
    ['In without the key', sel([{ key: 'rack', operator: 'In', values: ['r1'] }]), false],
    ['NotIn with the value', sel([{ key: 'zone', operator: 'NotIn', values: ['a'] }]), false],
    ['NotIn without the key', sel([{ key: 'rack', operator: 'NotIn', values: ['r1'] }]), true],
    ['Exists', sel([{ key: 'zone', operator: 'Exists', values: [] }]), true],
    ['Exists, missing', sel([{ key: 'rack', operator: 'Exists', values: [] }]), false],
    ['DoesNotExist', sel([{ key: 'rack', operator: 'DoesNotExist', values: [] }]), true],
    ['DoesNotExist, present', sel([{ key: 'tier', operator: 'DoesNotExist', values: [] }]), false],
    [
      'labels and expressions must all hold',
      sel([{ key: 'zone', operator: 'Exists', values: [] }], { tier: 'core' }),
      false,
    ],
  ];
  for (const [name, selector, expected] of table) {
    it(name, () => {
      expect(selectorMatches(selector, labels)).to.equal(expected);
    });
  }

  it('a list matches when any selector does; an empty list matches everything', () => {
    expect(anySelectorMatches([], labels)).to.equal(true);
    expect(anySelectorMatches([sel([], { tier: 'core' }), sel([], { zone: 'a' })], labels)).to.equal(true);
    expect(anySelectorMatches([sel([], { tier: 'core' })], labels)).to.equal(false);
  });
});

describe('config: ConfigError', () => {
  const issues = [
    { file: 'a.yaml', line: 3, path: 'peers[0].peer-asn', value: 0, reason: 'is out of range' },
    { file: 'b.yaml', path: '', reason: 'cannot be read: no such file' },
  ];

  it('is a BadInputError (exit code 2) exposing the first issue and listing all', () => {
    const err = new ConfigError(issues);
    expect(err).to.be.instanceOf(BadInputError);
    expect(err.exitCode).to.equal(2);
    expect(err.name).to.equal('ConfigError');
    expect([err.file, err.path, err.value, err.reason]).to.deep.equal([
      'a.yaml',
      'peers[0].peer-asn',
      0,
      'is out of range',
    ]);
    expect(err.message).to.equal(
      'a.yaml:3: peers[0].peer-asn: 0 is out of range\nb.yaml: cannot be read: no such file',
    );
  });

  it('shortens long values in messages', () => {
    const long = 'x'.repeat(200);
    expect(formatConfigIssue({ file: 'f', path: 'p', value: long, reason: 'is bad' })).to.equal(
      `f: p: "${'x'.repeat(76)}... is bad`,
    );
  });

  it('needs at least one issue', () => {
    expect(() => new ConfigError([])).to.throw(TypeError);
  });
});
