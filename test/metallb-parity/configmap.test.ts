/**
 * MetalLB parity: the legacy ConfigMap parser of MetalLB v0.12.1 (internal/config/config_test.go
 * TestParse at tag v0.12.1). Each case's `data.config` text is loaded as the bare legacy form;
 * it must be accepted or refused as MetalLB v0.12 does. Deliberate differences name their row
 * of docs/migrating-from-metallb.md and assert what we do.
 */
import { expect } from 'chai';
import { loadConfigDocuments } from '../../src/config/index.js';
import { TestParse } from './configmap-cases.js';
import { verdict } from './verdict.js';

/** Cases we deliberately decide otherwise, by MetalLB's desc: our verdict and the doc row. */
const differences: Record<string, { ok: boolean; doc: string }> = {
  'empty config': { ok: false, doc: 'An empty configuration' },
  'Peer with non existing BFD Profile': { ok: true, doc: 'BFD profiles' },
  'Multiple BFD Profiles with the same name': { ok: true, doc: 'BFD profiles' },
};

describe('MetalLB parity: v0.12 ConfigMap (internal/config/config_test.go TestParse @v0.12.1)', () => {
  for (const c of TestParse) {
    const difference = differences[c.desc];
    it(difference ? `${c.desc} [differs: ${difference.doc}]` : c.desc, () => {
      const got = verdict(() => loadConfigDocuments([{ file: 'config.yaml', text: c.raw }]));
      const ok = difference ? difference.ok : c.ok;
      if (ok) expect(got).to.equal('accepted');
      else expect(got).to.match(/^refused: /);
    });
  }
});
