import { expect } from 'chai';
import fc from 'fast-check';
import { parseUptime } from '../../src/router-drivers/uptime.js';

/** The HH:MM:SS rule as the regex states it, the reference for the digit-by-digit reading. */
function hmsReference(text: string): number | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mi < 60 && s < 60 ? h * 3600 + mi * 60 + s : undefined;
}

describe('uptime HH:MM:SS fast path', () => {
  it('reads 8-character texts exactly as the regex rule does', () => {
    const chars = fc.constantFrom('0', '1', '5', '9', ':', '6', 'a', ' ', '/', '٣');
    fc.assert(
      fc.property(fc.array(chars, { minLength: 8, maxLength: 8 }), (cs) => {
        // No d, h, w or 'never' among the characters: only the HH:MM:SS rule can apply.
        const text = cs.join('');
        expect(parseUptime(text)).to.equal(hmsReference(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('the corners', () => {
    expect(parseUptime('99:59:59')).to.equal(99 * 3600 + 59 * 60 + 59);
    expect(parseUptime('00:60:00')).to.equal(undefined);
    expect(parseUptime('00:00:60')).to.equal(undefined);
    expect(parseUptime('0:00:000')).to.equal(undefined);
  });
});
