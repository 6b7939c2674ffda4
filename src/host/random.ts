/** A source of random numbers: the host's CSPRNG on a board or PC, a seeded one in tests. */
export interface RandomSource {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number;
}

/**
 * xorshift32: a small deterministic generator for simulations and tests (never for
 * secrets on a real network).
 */
export class SeededRandom implements RandomSource {
  private state: number;
  constructor(seed: number) {
    this.state = (seed >>> 0) || 0x9e3779b9;
  }
  nextU32(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  /** A float in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 0x100000000;
  }
}
