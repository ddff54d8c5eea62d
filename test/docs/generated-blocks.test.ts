/**
 * A block the docs mark `<!-- generated: NAME -->` shows the program's real output: it must equal
 * what the code computes now (support/generated-blocks.ts), so the docs cannot drift from it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoRoot } from './support/built-app.js';
import { GENERATED_BLOCKS } from './support/generated-blocks.js';
import { codeBlocks } from './support/markdown-blocks.js';
import { DOC_FILES } from './support/doc-files.js';

describe('docs: generated blocks equal the output of the code', () => {
  const marked = DOC_FILES.flatMap((file) =>
    codeBlocks(file, readFileSync(join(repoRoot, file), 'utf8')).filter((b) => b.generated !== undefined),
  );

  it('every generator is used by some doc', () => {
    expect(marked.map((b) => b.generated).sort()).to.include.members(Object.keys(GENERATED_BLOCKS));
  });

  for (const block of marked) {
    it(`${block.file}:${block.line}: ${block.generated}`, async () => {
      const generate = GENERATED_BLOCKS[block.generated as string];
      expect(generate, `no generator named ${block.generated}`).to.be.a('function');
      expect(block.body.join('\n')).to.equal((await (generate as () => Promise<string>)()).trimEnd());
    });
  }
});
