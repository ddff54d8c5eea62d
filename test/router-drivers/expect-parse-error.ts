import { expect } from 'chai';
import { RouterOutputParseError } from '../../src/router-drivers/errors.js';

/**
 * Runs `parse`, which must throw a RouterOutputParseError at line `line` (and, when given, with
 * that line's text), and returns the error for further checks.
 */
export function expectParseError(
  parse: () => unknown,
  line: number,
  lineText?: string,
): RouterOutputParseError {
  let thrown: unknown;
  try {
    parse();
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) throw new Error('expected a RouterOutputParseError');
  expect(thrown).to.be.instanceOf(RouterOutputParseError);
  const e = thrown as RouterOutputParseError;
  expect(e.lineNumber).to.equal(line);
  if (lineText !== undefined) expect(e.lineText).to.equal(lineText);
  return e;
}
