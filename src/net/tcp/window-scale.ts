/**
 * RFC 7323 window scaling: which shift we announce, what the handshake agrees, and how a
 * window in bytes becomes the 16-bit header field and back. SYN and SYN+ACK windows are
 * never scaled (RFC 7323 §2.2); everything else about windows (silly-window avoidance,
 * window updates, zero-window probes) works on byte counts, before scaling or after it.
 */
import type { TcpConfig } from './config.js';
import type { TcpSocket } from './socket.js';

/** RFC 7323 §2.3: a larger shift received counts as 14. */
export const MAX_WINDOW_SHIFT = 14;
/** The largest value of the header's 16-bit window field. */
export const MAX_WINDOW_FIELD = 0xffff;

/**
 * The shift we announce: the smallest that fits `maxReceiveWindow` into the field (Linux
 * chooses its shift from its largest buffer the same way). 0 still lets the peer scale.
 */
export function windowShiftFor(maxReceiveWindow: number): number {
  let shift = 0;
  while (shift < MAX_WINDOW_SHIFT && maxReceiveWindow / 2 ** shift > MAX_WINDOW_FIELD) shift++;
  return shift;
}

/**
 * The peer's SYN or SYN+ACK arrived with `peerShift` (undefined: no option): scaling holds
 * for the connection when both SYNs carry the option — ours whenever `windowScaling` is
 * on, except that a SYN+ACK answers with it only a SYN that had it (so the same test).
 */
export function agreeWindowScale(config: TcpConfig, s: TcpSocket, peerShift: number | undefined): void {
  const agreed = config.windowScaling && peerShift !== undefined;
  s.windowScaled = agreed;
  s.sndWndShift = agreed ? Math.min(peerShift, MAX_WINDOW_SHIFT) : 0;
  s.rcvWndShift = agreed ? windowShiftFor(config.maxReceiveWindow) : 0;
}

/**
 * The window field for `window` bytes with our `shift`: rounded down (never promising more
 * than the application gave), except that it never falls below `kept`, the bytes up to the
 * right edge already announced — there it is rounded up, so the edge never moves left.
 */
export function windowField(window: number, kept: number, shift: number): number {
  // Integer shifts (read per segment sent): both windows are below 2^31, since the API takes
  // none above maxReceiveWindow (≤ 65 535 << 14) and `kept` was announced in the field.
  let field = window >>> shift;
  if (field << shift < kept) field = (kept + (1 << shift) - 1) >>> shift;
  return field > MAX_WINDOW_FIELD ? MAX_WINDOW_FIELD : field;
}
