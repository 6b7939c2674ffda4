/**
 * RFC 7323 window scaling as segment traces: the option only in SYN and SYN+ACK, and in our
 * SYN+ACK only when the peer's SYN had it; scaling only when both sides offered it; SYN
 * windows never scaled; the peer's windows shifted by its shift (clamped to 14), ours by
 * ours, rounded so the right edge never moves left; data beyond 64 KiB in flight taken
 * byte-exact; no scaling on SYN-cookie connections.
 */
import { SOCKET_STATE_INVALID, TCP_EVENT_ABORT, TCP_EVENT_CLOSED, TCP_EVENT_DATA } from '../../src/api/tcp.js';
import { resolveTcpConfig, UTASKER_CODE_COMPAT, type TcpConfig } from '../../src/net/tcp/config.js';
import type { TcpCore } from '../../src/net/tcp/core.js';
import { windowField, windowShiftFor } from '../../src/net/tcp/window-scale.js';
import { PEER2, PEER_IP, TcpHarness } from './harness.js';

/** 262 144 bytes need a shift of 3 to fit 16 bits (32 768 × 8). */
const BIG = { maxReceiveWindow: 262144 };
const BIG_SHIFT = 3;

function tcb(h: TcpHarness, s: number) {
  return (h.stack as unknown as { core: TcpCore }).core.sockets[s]!;
}

/** The bytes of a test stream: position-dependent, so a lost, repeated or shifted byte shows. */
function pattern(offset: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = ((offset + i) * 7 + ((offset + i) >> 8)) & 0xff;
  return b;
}

/** A passive open with a peer whose SYN offers `wscale` (undefined: no option); returns harness, socket and our ISS. */
function passive(config: Partial<TcpConfig>, window: number, wscale: number | undefined) {
  const h = new TcpHarness({ config });
  const s = h.socket();
  expect(h.api.fnTCP_Listen(s, 80, window)).toBe(s);
  h.recv({ flags: 'S', seq: 1000, win: 8192, mss: 1460, wscale });
  return { h, s };
}

