import { expect } from 'chai';
import {
  BgpEncodeError,
  BgpFramer,
  BgpWireError,
  decodeMessage,
  encodeMessage,
  type BgpMessage,
  type CodecContext,
} from '../../../src/bgp/wire/index.js';
import { captured, capturedNames, contextFor, senderContextFor } from './fixtures.js';

/**
 * The NOTIFICATION code/subcode each error cause must carry, written out from the RFCs (RFC 4271
 * §6.1-6.3, RFC 7606, RFC 4760 §7, RFC 7313 §5) independently of the codec's own table.
 */
const RFC: Record<string, [number, number]> = {
  'header-marker': [1, 1], // Connection Not Synchronized
  'header-length': [1, 2], // Bad Message Length
  'header-type': [1, 3], // Bad Message Type
  'open-malformed': [2, 0], // malformed recognised optional parameter: Unspecific
  'open-version': [2, 1], // Unsupported Version Number
  'open-bad-peer-as': [2, 2], // Bad Peer AS (RFC 7607 §2: AS 0)
  'open-bgp-identifier': [2, 3], // Bad BGP Identifier
  'open-unsupported-parameter': [2, 4], // Unsupported Optional Parameter
  'open-hold-time': [2, 6], // Unacceptable Hold Time
  'update-malformed-attribute-list': [3, 1],
  'update-unrecognized-well-known': [3, 2],
  'update-missing-well-known': [3, 3],
  'update-attribute-flags': [3, 4],
  'update-attribute-length': [3, 5],
  'update-invalid-origin': [3, 6],
  'update-invalid-next-hop': [3, 8],
  'update-optional-attribute': [3, 9],
  'update-invalid-network-field': [3, 10],
  'update-malformed-as-path': [3, 11],
  'route-refresh-length': [7, 1], // ROUTE-REFRESH Message Error / Invalid Message Length
};

/** Codes a message of each type may produce once its header is intact. */
const CODES_BY_TYPE: Record<number, number[]> = { 1: [1, 2], 2: [1, 3], 3: [1], 4: [1], 5: [1, 7] };

/** Deterministic PRNG (mulberry32) so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const setLength = (b: Buffer): Buffer => {
  if (b.length >= 18) b.writeUInt16BE(Math.min(b.length, 0xffff), 16);
  return b;
};

type Mutation = (b: Buffer, rnd: () => number) => Buffer;
const int = (rnd: () => number, n: number): number => Math.floor(rnd() * n);

const MUTATIONS: Record<string, Mutation> = {
  bitFlip: (b, rnd) => {
    const i = int(rnd, b.length);
    b[i] = (b[i] as number) ^ (1 << int(rnd, 8));
    return b;
  },
  bodyBitFlip: (b, rnd) => {
    if (b.length > 19) {
      const i = 19 + int(rnd, b.length - 19);
      b[i] = (b[i] as number) ^ (1 << int(rnd, 8));
    }
    return b;
  },
  truncate: (b, rnd) => b.subarray(0, int(rnd, b.length)),
  truncateFixLength: (b, rnd) =>
    setLength(Buffer.from(b.subarray(0, 19 + int(rnd, Math.max(1, b.length - 19))))),
  insertFixLength: (b, rnd) => {
    const at = 19 + int(rnd, Math.max(1, b.length - 18));
    const extra = Buffer.from(Array.from({ length: 1 + int(rnd, 8) }, () => int(rnd, 256)));
    return setLength(Buffer.concat([b.subarray(0, at), extra, b.subarray(at)]));
  },
  headerLength: (b, rnd) => {
    if (b.length >= 18) b.writeUInt16BE(int(rnd, 0x10000), 16);
    return b;
  },
  bodyField: (b, rnd) => {
    // Length-like fields: boundary values at a random body offset.
    if (b.length > 20) {
      const i = 19 + int(rnd, b.length - 20);
      const v = [0, 1, 0x7f, 0x80, 0xff, int(rnd, 256)][int(rnd, 6)] as number;
      b[i] = v;
      if (rnd() < 0.5) b[i + 1] = int(rnd, 256);
    }
    return b;
  },
  type: (b, rnd) => {
    if (b.length > 18) b[18] = int(rnd, 256);
    return b;
  },
};
const NAMES = Object.keys(MUTATIONS);

interface Outcome {
  decoded: number;
  errors: Map<string, number>;
}

/** A cheap assertion for the hot loop (chai per case would dominate the run time). */
function check(ok: boolean, where: string, what: () => string): void {
  if (!ok) throw new Error(`${where}: ${what()}`);
}

