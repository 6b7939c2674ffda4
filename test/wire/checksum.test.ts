import fc from 'fast-check';
import {
  checksumAdjust,
  internetChecksum,
  onesComplementSum,
  pseudoHeaderSum,
  setChecksumAccelerator,
  softwareOnesComplementSum,
} from '../../src/net/wire/checksum.js';
import { parseIpv4 } from '../../src/net/wire/ipv4.js';
import { hex, referenceSum } from './helpers.js';

afterEach(() => setChecksumAccelerator(undefined));

describe('onesComplementSum / internetChecksum', () => {
  test('RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2', () => {
    const b = hex('00 01 f2 03 f4 f5 f6 f7');
    expect(onesComplementSum(b, 0, b.length)).toBe(0xddf2);
    expect(internetChecksum(b, 0, b.length)).toBe(0x220d);
  });

  test('start and end select a range of a larger buffer', () => {
    const b = hex('ff ff 00 01 f2 03 f4 f5 f6 f7 ff ff');
    expect(onesComplementSum(b, 2, 10)).toBe(0xddf2);
  });

  test('an odd length pads the last byte with a zero low byte', () => {
    expect(onesComplementSum(hex('12'), 0, 1)).toBe(0x1200);
    // 0x1234 + 0x5600 = 0x6834
    expect(onesComplementSum(hex('12 34 56'), 0, 3)).toBe(0x6834);
    // An odd start: the words are 0x3456 and 0x7800.
    expect(onesComplementSum(hex('12 34 56 78'), 1, 4)).toBe(0x3456 + 0x7800);
  });

  test('initial is added with end-around carry', () => {
    const b = hex('00 01 f2 03 f4 f5 f6 f7');
    // 0xddf2 + 0x3000 = 0x10df2 -> 0x0df2 + 1
    expect(onesComplementSum(b, 0, b.length, 0x3000)).toBe(0x0df3);
  });

  test('empty and all-zero data sum to 0; the checksum of that is 0xffff', () => {
    expect(onesComplementSum(new Uint8Array(0), 0, 0)).toBe(0);
    expect(onesComplementSum(new Uint8Array(10), 0, 10)).toBe(0);
    expect(internetChecksum(new Uint8Array(10), 0, 10)).toBe(0xffff);
  });

  test('sums beyond 32 bits fold correctly', () => {
    // 150000 words of 0xfeff: raw sum 9.79e9 > 2^32. 0xfeff = -0x100 (mod 0xffff), and
    // -0x100 * 150000 = -38400000 = -62025 = 3510 = 0x0db6 (mod 0xffff).
    const b = new Uint8Array(300000);
    for (let i = 0; i < b.length; i += 2) {
      b[i] = 0xfe;
      b[i + 1] = 0xff;
    }
    expect(onesComplementSum(b, 0, b.length)).toBe(0x0db6);
    // 100000 words of 0x0101 (a multiple of 257 mod 0xffff = 255 * 257): 100000 mod 255 = 40,
    // 40 * 257 = 0x2828.
    const ones = new Uint8Array(200000).fill(1);
    expect(onesComplementSum(ones, 0, ones.length)).toBe(0x2828);
  });

  test('a captured IPv4 header verifies: checksum 0xb861 recomputed by hand', () => {
    // 4500+0073+0000+4000+4011+c0a8+0001+c0a8+00c7 = 0x2479c -> 0x479c + 2 = 0x479e; ~ = 0xb861
    const header = hex('45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7');
    expect(onesComplementSum(header, 0, 20)).toBe(0xffff);
    const zeroed = header.slice();
    zeroed[10] = 0;
    zeroed[11] = 0;
    expect(internetChecksum(zeroed, 0, 20)).toBe(0xb861);
  });

  test('matches the reference sum for random data, ranges and initial values', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 0x3ffff }),
        (b, a, c, initial) => {
          const start = b.length === 0 ? 0 : a % (b.length + 1);
          const end = start + (b.length - start === 0 ? 0 : c % (b.length - start + 1));
          const expected = referenceSum(b.subarray(start, end), initial);
          return onesComplementSum(b, start, end, initial) === expected
            && internetChecksum(b, start, end, initial) === (~expected & 0xffff);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('data with its checksum appended sums to 0xffff', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), (raw) => {
        const b = new Uint8Array(raw.length + (raw.length & 1) + 2);
        b.set(raw);
        const c = internetChecksum(b, 0, b.length - 2);
        b[b.length - 2] = c >> 8;
        b[b.length - 1] = c & 0xff;
        return onesComplementSum(b, 0, b.length) === 0xffff || raw.every((x) => x === 0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('pseudoHeaderSum', () => {
  test('198.18.0.1 -> 198.18.0.2, TCP, 40 bytes', () => {
    // c612+0001+c612+0002+0006+0028 = 0x18c55 -> 0x8c56
    expect(pseudoHeaderSum(0xc6120001, 0xc6120002, 6, 40)).toBe(0x8c56);
  });

  test('equals the sum of the 12 pseudo-header bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), (s, d, p, l) => {
        const bytes = [s >>> 24, (s >>> 16) & 255, (s >>> 8) & 255, s & 255, d >>> 24, (d >>> 16) & 255, (d >>> 8) & 255, d & 255, 0, p, l >> 8, l & 255];
        return pseudoHeaderSum(s, d, p, l) === referenceSum(bytes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('checksumAdjust (RFC 1624)', () => {
  test('RFC 1624 §4 example: m 0x5555 -> 0x3285 with other data summing to 0xcd7a', () => {
    // HC = ~(0xcd7a + 0x5555) = ~0x22d0 = 0xdd2f; HC' = ~(0x22d0 + 0xaaaa + 0x3285) = ~0xffff = 0
    expect(checksumAdjust(0xdd2f, 0x5555, 0x3285)).toBe(0x0000);
  });

  test('equals recomputation after random word changes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 2, maxLength: 80 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0xffff })), { minLength: 1, maxLength: 5 }),
        (raw, changes) => {
          const b = raw.subarray(0, raw.length & ~1);
          let checksum = internetChecksum(b, 0, b.length);
          for (const [where, newWord] of changes) {
            const at = (where % (b.length / 2)) * 2;
            const oldWord = (b[at] << 8) | b[at + 1];
            b[at] = newWord >> 8;
            b[at + 1] = newWord & 0xff;
            checksum = checksumAdjust(checksum, oldWord, newWord);
          }
          // Documented exception: all-zero data (the other one's-complement zero).
          fc.pre(b.some((x) => x !== 0));
          return checksum === internetChecksum(b, 0, b.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('adjusting a real header (TTL decrement) still verifies', () => {
    const header = hex('45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7');
    const oldWord = (header[8] << 8) | header[9];
    header[8] -= 1;
    const newWord = (header[8] << 8) | header[9];
    const c = checksumAdjust(0xb861, oldWord, newWord);
    // TTL is the high byte, so the checksum goes up by 0x0100.
    expect(c).toBe(0xb961);
    header[10] = c >> 8;
    header[11] = c & 0xff;
    expect(onesComplementSum(header, 0, 20)).toBe(0xffff);
  });

  test('the all-zero exception gives the other zero', () => {
    // Data 0x0001 has checksum 0xfffe; changing it to 0x0000 gives 0x0000 by eqn. 3, 0xffff by recomputation.
    expect(checksumAdjust(0xfffe, 0x0001, 0x0000)).toBe(0x0000);
    expect(internetChecksum(new Uint8Array(2), 0, 2)).toBe(0xffff);
  });
});

describe('setChecksumAccelerator', () => {
  test('onesComplementSum delegates to the accelerator with its arguments', () => {
    const calls: Array<[number, number, number]> = [];
    setChecksumAccelerator((buf, start, end, initial) => {
      calls.push([start, end, initial]);
      return softwareOnesComplementSum(buf, start, end, initial);
    });
    const b = hex('00 01 f2 03 f4 f5 f6 f7');
    expect(onesComplementSum(b, 2, 6, 7)).toBe(softwareOnesComplementSum(b, 2, 6, 7));
    expect(calls).toEqual([[2, 6, 7]]);
  });

  test('parsers go through the accelerator, and removing it restores the JS loop', () => {
    // A 20-byte datagram (total length 0x14); the checksum is filled by the reference sum.
    const header = hex('45 00 00 14 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7');
    const c = ~referenceSum(header) & 0xffff;
    header[10] = c >> 8;
    header[11] = c & 0xff;
    expect(typeof parseIpv4(header)).toBe('object');
    // A wrong accelerator makes a good header fail: proof that it is the one in use.
    setChecksumAccelerator(() => 0x1234);
    expect(parseIpv4(header)).toBe('ipv4-bad-checksum');
    setChecksumAccelerator(undefined);
    expect(typeof parseIpv4(header)).toBe('object');
  });
});
