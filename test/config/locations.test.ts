import { expect } from 'chai';
import { ConfigError } from '../../src/config/index.js';
import { formatFieldPath } from '../../src/config/field-path.js';
import { load } from './helpers.js';

function firstIssue(text: string) {
  try {
    load(text);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues[0];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

/** A ConfigMap in metallb-system; `data` are the lines under `data:`, line 6 on. */
function metallbConfigMap(...data: string[]): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  namespace: metallb-system',
    'data:',
    ...data,
    '',
  ].join('\n');
}

describe('config: locations in messages', () => {
  it('writes paths the way YAML is written, quoting keys that are not plain names', () => {
    expect(formatFieldPath(['address-pools', 0, 'addresses', 1])).to.equal('address-pools[0].addresses[1]');
    expect(formatFieldPath(['spec', 'nodeSelectors', 0, 'matchLabels', 'kubernetes.io/hostname'])).to.equal(
      'spec.nodeSelectors[0].matchLabels["kubernetes.io/hostname"]',
    );
    expect(formatFieldPath([])).to.equal('');
  });

  it('maps lines of a block-scalar data.config back to the file', () => {
    const text = metallbConfigMap(
      '  config: |',
      '    address-pools:',
      '    - name: p',
      '      protocol: bgp',
      '      addresses:',
      '      - 10.0.0.0/33',
    );
    expect(firstIssue(text)).to.deep.include({ line: 11, path: 'address-pools[0].addresses[0]' });
  });

  it('points at data.config when it is a quoted string whose lines cannot be mapped', () => {
    const text = metallbConfigMap(
      '  config: "address-pools:\\n- name: p\\n  protocol: bgp\\n  addresses: [10.0.0.0/33]\\n"',
    );
    expect(firstIssue(text)).to.deep.include({ line: 6, path: 'address-pools[0].addresses[0]' });
  });

  it('finds the document of a multi-document file by its line', () => {
    const pool = (name: string, cidr: string) =>
      `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: ${name}\nspec:\n  addresses: [${cidr}]\n`;
    const issue = firstIssue(
      `${pool('a', '10.0.0.0/24')}---\n${pool('b', '10.0.1.0/24')}---\n${pool('c', 'nope')}`,
    );
    expect(issue).to.deep.include({ line: 20, path: 'spec.addresses[0]', value: 'nope' });
  });
});
