import { expect } from 'chai';
import fc from 'fast-check';
import { lineDiff, sameReport } from '../../src/app/check/line-diff.js';

const labels = { expected: 'golden', actual: 'report' };

/** Rebuilds both sides from a diff body: the diff must account for every line. */
function sides(diff: string): { expected: string[]; actual: string[] } {
  const body = diff.split('\n').slice(3, -1);
  return {
    expected: body.filter((l) => !l.startsWith('+')).map((l) => l.slice(1)),
    actual: body.filter((l) => !l.startsWith('-')).map((l) => l.slice(1)),
  };
}

describe('lineDiff', () => {
  it('is empty for equal texts and marks a changed line with context', () => {
    expect(lineDiff('a\nb\n', 'a\nb\n', labels)).to.equal('');
    expect(lineDiff('a\nb\nc\nd\n', 'a\nB\nc\nd\n', labels)).to.equal(
      ['--- golden', '+++ report', '@@ -2,1 +2,1 @@', ' a', '-b', '+B', ' c', ' d', ''].join('\n'),
    );
  });

  it('turns the expected text into the actual one, for any two texts', () => {
    const line = fc.constantFrom('x', 'y', 'z', 'w');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.array(line, { maxLength: 12 }), (a, b) => {
        const diff = lineDiff(a.map((l) => `${l}\n`).join(''), b.map((l) => `${l}\n`).join(''), labels);
        if (a.join() === b.join()) {
          expect(diff).to.equal('');
          return;
        }
        const hunk = /^@@ -(\d+),\d+ \+\d+,\d+ @@$/m.exec(diff);
        const start = Number(hunk?.[1]) - 1;
        const s = sides(diff);
        // The hunk starts up to two context lines before the first difference; replacing the
        // expected side of the hunk by its actual side in `a` gives `b`.
        const from = Math.max(0, start - 2);
        const patched = [...a.slice(0, from), ...s.actual, ...a.slice(from + s.expected.length)];
        expect(a.slice(from, from + s.expected.length)).to.deep.equal(s.expected);
        expect(patched).to.deep.equal(b);
      }),
    );
  });

  it('treats CRLF and a missing final newline as the same report', () => {
    expect(sameReport('a\r\nb\r\n', 'a\nb')).to.equal(true);
    expect(sameReport('a\nb\n', 'a\nb \n')).to.equal(false);
  });
});
