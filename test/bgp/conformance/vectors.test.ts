import { expect } from 'chai';
import { targetFor } from './decisions.js';
import { fieldDifferences } from './fields.js';
import { loadVectors, meets, runVector, vectorContext } from './vectors.js';

const VECTORS = loadVectors();

describe('BGP conformance vectors (GoBGP, FRR, ExaBGP; fixtures/bgp-vectors)', () => {
  it('has every vector once', () => {
    expect(VECTORS.length).to.equal(410);
    expect(new Set(VECTORS.map((v) => v.id)).size).to.equal(VECTORS.length);
  });

  for (const v of VECTORS) {
    it(v.id, () => {
      const { outcome: target, fields } = targetFor(v);
      const o = runVector(v);
      const got = `${o.action}${o.code === undefined ? '' : ` ${o.code}/${o.subcode}`}`;
      const want = `${target.expect}${target.code === undefined ? '' : ` ${target.code}/${target.subcode ?? '*'}`}`;
      expect(
        meets(o, target),
        `got ${got} (${o.error?.message ?? 'no error'}), want ${want} [${target.clause}]`,
      ).to.equal(true);
      if (o.action !== 'session-reset' && o.action !== 'treat-as-withdraw' && fields) {
        expect(
          fieldDifferences(o.messages, fields, vectorContext(v), Buffer.from(v.hex, 'hex')),
        ).to.deep.equal([]);
      }
    });
  }
});
