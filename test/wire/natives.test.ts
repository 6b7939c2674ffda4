/**
 * The seam for native byte helpers (src/net/wire/natives.ts) and the JavaScript
 * fallbacks behind it: copyBytes clamps like the C, copyAndSum copies and sums in one
 * call, emitTcp gives the same segment whichever path it takes, and installing takes
 * only the names a runtime knows.
 */
import { copyBytes, softwareCopyBytes } from '../../src/net/wire/bytes.js';
import { copyAndSum, onesComplementSum, softwareOnesComplementSum } from '../../src/net/wire/checksum.js';
import { installByteNatives, NATIVE_CHECKSUM, NATIVE_COPY, NATIVE_COPY_CHECKSUM, removeByteNatives } from '../../src/net/wire/natives.js';
import { emitTcp, parseTcp, TCP_ACK } from '../../src/net/wire/tcp.js';

afterEach(() => removeByteNatives());

describe('copyBytes (JavaScript)', () => {
  it('copies a range, clamped to both arrays, and returns the count', () => {
    const src = new Uint8Array([1, 2, 3, 4, 5]);
    const dst = new Uint8Array(6);
    expect(copyBytes(dst, 1, src, 1, 4)).toBe(3);
    expect(copyBytes(dst, 4, src, 0, 5)).toBe(2);
    expect(copyBytes(dst, 9, src, 0, 5)).toBe(0);
    expect(copyBytes(dst, 0, src, 3, 2)).toBe(0);
    expect(copyBytes(dst, -3, src, -1, 1)).toBe(1);
    expect(Array.from(dst)).toEqual([1, 2, 3, 4, 1, 2]);
  });

  it('handles overlap in one buffer like a memmove', () => {
    const b = new Uint8Array([1, 2, 3, 4, 5, 6]);
    copyBytes(b, 2, b, 0, 4);
    expect(Array.from(b)).toEqual([1, 2, 1, 2, 3, 4]);
  });
});

describe('copyAndSum', () => {
  it('copies and returns the sum of the copied bytes plus initial', () => {
    const src = new Uint8Array(301).map((_, i) => (i * 37) & 0xff);
    const dst = new Uint8Array(400);
    const sum = copyAndSum(dst, 10, src, 0, src.length, 0x1234);
    expect(Array.from(dst.subarray(10, 311))).toEqual(Array.from(src));
    expect(sum).toBe(softwareOnesComplementSum(src, 0, src.length, 0x1234));
  });
});

describe('installByteNatives', () => {
  it('installs what the lookup knows and keeps JavaScript for the rest', () => {
    const calls: string[] = [];
    const known: Record<string, unknown> = {
      [NATIVE_CHECKSUM]: (b: Uint8Array, s: number, e: number, i: number) => (calls.push('sum'), softwareOnesComplementSum(b, s, e, i)),
      [NATIVE_COPY]: (d: Uint8Array, a: number, s: Uint8Array, b: number, e: number) => (calls.push('copy'), softwareCopyBytes(d, a, s, b, e)),
    };
    expect(installByteNatives((name) => {
      if (name === NATIVE_COPY_CHECKSUM) throw new TypeError('native: no host function');
      return known[name];
    })).toBe(2);
    onesComplementSum(new Uint8Array(4), 0, 4);
    copyBytes(new Uint8Array(4), 0, new Uint8Array(2), 0, 2);
    // copy-and-sum falls back to the two installed helpers.
    copyAndSum(new Uint8Array(4), 0, new Uint8Array(2), 0, 2);
    expect(calls).toEqual(['sum', 'copy', 'copy', 'sum']);
    removeByteNatives();
    onesComplementSum(new Uint8Array(4), 0, 4);
    expect(calls.length).toBe(4);
  });

  it('emitTcp writes the same bytes with a copy-and-sum native as without', () => {
    const payload = new Uint8Array(1460).map((_, i) => (i * 7 + 3) & 0xff);
    const fields = { srcPort: 80, dstPort: 4000, seq: 9, ack: 11, flags: TCP_ACK, window: 1000, urgent: 0, options: { mss: 1460 } };
    const plain = new Uint8Array(1600);
    const n = emitTcp(fields, payload, 0xc6120001, 0xc6120002, plain, 34);
    let used = 0;
    installByteNatives((name) => (name === NATIVE_COPY_CHECKSUM
      ? (d: Uint8Array, a: number, s: Uint8Array, b: number, e: number, i: number) => {
          used++;
          const count = softwareCopyBytes(d, a, s, b, e);
          return softwareOnesComplementSum(d, a, a + count, i);
        }
      : undefined));
    const fast = new Uint8Array(1600);
    expect(emitTcp(fields, payload, 0xc6120001, 0xc6120002, fast, 34)).toBe(n);
    expect(used).toBe(1);
    expect(Array.from(fast)).toEqual(Array.from(plain));
    expect(typeof parseTcp(fast.subarray(34, 34 + n), 0xc6120001, 0xc6120002)).toBe('object');
  });
});