describe('window-scale option negotiation (RFC 7323 §2.2)', () => {
  test('the shift we announce is the smallest that fits maxReceiveWindow into 16 bits', () => {
    expect(windowShiftFor(0xffff)).toBe(0);
    expect(windowShiftFor(0x10000)).toBe(1);
    expect(windowShiftFor(262144)).toBe(3);
    expect(windowShiftFor(0xffff * 2 ** 14)).toBe(14);
    expect(resolveTcpConfig({}).windowScaling).toBe(true);
    expect(resolveTcpConfig({}).maxReceiveWindow).toBe(0xffff);
    // Without scaling nothing above 65 535 can be announced; µTasker's set turns it off.
    expect(resolveTcpConfig({ windowScaling: false, maxReceiveWindow: 262144 }).maxReceiveWindow).toBe(0xffff);
    expect(resolveTcpConfig({ ...UTASKER_CODE_COMPAT }).windowScaling).toBe(false);
  });

  test('passive open, both offer: our SYN+ACK carries our shift, its window unscaled; later windows scaled both ways', () => {
    const { h, s } = passive(BIG, 200000, 7);
    const sa = h.expectSent({ flags: 'SA', ack: 1001, mss: 1460, wscale: BIG_SHIFT, win: 0xffff });
    // The peer's window after the handshake is SEG.WND << 7.
    h.recv({ flags: 'A', seq: 1001, ack: sa.seq + 1, win: 1000 });
    expect(h.stack.peerWindow(s)).toBe(128000);
    h.recv({ flags: 'PA', seq: 1001, ack: sa.seq + 1, win: 1000, payload: 'x'.repeat(1000) });
    // Ours is RCV.WND >> 3, and the option appears in no segment but the SYNs.
    h.expectSent({ flags: 'A', ack: 2001, win: 200000 >> BIG_SHIFT, wscale: undefined });
    expect(h.sendTcp(s, 'reply')).toBeGreaterThan(0);
    h.expectSent({ flags: 'A', payload: 'reply', win: 200000 >> BIG_SHIFT, wscale: undefined });
  });

  test('a repeated SYN in SYN_RCVD gets the same SYN+ACK with the option', () => {
    const { h } = passive(BIG, 200000, 7);
    const sa = h.expectSent({ flags: 'SA', wscale: BIG_SHIFT });
    h.recv({ flags: 'S', seq: 1000, win: 8192, mss: 1460, wscale: 7 });
    h.expectSent({ flags: 'SA', seq: sa.seq, wscale: BIG_SHIFT, win: 0xffff });
  });

  test('passive open, the peer does not offer it: no option in our SYN+ACK, nothing scaled, our window at most 65 535', () => {
    const { h, s } = passive(BIG, 200000, undefined);
    const sa = h.expectSent({ flags: 'SA', ack: 1001, wscale: undefined, win: 0xffff });
    h.recv({ flags: 'PA', seq: 1001, ack: sa.seq + 1, win: 1000, payload: 'abc' });
    expect(h.stack.peerWindow(s)).toBe(1000);
    h.expectSent({ flags: 'A', ack: 1004, win: 0xffff });
    expect(tcb(h, s)).toMatchObject({ windowScaled: false, sndWndShift: 0, rcvWndShift: 0 });
  });

  test('active open: our SYN offers it; a SYN+ACK with it turns scaling on, one without leaves it off', () => {
    const h = new TcpHarness({ config: BIG });
    const s = h.socket();
    h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 200000);
    const syn = h.expectSent({ flags: 'S', mss: 1460, wscale: BIG_SHIFT, win: 0xffff });
    h.recv({ flags: 'SA', seq: 5000, ack: syn.seq + 1, win: 30000, mss: 1460, wscale: 2 });
    expect(h.stack.peerWindow(s)).toBe(30000); // the SYN+ACK's own window is not scaled
    h.expectSent({ flags: 'A', ack: 5001, win: 200000 >> BIG_SHIFT, wscale: undefined });
    h.recv({ flags: 'A', seq: 5001, ack: syn.seq + 1, win: 30000 });
    expect(h.stack.peerWindow(s)).toBe(120000);

    const h2 = new TcpHarness({ config: BIG });
    const s2 = h2.socket();
    h2.api.fnTCP_Connect(s2, PEER_IP, 40000, 80, 200000);
    const syn2 = h2.expectSent({ flags: 'S', wscale: BIG_SHIFT });
    h2.recv({ flags: 'SA', seq: 5000, ack: syn2.seq + 1, win: 30000, mss: 1460 });
    h2.expectSent({ flags: 'A', ack: 5001, win: 0xffff });
    h2.recv({ flags: 'A', seq: 5001, ack: syn2.seq + 1, win: 30000 });
    expect(h2.stack.peerWindow(s2)).toBe(30000);
  });

  test('a retransmitted SYN carries the option again', () => {
    const h = new TcpHarness({ config: BIG });
    const s = h.socket();
    h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 0);
    const syn = h.expectSent({ flags: 'S', wscale: BIG_SHIFT });
    h.advance(1100);
    h.expectSent({ flags: 'S', seq: syn.seq, wscale: BIG_SHIFT });
  });

  test('simultaneous open: the SYN+ACK answering a SYN with the option carries ours', () => {
    const h = new TcpHarness({ config: BIG });
    const s = h.socket();
    h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 200000);
    const syn = h.expectSent({ flags: 'S', wscale: BIG_SHIFT });
    h.recv({ flags: 'S', seq: 5000, win: 8192, mss: 1460, wscale: 5 });
    h.expectSent({ flags: 'SA', seq: syn.seq, ack: 5001, wscale: BIG_SHIFT, win: 0xffff });
    h.recv({ flags: 'A', seq: 5001, ack: syn.seq + 1, win: 100 });
    expect(h.state(s)).toBe('ESTABLISHED');
    expect(h.stack.peerWindow(s)).toBe(100 << 5);
  });

  test('a shift above 14 counts as 14 (RFC 7323 §2.3)', () => {
    const { h, s } = passive(BIG, 0, 15);
    const sa = h.expectSent({ flags: 'SA', wscale: BIG_SHIFT });
    h.recv({ flags: 'A', seq: 1001, ack: sa.seq + 1, win: 3 });
    expect(h.stack.peerWindow(s)).toBe(3 << 14);
  });

  test('switched off (µTasker): no option in either SYN, the peer\'s option ignored, windows above 65 535 refused', () => {
    const off: Partial<TcpConfig> = { windowScaling: false, maxReceiveWindow: 262144 };
    const h = new TcpHarness({ config: off });
    const c = h.socket();
    h.api.fnTCP_Connect(c, PEER_IP, 40000, 81, 0);
    h.expectSent({ flags: 'S', wscale: undefined });
    const s = h.socket();
    expect(h.api.fnTCP_Listen(s, 80, 200000)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnTCP_Listen(s, 80, 0xffff)).toBe(s);
    h.recv({ flags: 'S', seq: 1000, win: 8192, mss: 1460, wscale: 7 });
    const sa = h.expectSent({ flags: 'SA', wscale: undefined, win: 0xffff });
    h.recv({ flags: 'A', seq: 1001, ack: sa.seq + 1, win: 1000 });
    expect(h.stack.peerWindow(s)).toBe(1000);
  });

  test('the default stack takes windows up to 65 535 only; a configured maxReceiveWindow raises the limit of every window call', () => {
    const h = new TcpHarness();
    const s = h.socket();
    expect(h.api.fnTCP_Listen(s, 80, 0x10000)).toBe(SOCKET_STATE_INVALID);
    const big = new TcpHarness({ config: BIG });
    const b = big.socket();
    expect(big.api.fnTCP_Listen(b, 80, 262144)).toBe(b);
    expect(big.api.fnTCP_Listen(b, 80, 262145)).toBe(SOCKET_STATE_INVALID);
    expect(big.api.fnModifyTCPWindow(b, 262144)).toBe(b);
    expect(big.api.fnModifyTCPWindow(b, 262145)).toBe(SOCKET_STATE_INVALID);
    expect(big.api.fnModifyTCPWindow(b, 1.5)).toBe(SOCKET_STATE_INVALID);
  });
});