const ATTRIBUTE_DATA = new Set([
  'update-attribute-flags',
  'update-attribute-length',
  'update-invalid-origin',
  'update-invalid-next-hop',
  'update-unrecognized-well-known',
]);

/** Checks one error against the RFC table and against what the mutation touched. */
function checkError(e: BgpWireError, bytes: Buffer, where: string): void {
  const expected = RFC[e.reason];
  check(
    expected !== undefined && e.code === expected[0] && e.subcode === expected[1],
    where,
    () => `${e.reason} gave ${e.code}/${e.subcode}: ${e.message}`,
  );
  const markerOk = bytes.length >= 16 ? bytes.subarray(0, 16).every((x) => x === 0xff) : true;
  if (!markerOk) {
    check(e.reason === 'header-marker', where, () => `broken marker reported as ${e.reason}`);
    return;
  }
  const lengthField = bytes.length >= 18 ? bytes.readUInt16BE(16) : -1;
  check(
    lengthField === bytes.length || e.code === 1,
    where,
    () => `wrong length field reported as ${e.reason}`,
  );
  if (e.reason === 'header-length' && bytes.length >= 18) {
    check(e.data.equals(bytes.subarray(16, 18)), where, () => `1/2 data ${e.data.toString('hex')}`);
  }
  if (e.reason === 'header-type')
    check(e.data.length === 1 && e.data[0] === bytes[18], where, () => '1/3 data');
  if (e.reason === 'open-version') check(e.data.equals(Buffer.from([0, 4])), where, () => '2/1 data');
  if (e.reason === 'route-refresh-length') check(e.data.equals(bytes), where, () => '7/1 data');
  if (e.reason === 'update-missing-well-known')
    check([1, 2, 3, 5].includes(e.data[0] as number), where, () => '3/3 data');
  if (e.code !== 1) {
    const allowed = CODES_BY_TYPE[bytes[18] as number] ?? [];
    check(allowed.includes(e.code), where, () => `code ${e.code} for message type ${bytes[18]}`);
  }
  check(
    e.code === 3
      ? ['session-reset', 'treat-as-withdraw', 'attribute-discard'].includes(e.action)
      : e.action === 'session-reset',
    where,
    () => `action ${e.action}`,
  );
  if (e.action === 'treat-as-withdraw') check(Array.isArray(e.withdrawn), where, () => 'no withdrawn list');
  // Attribute-bearing data is a whole attribute cut from the message: flags, type, length, value.
  if (ATTRIBUTE_DATA.has(e.reason)) {
    const ext = ((e.data[0] as number) & 0x10) !== 0;
    const len = ext ? e.data.readUInt16BE(2) : (e.data[2] as number);
    check(
      e.data.length === len + (ext ? 4 : 3) && bytes.includes(e.data),
      where,
      () => `attribute data ${e.data.toString('hex')}`,
    );
  }
}

