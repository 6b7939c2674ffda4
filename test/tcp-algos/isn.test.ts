import fc from 'fast-check';
import { IsnGenerator, siphash24 } from '../../src/net/tcp/isn.js';
import { SeededRandom } from '../../src/host/random.js';

/** Key 00 01 .. 0f as the four little-endian words siphash24 takes. */
const REFERENCE_KEY = new Uint32Array([0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c]);

/**
 * SipHash-2-4 outputs for key 00..0f and messages 00, 00 01, .., 00..3e (lengths 0..63),
 * as published with the reference implementation (vectors.h in veorq/SipHash; the same
 * table appears in ccan, Zig's std and Bitcoin Core's tests). Entry 15 is the paper's
 * Appendix A example (a129ca6149be45e5).
 */
const REFERENCE_VECTORS = [
  '726fdb47dd0e0e31', '74f839c593dc67fd', '0d6c8009d9a94f5a', '85676696d7fb7e2d',
  'cf2794e0277187b7', '18765564cd99a68d', 'cbc9466e58fee3ce', 'ab0200f58b01d137',
  '93f5f5799a932462', '9e0082df0ba9e4b0', '7a5dbbc594ddb9f3', 'f4b32f46226bada7',
  '751e8fbc860ee5fb', '14ea5627c0843d90', 'f723ca908e7af2ee', 'a129ca6149be45e5',
  '3f2acc7f57c29bdb', '699ae9f52cbe4794', '4bc1b3f0968dd39c', 'bb6dc91da77961bd',
  'bed65cf21aa2ee98', 'd0f2cbb02e3b67c7', '93536795e3a33e88', 'a80c038ccd5ccec8',
  'b8ad50c6f649af94', 'bce192de8a85b8ea', '17d835b85bbb15f3', '2f2e6163076bcfad',
  'de4daaaca71dc9a5', 'a6a2506687956571', 'ad87a3535c49ef28', '32d892fad841c342',
  '7127512f72f27cce', 'a7f32346f95978e3', '12e0b01abb051238', '15e034d40fa197ae',
  '314dffbe0815a3b4', '027990f029623981', 'cadcd4e59ef40c4d', '9abfd8766a33735c',
  '0e3ea96b5304a7d0', 'ad0c42d6fc585992', '187306c89bc215a9', 'd4a60abcf3792b95',
  'f935451de4f21df2', 'a9538f0419755787', 'db9acddff56ca510', 'd06c98cd5c0975eb',
  'e612a3cb9ecba951', 'c766e62cfcadaf96', 'ee64435a9752fe72', 'a192d576b245165a',
  '0a8787bf8ecb74b2', '81b3e73d20b49b6f', '7fa8220ba3b2ecea', '245731c13ca42499',
  'b78dbfaf3a8d83bd', 'ea1ad565322a1a0b', '60e61c23a3795013', '6606d7e446282b93',
  '6ca4ecb15c5f91e1', '9f626da15c9625f3', 'e51b38608ef25f57', '958a324ceb064572',
];

