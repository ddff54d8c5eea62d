import { expect } from 'chai';
import { attached } from '../../src/util/attached.js';

describe('attached: a hidden record on an object', () => {
  it('is read back, replaced, and invisible to JSON, spread, keys and deep equality', () => {
    const note = attached<{ n: number }>('note');
    const o = { a: 1 };
    expect(note.get(o)).to.equal(undefined);
    note.set(o, { n: 1 });
    note.set(o, { n: 2 });
    expect(note.get(o)).to.deep.equal({ n: 2 });
    expect(JSON.stringify(o)).to.equal('{"a":1}');
    expect(Object.keys(o)).to.deep.equal(['a']);
    expect(note.get({ ...o })).to.equal(undefined);
    expect(o).to.deep.equal({ a: 1 });
  });

  it('keeps two records of one name apart', () => {
    const first = attached<string>('same');
    const second = attached<string>('same');
    const o = {};
    first.set(o, 'first');
    expect(second.get(o)).to.equal(undefined);
  });
});
