/**
 * The stack's RandomSource on Moddable: Math.random, which XS draws from the platform's
 * c_rand — the hardware RNG (esp_random) on ESP32, libc rand() in the Linux simulator
 * (adequate there: the simulator is for development, not for a hostile network).
 * c_rand gives 31 bits, so a 32-bit value takes two 16-bit draws.
 */
import type { RandomSource } from 'xstcp/host/random';

export class ModdableRandom implements RandomSource {
  nextU32(): number {
    const high = Math.floor(Math.random() * 0x10000);
    const low = Math.floor(Math.random() * 0x10000);
    return ((high << 16) | low) >>> 0;
  }
}
