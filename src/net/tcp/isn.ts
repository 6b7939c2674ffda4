/**
 * Initial sequence numbers per RFC 6528 §3: ISN = M + F(localip, localport, remoteip,
 * remoteport, secretkey), where M is a timer ticking every 4 µs and F is a keyed hash.
 * F is SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input PRF", 2012),
 * written here with 32-bit halves so that it needs neither BigInt nor a crypto library
 * and runs the same on V8 and XS. The 128-bit key comes from the host's random source.
 */
import type { RandomSource } from '../../host/random.js';

/*
 * SipHash state: four 64-bit words v0..v3, each as (lo, hi) u32 halves in one typed
 * array, so arithmetic wraps to 32 bits by itself and nothing is allocated per call.
 */
const V0L = 0, V0H = 1, V1L = 2, V1H = 3, V2L = 4, V2H = 5, V3L = 6, V3H = 7;
const state = new Uint32Array(8);

/** v[a] += v[b] modulo 2^64. */
function add64(a: number, b: number): void {
  const lo = state[a]! + state[b]!;
  state[a + 1] = state[a + 1]! + state[b + 1]! + (lo > 0xffffffff ? 1 : 0);
  state[a] = lo;
}

/** v[a] ^= v[b]. */
function xor64(a: number, b: number): void {
  state[a] = state[a]! ^ state[b]!;
  state[a + 1] = state[a + 1]! ^ state[b + 1]!;
}

/** v[a] = rotl(v[a], r) for 0 < r < 32. */
function rotl64(a: number, r: number): void {
  const lo = state[a]!;
  const hi = state[a + 1]!;
  state[a] = (lo << r) | (hi >>> (32 - r));
  state[a + 1] = (hi << r) | (lo >>> (32 - r));
}

/** v[a] = rotl(v[a], 32): swap the halves. */
function swap64(a: number): void {
  const lo = state[a]!;
  state[a] = state[a + 1]!;
  state[a + 1] = lo;
}

/** One SipRound (paper §2, Fig. 2.1): rotations 13, 16, 32, 21, 17, 32. */
function sipRound(): void {
  add64(V0L, V1L); rotl64(V1L, 13); xor64(V1L, V0L); swap64(V0L);
  add64(V2L, V3L); rotl64(V3L, 16); xor64(V3L, V2L);
  add64(V0L, V3L); rotl64(V3L, 21); xor64(V3L, V0L);
  add64(V2L, V1L); rotl64(V1L, 17); xor64(V1L, V2L); swap64(V2L);
}

/** Absorbs the 64-bit message word (lo, hi): v3 ^= m; c = 2 rounds; v0 ^= m. */
function compress(lo: number, hi: number): void {
  state[V3L] = state[V3L]! ^ lo;
  state[V3H] = state[V3H]! ^ hi;
  sipRound();
  sipRound();
  state[V0L] = state[V0L]! ^ lo;
  state[V0H] = state[V0H]! ^ hi;
}

/** Little-endian u32 from up to 4 bytes of msg starting at i (bytes past `end` read as 0). */
function readLe32(msg: Uint8Array, i: number, end: number): number {
  let word = 0;
  for (let k = 3; k >= 0; k--) {
    word = (word << 8) | (i + k < end ? msg[i + k]! : 0);
  }
  return word >>> 0;
}

