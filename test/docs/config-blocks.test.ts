/**
 * Every ```yaml block of README.md and docs/*.md is a configuration example (our own form, a
 * MetalLB ConfigMap or MetalLB CRDs): it must load with the real config loader, with no error and
 * no warning, so an example cannot drift from what the loader accepts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { formatConfigWarning, loadConfigDocuments } from '../../src/config/index.js';
import { repoRoot } from './support/built-app.js';
import { codeBlocks } from './support/markdown-blocks.js';
import { DOC_FILES } from './support/doc-files.js';

describe('docs: every yaml block is a configuration the loader accepts without warnings', () => {
  const blocks = DOC_FILES.flatMap((file) =>
    codeBlocks(file, readFileSync(join(repoRoot, file), 'utf8')).filter((b) => b.tag === 'yaml'),
  );

  it('finds the examples', () => {
    expect(blocks.length).to.be.above(0);
  });

  for (const block of blocks) {
    it(`${block.file}:${block.line}`, () => {
      const { warnings } = loadConfigDocuments([
        { file: `${block.file}:${block.line}`, text: block.body.join('\n') },
      ]);
      expect(warnings.map(formatConfigWarning)).to.deep.equal([]);
    });
  }
});
