import { expect } from 'chai';
import { objectId } from '../../src/util/object-ids.js';

describe('objectId', () => {
  it('gives an object the same id on every ask and different objects different ids', () => {
    const a = {};
    const b = {};
    expect(objectId(a)).to.equal(objectId(a));
    expect(objectId(a)).to.not.equal(objectId(b));
    expect(objectId([])).to.not.equal(objectId([]));
  });
});