function fuzzOne(
  original: Buffer,
  ctx: CodecContext,
  tx: CodecContext,
  rnd: () => number,
  where: string,
  out: Outcome,
): void {
  let b: Buffer = Buffer.from(original);
  const steps = 1 + int(rnd, 3);
  const applied: string[] = [];
  for (let s = 0; s < steps; s++) {
    const name = NAMES[int(rnd, NAMES.length)] as string;
    applied.push(name);
    b = (MUTATIONS[name] as Mutation)(b, rnd);
  }
  const at = `${where} [${applied.join(',')}] ${b.toString('hex')}`;
  let m: BgpMessage;
  try {
    m = decodeMessage(b, ctx);
  } catch (e) {
    if (!(e instanceof BgpWireError)) throw new Error(`${at}: non-typed error ${String(e)}`, { cause: e });
    out.errors.set(e.reason, (out.errors.get(e.reason) ?? 0) + 1);
    checkError(e, b, at);
    return;
  }
  out.decoded++;
  if (m.type === 'update') for (const d of m.discarded ?? []) checkError(d, b, at);
  // What decodes must re-encode to a fixed point: bytes that decode to what encodes the same way
  // (or be refused as too big). Byte comparison keeps 100,000 cases fast.
  let again: Buffer;
  try {
    again = encodeMessage(m, tx);
  } catch (e) {
    if (e instanceof BgpEncodeError) return;
    throw e;
  }
  const twice = encodeMessage(decodeMessage(again, ctx), tx);
  check(
    twice.equals(again),
    at,
    () => `re-encoding is not stable: ${again.toString('hex')} then ${twice.toString('hex')}`,
  );
}

describe('bgp wire: fuzzing the captured messages', function () {
  this.timeout(60000);

  it('survives 100,000+ mutations with only typed errors whose code/subcode match the RFCs', () => {
    const seed = Number(process.env.BGP_FUZZ_SEED ?? Date.now() % 0x7fffffff);
    const rnd = prng(seed);
    const corpus = capturedNames().map((n) => ({
      n,
      b: captured(n),
      ctx: contextFor(n),
      tx: senderContextFor(n),
    }));
    const out: Outcome = { decoded: 0, errors: new Map() };
    const runs = 120000;
    for (let i = 0; i < runs; i++) {
      const c = corpus[i % corpus.length] as (typeof corpus)[number];
      fuzzOne(c.b, c.ctx, c.tx, rnd, `seed ${seed} case ${i} ${c.n}`, out);
    }
    // The mutations must reach the body checks too, not only the header ones.
    for (const reason of [
      'header-marker',
      'header-length',
      'header-type',
      'open-malformed',
      'open-version',
      'update-malformed-attribute-list',
      'update-attribute-flags',
      'update-attribute-length',
      'update-invalid-network-field',
      'update-malformed-as-path',
      'route-refresh-length',
      'update-missing-well-known',
      'update-optional-attribute',
      'update-unrecognized-well-known',
      'update-invalid-origin',
      'open-unsupported-parameter',
    ]) {
      expect(out.errors.get(reason) ?? 0, `seed ${seed}: no ${reason} seen`).to.be.greaterThan(0);
    }
    if (process.env.BGP_FUZZ_STATS)
      process.stderr.write(
        `${JSON.stringify({ seed, decoded: out.decoded, errors: Object.fromEntries(out.errors) })}\n`,
      );
    expect(out.decoded).to.be.greaterThan(1000);
  });

  it('frames mutated streams with only header errors', () => {
    const rnd = prng(7);
    const names = capturedNames();
    for (let i = 0; i < 2000; i++) {
      const framer = new BgpFramer();
      const parts = names.map((n) => {
        const b = Buffer.from(captured(n));
        return rnd() < 0.05 ? (MUTATIONS.bitFlip as Mutation)(b, rnd) : b;
      });
      const stream = Buffer.concat(parts);
      try {
        for (let off = 0; off < stream.length; off += 1 + int(rnd, 200))
          framer.push(stream.subarray(off, off + 1 + int(rnd, 200)));
      } catch (e) {
        expect(e).to.be.instanceOf(BgpWireError);
        expect((e as BgpWireError).code).to.equal(1);
      }
    }
  });
});