/** Runs SipHash-2-4 over msg[0, length); the result is in out[0] (lo), out[1] (hi). Allocates nothing. */
export function sipHashInto(key: ArrayLike<number>, msg: Uint8Array, length: number, out: Uint32Array): void {
  const k0l = (key[0] ?? 0) >>> 0, k0h = (key[1] ?? 0) >>> 0;
  const k1l = (key[2] ?? 0) >>> 0, k1h = (key[3] ?? 0) >>> 0;
  // Initialisation constants: "somepseudorandomlygeneratedbytes" as four 64-bit words.
  state[V0L] = k0l ^ 0x70736575; state[V0H] = k0h ^ 0x736f6d65;
  state[V1L] = k1l ^ 0x6e646f6d; state[V1H] = k1h ^ 0x646f7261;
  state[V2L] = k0l ^ 0x6e657261; state[V2H] = k0h ^ 0x6c796765;
  state[V3L] = k1l ^ 0x79746573; state[V3H] = k1h ^ 0x74656462;

  const fullWordsEnd = length - (length % 8);
  for (let i = 0; i < fullWordsEnd; i += 8) {
    compress(readLe32(msg, i, length), readLe32(msg, i + 4, length));
  }
  // Last word: the remaining 0..7 bytes, zero padded, with length mod 256 in the top byte.
  const lastLo = readLe32(msg, fullWordsEnd, length);
  const lastHi = (readLe32(msg, fullWordsEnd + 4, length) | ((length & 0xff) << 24)) >>> 0;
  compress(lastLo, lastHi);

  // Finalisation: v2 ^= 0xff; d = 4 rounds; result v0 ^ v1 ^ v2 ^ v3.
  state[V2L] = state[V2L]! ^ 0xff;
  sipRound();
  sipRound();
  sipRound();
  sipRound();
  out[0] = state[V0L]! ^ state[V1L]! ^ state[V2L]! ^ state[V3L]!;
  out[1] = state[V0H]! ^ state[V1H]! ^ state[V2H]! ^ state[V3H]!;
}

/**
 * SipHash-2-4 of `msg` under a 128-bit key. The key's 16 bytes k[0..15] are given as four
 * little-endian u32 words: key[0] = k[0..3], key[1] = k[4..7], key[2] = k[8..11],
 * key[3] = k[12..15] (so key 00 01 .. 0f is [0x03020100, 0x07060504, 0x0b0a0908,
 * 0x0f0e0d0c]). Returns the 64-bit result as [low u32, high u32]; the paper's byte
 * string output is the result's 8 bytes little-endian.
 */
export function siphash24(key: Uint32Array, msg: Uint8Array): [number, number] {
  const out = new Uint32Array(2);
  sipHashInto(key, msg, msg.length, out);
  return [out[0]!, out[1]!];
}

/** An address as a u32 (IPv4) or as its bytes (4 for IPv4, 16 for IPv6). */
export type IsnAddress = number | Uint8Array;

/** Largest tuple: two 16-byte addresses and two ports. */
const TUPLE_MAX_BYTES = 36;

/**
 * RFC 6528 ISN generator. One per stack: the secret is drawn once, at construction,
 * from the host's random source (a CSPRNG on real hardware).
 */
export class IsnGenerator {
  private readonly secret = new Uint32Array(4);
  private readonly tuple = new Uint8Array(TUPLE_MAX_BYTES);
  private readonly hash = new Uint32Array(2);

  /** `now` returns milliseconds on the stack's clock. */
  constructor(random: RandomSource, private readonly now: () => number) {
    for (let i = 0; i < 4; i++) this.secret[i] = random.nextU32() >>> 0;
  }

  /**
   * The ISN for a new connection on this 4-tuple (addresses as u32 for IPv4 or as bytes;
   * ports as numbers). ISN = (M + low 32 bits of SipHash-2-4(secret, tuple)) mod 2^32,
   * with M = now_ms × 250, the 4 µs clock of RFC 6528 §3 (and of RFC 9293 §3.4.1).
   */
  next(localAddr: IsnAddress, localPort: number, remoteAddr: IsnAddress, remotePort: number): number {
    let n = this.putAddress(localAddr, 0);
    n = this.putPort(localPort, n);
    n = this.putAddress(remoteAddr, n);
    n = this.putPort(remotePort, n);
    sipHashInto(this.secret, this.tuple, n, this.hash);
    const nowMs = this.now();
    const ticks = Number.isFinite(nowMs) ? Math.floor(nowMs * 250) % 0x100000000 : 0;
    return (ticks + this.hash[0]!) >>> 0;
  }

  private putAddress(addr: IsnAddress, at: number): number {
    const t = this.tuple;
    if (typeof addr === 'number') {
      t[at] = addr >>> 24; t[at + 1] = addr >>> 16; t[at + 2] = addr >>> 8; t[at + 3] = addr;
      return at + 4;
    }
    const len = Math.min(addr.length, 16);
    for (let i = 0; i < len; i++) t[at + i] = addr[i]!;
    return at + len;
  }

  private putPort(port: number, at: number): number {
    this.tuple[at] = port >>> 8;
    this.tuple[at + 1] = port;
    return at + 2;
  }
}