describe('scaled windows', () => {
  test('the peer\'s scaled window lets a buffered socket send what a 16-bit reading would not', () => {
    const { h, s } = passive({ ...BIG, congestionControl: false }, 0, 7);
    const sa = h.expectSent({ flags: 'SA' });
    h.recv({ flags: 'A', seq: 1001, ack: sa.seq + 1, win: 64 }); // 64 << 7 = 8192 bytes
    const data = pattern(0, 20000);
    expect(h.api.fnDefineTCPBufferSize(s, 20000)).toBe(20000);
    h.api.fnSendBufTCP(s, data, data.length, 1 /* TCP_BUF_SEND */);
    // 8192 bytes of window: five 1400-byte segments, the rest waits (silly-window avoidance).
    const first = h.pending();
    expect(first.map((x) => x.payload.length)).toEqual([1400, 1400, 1400, 1400, 1400]);
    h.skip();
    h.recv({ flags: 'A', seq: 1001, ack: sa.seq + 1 + 7000, win: 1000 }); // 128 000 bytes
    const rest = h.pending();
    expect(rest.reduce((n, x) => n + x.payload.length, 0)).toBe(13000);
  });

  test('rounding: RCV.WND >> shift rounds down, but never so that the right edge moves left', () => {
    expect(windowField(100003, 0, 3)).toBe(12500);
    expect(windowField(100003, 100001, 3)).toBe(12501);
    expect(windowField(0, 0, 3)).toBe(0);
    expect(windowField(0xffff * 2 ** 14, 0, 14)).toBe(0xffff);
    expect(windowField(0xffff * 2 ** 14 + 5, 0, 14)).toBe(0xffff);

    const { h, s } = passive(BIG, 200000, 7);
    const sa = h.expectSent({ flags: 'SA', win: 0xffff });
    h.recv({ flags: 'A', seq: 1001, ack: sa.seq + 1, win: 1000 });
    // Not a multiple of 8: advertised rounded down, the edge 3 bytes short of what was given.
    h.api.fnModifyTCPWindow(s, 100003);
    h.recv({ flags: 'PA', seq: 1001, ack: sa.seq + 1, win: 1000, payload: pattern(0, 100) });
    const first = h.expectSent({ flags: 'A', ack: 1101, win: 12500 });
    let edge = first.ack + first.win * 8;
    // The application takes no more: the window closes as data arrives, in odd amounts.
    h.api.fnModifyTCPWindow(s, 0);
    const sizes = [1001, 333, 7, 1460, 999, 3];
    let seq = 1101;
    let steps = 0;
    for (; steps < 400; steps++) {
      const room = edge - seq;
      if (room === 0) break;
      const n = Math.min(sizes[steps % sizes.length]!, room);
      h.recv({ flags: 'PA', seq, ack: sa.seq + 1, win: 1000, payload: pattern(seq, n) });
      seq += n;
      const ack = h.expectSent({ flags: 'A', ack: seq });
      const next = ack.ack + ack.win * 8;
      // Never left of the last edge, and never more than the rounding (< 8 bytes) right of it.
      expect(next - edge).toBeGreaterThanOrEqual(0);
      expect(next - edge).toBeLessThan(8);
      edge = next;
    }
    expect(steps).toBeLessThan(400);
    expect(h.pending()).toEqual([]);
    // Closed: a byte beyond is not taken.
    h.takeEvents();
    h.recv({ flags: 'PA', seq, ack: sa.seq + 1, win: 1000, payload: 'z' });
    expect(h.takeEvents().filter((e) => e.event === TCP_EVENT_DATA)).toEqual([]);
    h.expectSent({ flags: 'A', ack: seq, win: 0 });
  });

  test('more than 64 KiB in flight: a burst into the advertised 256 KiB window arrives byte-exact', () => {
    const { h, s } = passive(BIG, 262144, 7);
    const sa = h.expectSent({ flags: 'SA' });
    const received: Uint8Array[] = [];
    h.app = (e, data) => {
      if (e.event === TCP_EVENT_DATA && data !== null) received.push(data.slice());
    };
    h.recv({ flags: 'A', seq: 1001, ack: sa.seq + 1, win: 1000 });
    h.recv({ flags: 'PA', seq: 1001, ack: sa.seq + 1, win: 1000, payload: pattern(0, 1460) });
    const ack = h.expectSent({ flags: 'A', ack: 2461, win: 262144 >> BIG_SHIFT });
    // The peer sends everything the advertised window allows before reading any later ACK.
    const window = ack.win << BIG_SHIFT;
    const edge = 1460 + window;
    let offset = 1460;
    while (offset + 1460 <= edge) {
      h.recv({ flags: 'A', seq: 1001 + offset, ack: sa.seq + 1, win: 1000, payload: pattern(offset, 1460) });
      offset += 1460;
    }
    const inFlight = offset - 1460;
    expect(inFlight).toBeGreaterThan(0xffff * 3);
    expect(h.stack.counters.get('tcp.drop.tcp-out-of-window')).toBe(0);
    const all = new Uint8Array(offset);
    let at = 0;
    for (const r of received) {
      all.set(r, at);
      at += r.length;
    }
    expect(at).toBe(offset);
    const expected = pattern(0, offset);
    expect(all.findIndex((b, i) => b !== expected[i])).toBe(-1);
    expect(h.pending().at(-1)).toMatchObject({ flags: 'A', ack: 1001 + offset });
    expect(h.state(s)).toBe('ESTABLISHED');
  });
});

