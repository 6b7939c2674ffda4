import { randomFillSync } from 'node:crypto';
import type { RandomSource } from '../../src/host/random.js';

/** Words fetched from the CSPRNG at a time. */
export const DEFAULT_RANDOM_BATCH_WORDS = 256;

/**
 * The operating system's CSPRNG as a RandomSource (initial sequence numbers, ephemeral
 * ports). Fetches a batch of words per call into the kernel and hands them out one by one.
 */
export class CryptoRandom implements RandomSource {
  private readonly words: Uint32Array;
  private readonly bytes: Uint8Array;
  private readonly fill: (bytes: Uint8Array) => void;
  private next: number;

  /** `fill` replaces the CSPRNG (tests); it must fill the whole array it is given. */
  constructor(batchWords = DEFAULT_RANDOM_BATCH_WORDS, fill: (bytes: Uint8Array) => void = (bytes) => randomFillSync(bytes)) {
    if (!(Number.isInteger(batchWords) && batchWords >= 1)) throw new RangeError(`CryptoRandom: batchWords must be an integer >= 1, got ${batchWords}`);
    this.words = new Uint32Array(batchWords);
    this.bytes = new Uint8Array(this.words.buffer);
    this.fill = fill;
    this.next = batchWords; // empty: the first call fills
  }

  nextU32(): number {
    if (this.next === this.words.length) {
      this.fill(this.bytes);
      this.next = 0;
    }
    return this.words[this.next++];
  }
}
