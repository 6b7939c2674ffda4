/** The kernel's CSPRNG (getrandom) as the stack's RandomSource on the XS host. */
import type { RandomSource } from '../../../src/host/random.js';

export class XsRandom implements RandomSource {
  nextU32(): number {
    return xsHost.randomU32() >>> 0;
  }
}