function hex64([lo, hi]: [number, number]): string {
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

function counting(n: number): Uint8Array {
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = i;
  return m;
}

/** An independent SipHash-2-4 on BigInt, written straight from the paper, as an oracle. */
function sipHashBigInt(key: Uint32Array, msg: Uint8Array): bigint {
  const mask = (1n << 64n) - 1n;
  const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & mask;
  const k0 = BigInt(key[0]!) | (BigInt(key[1]!) << 32n);
  const k1 = BigInt(key[2]!) | (BigInt(key[3]!) << 32n);
  let v0 = k0 ^ 0x736f6d6570736575n, v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n, v3 = k1 ^ 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & mask; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & mask; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & mask; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & mask; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  const words = Math.floor(msg.length / 8) + 1;
  for (let w = 0; w < words; w++) {
    let m = 0n;
    for (let b = 0; b < 8; b++) {
      const i = w * 8 + b;
      if (i < msg.length) m |= BigInt(msg[i]!) << BigInt(8 * b);
    }
    if (w === words - 1) m |= BigInt(msg.length & 0xff) << 56n;
    v3 ^= m; round(); round(); v0 ^= m;
  }
  v2 ^= 0xffn;
  round(); round(); round(); round();
  return v0 ^ v1 ^ v2 ^ v3;
}

describe('siphash24', () => {
  test('the paper example: key 00..0f, message 00..0e -> a129ca6149be45e5', () => {
    expect(hex64(siphash24(REFERENCE_KEY, counting(15)))).toBe('a129ca6149be45e5');
  });

  test.each(REFERENCE_VECTORS.map((v, i) => [i, v] as const))('reference vector, %i-byte message', (len, expected) => {
    expect(hex64(siphash24(REFERENCE_KEY, counting(len)))).toBe(expected);
  });

  test('property: agrees with a BigInt implementation for random keys and messages', () => {
    fc.assert(fc.property(
      fc.array(fc.nat({ max: 0xffffffff }), { minLength: 4, maxLength: 4 }),
      fc.uint8Array({ maxLength: 300 }),
      (k, msg) => {
        const key = new Uint32Array(k);
        const [lo, hi] = siphash24(key, msg);
        const expected = sipHashBigInt(key, msg);
        expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(expected);
      },
    ), { numRuns: 300 });
  });

  test('the oracle itself reproduces the paper example', () => {
    expect(sipHashBigInt(REFERENCE_KEY, counting(15)).toString(16)).toBe('a129ca6149be45e5');
  });

  test('message lengths above 255 wrap the length byte (b = |m| mod 256)', () => {
    const m = counting(256 + 7);
    expect(hex64(siphash24(REFERENCE_KEY, m))).toBe(sipHashBigInt(REFERENCE_KEY, m).toString(16).padStart(16, '0'));
  });

  test('results are u32 halves', () => {
    const [lo, hi] = siphash24(new Uint32Array([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]), counting(33));
    expect(lo >>> 0).toBe(lo);
    expect(hi >>> 0).toBe(hi);
  });
});

describe('IsnGenerator (RFC 6528)', () => {
  /** The secret a generator seeded like SeededRandom(seed) draws: its first four words. */
  function secretFor(seed: number): Uint32Array {
    const r = new SeededRandom(seed);
    return new Uint32Array([r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()]);
  }

  test('ISN = now*250 + low word of SipHash(secret, localip|localport|remoteip|remoteport)', () => {
    let now = 123456;
    const gen = new IsnGenerator(new SeededRandom(42), () => now);
    // 198.18.0.1:80 <- 198.18.0.2:40000, network byte order.
    const tuple = new Uint8Array([198, 18, 0, 1, 0, 80, 198, 18, 0, 2, 0x9c, 0x40]);
    const [f] = siphash24(secretFor(42), tuple);
    const isn = gen.next(0xc6120001, 80, 0xc6120002, 40000);
    expect(isn).toBe((123456 * 250 + f) >>> 0);
    now += 1;
    expect(gen.next(0xc6120001, 80, 0xc6120002, 40000)).toBe((isn + 250) >>> 0);
  });

  test('M is a 4 µs clock: 4 ms later the ISN has grown by exactly 1000 (mod 2^32)', () => {
    let now = 0;
    const gen = new IsnGenerator(new SeededRandom(7), () => now);
    const a = gen.next(0x0a000001, 1234, 0x0a000002, 80);
    now = 4;
    const b = gen.next(0x0a000001, 1234, 0x0a000002, 80);
    expect((b - a) >>> 0).toBe(1000);
  });

  test('the clock part wraps modulo 2^32 for large times', () => {
    const now = 20_000_000_000; // ~231 days in ms: now*250 > 2^32
    const gen = new IsnGenerator(new SeededRandom(9), () => now);
    const tuple = new Uint8Array([10, 0, 0, 1, 0, 7, 10, 0, 0, 2, 0, 9]);
    const [f] = siphash24(secretFor(9), tuple);
    const isn = gen.next(0x0a000001, 7, 0x0a000002, 9);
    expect(isn).toBe(Number((BigInt(now) * 250n + BigInt(f)) % (1n << 32n)));
    expect(isn >>> 0).toBe(isn);
  });

  test('a different 4-tuple or a different secret gives an unrelated ISN', () => {
    const gen = new IsnGenerator(new SeededRandom(1), () => 1000);
    const base = gen.next(0x0a000001, 80, 0x0a000002, 5000);
    expect(gen.next(0x0a000001, 80, 0x0a000002, 5001)).not.toBe(base);
    expect(gen.next(0x0a000001, 80, 0x0a000003, 5000)).not.toBe(base);
    expect(gen.next(0x0a000002, 5000, 0x0a000001, 80)).not.toBe(base); // reversed direction
    const other = new IsnGenerator(new SeededRandom(2), () => 1000);
    expect(other.next(0x0a000001, 80, 0x0a000002, 5000)).not.toBe(base);
  });

  test('the secret is drawn from the random source exactly once, at construction', () => {
    let draws = 0;
    const src = { nextU32: () => { draws++; return 0x01020304 * draws; } };
    const gen = new IsnGenerator(src, () => 0);
    expect(draws).toBe(4);
    gen.next(1, 2, 3, 4);
    gen.next(1, 2, 3, 4);
    expect(draws).toBe(4);
  });

  test('addresses as bytes: 4-byte IPv4 equals the u32 form; IPv6 16-byte addresses work', () => {
    const gen = new IsnGenerator(new SeededRandom(3), () => 50);
    expect(gen.next(new Uint8Array([192, 168, 1, 2]), 80, new Uint8Array([192, 168, 1, 3]), 81))
      .toBe(gen.next(0xc0a80102, 80, 0xc0a80103, 81));
    const a6 = new Uint8Array(16); a6[0] = 0xfe; a6[1] = 0x80; a6[15] = 1;
    const b6 = new Uint8Array(16); b6[0] = 0xfe; b6[1] = 0x80; b6[15] = 2;
    const tuple = new Uint8Array(36);
    tuple.set(a6, 0); tuple[16] = 0; tuple[17] = 80; tuple.set(b6, 18); tuple[34] = 0x13; tuple[35] = 0x88;
    const [f] = siphash24(secretFor(3), tuple);
    expect(gen.next(a6, 80, b6, 5000)).toBe((50 * 250 + f) >>> 0);
  });

  test('property: always a u32', () => {
    const gen = new IsnGenerator(new SeededRandom(11), () => 987654321.5);
    fc.assert(fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffff }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffff }),
      (la, lp, ra, rp) => {
        const isn = gen.next(la, lp, ra, rp);
        expect(Number.isInteger(isn) && isn >= 0 && isn <= 0xffffffff).toBe(true);
      }), { numRuns: 200 });
  });
});