describe('SYN cookies', () => {
  test('a cookie SYN+ACK carries no window-scale option, so the connection it makes is not scaled', () => {
    const h = new TcpHarness({ config: BIG });
    const s = h.socket();
    h.openPassive(s);
    h.app = (e) => {
      if (e.event === TCP_EVENT_ABORT || e.event === TCP_EVENT_CLOSED) h.api.fnTCP_Listen(e.socket, 80, 200000);
    };
    // The port's only socket is busy: the SYN (with the option) gets a cookie.
    h.recv({ flags: 'S', seq: 7000, mss: 1460, wscale: 7, src: PEER2, srcPort: 41000 });
    const cookie = h.expectSent({ flags: 'SA', ack: 7001, win: 0, wscale: undefined, dst: PEER2 }).seq;
    h.recv({ flags: 'R', seq: 1001 });
    h.recv({ flags: 'A', seq: 7001, ack: cookie + 1, src: PEER2, srcPort: 41000, win: 5000 });
    expect(h.stack.counters.get('tcp.syn-cookies.accepted')).toBe(1);
    // Unscaled both ways: the peer's 5000 is 5000 bytes, ours is capped at 65 535.
    h.expectSent({ flags: 'A', seq: cookie + 1, ack: 7001, win: 0xffff, dst: PEER2 });
    expect(h.stack.peerWindow(s)).toBe(5000);
    expect(tcb(h, s)).toMatchObject({ windowScaled: false, sndWndShift: 0, rcvWndShift: 0 });
  });
});
