/** CryptoRandom: the OS CSPRNG fetched in batches. */
import { CryptoRandom, DEFAULT_RANDOM_BATCH_WORDS } from '../../hosts/node/random.js';

describe('CryptoRandom', () => {
  it('hands out the filled bytes as 32-bit words in memory order, one fill per batch', () => {
    let fills = 0;
    const random = new CryptoRandom(2, (bytes) => {
      expect(bytes.length).toBe(8);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (fills * 8 + i) & 0xff;
      fills++;
    });
    expect(fills).toBe(0); // nothing fetched before the first use
    // Bytes 00 01 02 03 read on a little-endian host (x86-64, arm64) as 0x03020100.
    expect(random.nextU32()).toBe(0x03020100);
    expect(random.nextU32()).toBe(0x07060504);
    expect(fills).toBe(1);
    expect(random.nextU32()).toBe(0x0b0a0908);
    expect(fills).toBe(2);
  });

  it('fetches 256 words at a time by default', () => {
    let fills = 0;
    const random = new CryptoRandom(undefined, () => void fills++);
    expect(DEFAULT_RANDOM_BATCH_WORDS).toBe(256);
    for (let i = 0; i < 513; i++) random.nextU32();
    expect(fills).toBe(3);
  });

  it('gives unsigned 32-bit integers with about half the bits set', () => {
    const random = new CryptoRandom();
    const seen = new Set<number>();
    let bits = 0;
    for (let i = 0; i < 1000; i++) {
      const n = random.nextU32();
      expect(Number.isInteger(n) && n >= 0 && n <= 0xffffffff).toBe(true);
      seen.add(n);
      for (let v = n; v !== 0; v >>>= 1) bits += v & 1;
    }
    // 1000 draws of 2^32 values: a repeat has probability ~1e-4.
    expect(seen.size).toBeGreaterThanOrEqual(999);
    // 32000 fair bits: mean 16000, standard deviation ~89.
    expect(Math.abs(bits - 16000)).toBeLessThan(800);
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => new CryptoRandom(0)).toThrow(RangeError);
    expect(() => new CryptoRandom(2.5)).toThrow(RangeError);
  });
});
