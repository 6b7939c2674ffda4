/**
 * SYN cookies (RFC 4987 §3.6): when every socket of a listening port is busy, the SYN+ACK
 * is sent without keeping any state, its sequence number encoding what the connection
 * needs later. The ACK that completes the handshake brings the cookie back (ACK − 1) and
 * the client's ISN (SEQ − 1); a valid cookie lets a socket take the connection then.
 *
 * Layout of the 32-bit cookie (our own; RFC 4987 leaves it to the implementation):
 *   bits 31..30  the time slot modulo 4 (one slot is SLOT_MS),
 *   bits 29..27  the index of the peer's MSS in MSS_TABLE (rounded down),
 *   bits 26..0   SipHash-2-4 under a per-stack secret of the 4-tuple, the client's ISN,
 *                the whole slot number and the MSS index.
 * A cookie is valid in its own slot and the next one, so between SLOT_MS and 2 × SLOT_MS;
 * clients that retransmit their first data for a while after an overload still get in.
 */
import type { RandomSource } from '../../host/random.js';
import { sipHashInto } from './isn.js';

/** Length of one time slot. */
export const SYN_COOKIE_SLOT_MS = 64_000;
/** MSS values a cookie can carry; the peer's MSS is rounded down to one of them. */
export const SYN_COOKIE_MSS_TABLE: readonly number[] = [64, 256, 512, 536, 1220, 1360, 1440, 1460];
const HASH_MASK = 0x07ffffff;

export class SynCookies {
  private readonly secret = new Uint32Array(4);
  /** The hashed message: local addr, local port, remote addr, remote port, client ISN, slot, MSS index. */
  private readonly msg = new Uint8Array(21);
  private readonly hash = new Uint32Array(2);

  constructor(random: RandomSource) {
    for (let i = 0; i < 4; i++) this.secret[i] = random.nextU32() >>> 0;
  }

  /** The SYN+ACK's sequence number for a SYN with sequence number `clientIsn` and MSS option `peerMss`. */
  make(localAddr: number, localPort: number, remoteAddr: number, remotePort: number, clientIsn: number, peerMss: number, nowMs: number): number {
    const slot = slotAt(nowMs);
    const mssIndex = mssIndexFor(peerMss);
    const h = this.keyed(localAddr, localPort, remoteAddr, remotePort, clientIsn, slot, mssIndex);
    return (((slot & 3) << 30) | (mssIndex << 27) | h) >>> 0;
  }

  /**
   * The MSS a returning cookie encodes, or 0 when it is not one of ours for this 4-tuple and
   * client ISN, or has expired. `cookie` is the ACK's acknowledgement number minus one.
   */
  check(localAddr: number, localPort: number, remoteAddr: number, remotePort: number, clientIsn: number, cookie: number, nowMs: number): number {
    const now = slotAt(nowMs);
    // The slot the cookie was made in: this one or the one before, told apart by its two bits.
    const slot = ((cookie >>> 30) & 3) === (now & 3) ? now : ((cookie >>> 30) & 3) === ((now - 1) & 3) ? now - 1 : -1;
    if (slot < 0) return 0;
    const mssIndex = (cookie >>> 27) & 7;
    const h = this.keyed(localAddr, localPort, remoteAddr, remotePort, clientIsn, slot, mssIndex);
    return h === (cookie & HASH_MASK) ? SYN_COOKIE_MSS_TABLE[mssIndex]! : 0;
  }

  private keyed(localAddr: number, localPort: number, remoteAddr: number, remotePort: number, clientIsn: number, slot: number, mssIndex: number): number {
    const m = this.msg;
    put32(m, 0, localAddr);
    m[4] = localPort >>> 8; m[5] = localPort;
    put32(m, 6, remoteAddr);
    m[10] = remotePort >>> 8; m[11] = remotePort;
    put32(m, 12, clientIsn);
    put32(m, 16, slot);
    m[20] = mssIndex;
    sipHashInto(this.secret, m, m.length, this.hash);
    return this.hash[0]! & HASH_MASK;
  }
}

function slotAt(nowMs: number): number {
  return Number.isFinite(nowMs) && nowMs > 0 ? Math.floor(nowMs / SYN_COOKIE_SLOT_MS) % 0x40000000 : 0;
}

/** The largest table entry not above the peer's MSS (the smallest when it is below all). */
function mssIndexFor(mss: number): number {
  let i = SYN_COOKIE_MSS_TABLE.length - 1;
  while (i > 0 && SYN_COOKIE_MSS_TABLE[i]! > mss) i--;
  return i;
}

function put32(m: Uint8Array, at: number, v: number): void {
  m[at] = v >>> 24; m[at + 1] = v >>> 16; m[at + 2] = v >>> 8; m[at + 3] = v;
}
