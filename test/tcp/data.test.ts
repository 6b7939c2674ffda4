/** Data transfer on simple sockets: delivery, ACKs, REGENERATE timing, reassembly, windows, keep-alives. */
import {
  APP_REJECT_DATA, APP_SENT_DATA, TCP_EVENT_ABORT, TCP_EVENT_ACK, TCP_EVENT_DATA, TCP_EVENT_PARTIAL_ACK,
  TCP_EVENT_REGENERATE, TCP_WINDOW_PROBE, TCP_WINDOW_UPDATE, TCP_EVENT_CONNECTED, NO_ARP_ENTRY, TCP_FLAG_PUSH,
} from '../../src/api/tcp.js';
import { evs, PEER, TcpHarness } from './harness.js';

describe('receiving', () => {
  test('§14.4 in-order data → TCP_EVENT_DATA (payload, length) → immediate ACK', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'hello' });
    expect(h.takeEvents().map((e) => [e.event, e.data, e.portLen])).toEqual([[TCP_EVENT_DATA, 'hello', 5]]);
    // Receiver SWS avoidance (RFC 1122 §4.2.3.3): the right edge stays at 1001 + 1460 until
    // it can move by min(1460 / 2, MSS), so the window shows 1460 − 5.
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1006, win: 1455, payload: '' });
    h.expectNothingSent();
    h.recv({ flags: 'PA', seq: 1006, ack: iss + 1, payload: 'x'.repeat(730) });
    h.expectSent({ flags: 'A', ack: 1736, win: 1460 });
  });

  test('§14.4 a reply sent from the DATA callback carries the ACK: no separate ACK', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.app = (e) => {
      if (e.event === TCP_EVENT_DATA) {
        h.sendTcp(s, 'echo:' + e.data, TCP_FLAG_PUSH);
        return APP_SENT_DATA;
      }
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'hi' });
    h.expectSent({ flags: 'PA', seq: iss + 1, ack: 1003, payload: 'echo:hi' });
    h.expectNothingSent();
  });

  test('APP_REJECT_DATA: the data is not acknowledged and comes again', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    let reject = true;
    h.app = (e) => (e.event === TCP_EVENT_DATA && reject ? APP_REJECT_DATA : undefined);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'POSTX' });
    h.expectNothingSent();
    reject = false;
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'POSTX' });
    h.expectSent({ flags: 'A', ack: 1006 });
    expect(h.takeEvents().map((e) => e.data)).toEqual(['POSTX', 'POSTX']);
  });

  test('a retransmission overlapping received data delivers only the new tail', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcd' });
    h.expectSent({ flags: 'A', ack: 1005 });
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcdefg' });
    h.expectSent({ flags: 'A', ack: 1008 });
    expect(h.takeEvents().map((e) => e.data)).toEqual(['abcd', 'efg']);
  });

  test('a pure duplicate is answered with an ACK and not delivered', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcd' });
    h.expectSent({ flags: 'A', ack: 1005 });
    h.takeEvents();
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcd' });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1005 });
    expect(h.takeEvents()).toEqual([]);
  });

  test('out-of-order segments are held and answered with duplicate ACKs; the gap filler releases everything in order', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'PA', seq: 1005, ack: iss + 1, payload: 'efgh' });
    h.expectSent({ flags: 'A', ack: 1001 });
    h.recv({ flags: 'PA', seq: 1009, ack: iss + 1, payload: 'ijk' });
    h.expectSent({ flags: 'A', ack: 1001 });
    expect(h.takeEvents()).toEqual([]);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcd' });
    expect(h.takeEvents().map((e) => e.data)).toEqual(['abcd', 'efghijk']);
    h.expectSent({ flags: 'A', ack: 1012 });
    h.expectNothingSent();
  });

  test('reassembly off (µTasker): out-of-order data is dropped (still answered with an ACK) and must be sent again', () => {
    const h = new TcpHarness({ config: { reassembly: false } });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'PA', seq: 1005, ack: iss + 1, payload: 'efgh' });
    h.expectSent({ flags: 'A', ack: 1001 });
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcd' });
    h.expectSent({ flags: 'A', ack: 1005 });
    expect(h.takeEvents().map((e) => e.data)).toEqual(['abcd']);
  });

  test('data beyond the advertised window is cut at its right edge', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s, { window: 4 });
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcdef' });
    expect(h.takeEvents().map((e) => e.data)).toEqual(['abcd']);
    h.expectSent({ flags: 'A', ack: 1005 });
  });

  test('keep-alive probes (seq = RCV.NXT − 1, 0 or 1 byte) are answered with an ACK', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'A', seq: 1000, ack: iss + 1 });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1001 });
    h.recv({ flags: 'A', seq: 1000, ack: iss + 1, payload: '\0' });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1001 });
    expect(h.takeEvents()).toEqual([]);
    expect(h.state(s)).toBe('ESTABLISHED');
  });

  test('data on the ACK that completes the handshake is delivered (deviation; configurable)', () => {
    for (const handshakeData of [true, false]) {
      const h = new TcpHarness({ config: { handshakeData } });
      const s = h.socket();
      h.api.fnTCP_Listen(s, 80, 0);
      h.recv({ flags: 'S', seq: 1000 });
      const synAck = h.expectSent({ flags: 'SA' });
      h.recv({ flags: 'PA', seq: 1001, ack: synAck.seq + 1, payload: 'GET' });
      if (handshakeData) {
        expect(h.takeEvents().map((e) => [e.event, e.data])).toEqual([[8, '198.18.0.2'], [TCP_EVENT_CONNECTED, '198.18.0.2'], [TCP_EVENT_DATA, 'GET']]);
        h.expectSent({ flags: 'A', ack: 1004 });
      } else {
        expect(evs(h.takeEvents())).toEqual([[8, 'LISTEN'], [TCP_EVENT_CONNECTED, 'ESTABLISHED']]);
        h.expectSent({ flags: 'A', ack: 1001 });
      }
    }
  });

  test('a zero receive window (fnReportTCPWindow 0): data at RCV.NXT is not taken, the ACK says window 0', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s, { window: 10 });
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: '0123456789' });
    h.expectSent({ flags: 'A', ack: 1011, win: 10 });
    expect(h.api.fnModifyTCPWindow(s, 0)).toBe(s);
    // The right edge already offered is not taken back (RFC 9293 §3.8.6.2.2): the peer may fill it.
    h.recv({ flags: 'PA', seq: 1011, ack: iss + 1, payload: 'x' });
    h.expectSent({ flags: 'A', ack: 1012, win: 9 });
    h.recv({ flags: 'PA', seq: 1012, ack: iss + 1, payload: '123456789' });
    h.expectSent({ flags: 'A', ack: 1021, win: 0 });
    h.recv({ flags: 'PA', seq: 1021, ack: iss + 1, payload: 'y' });
    h.expectSent({ flags: 'A', ack: 1021, win: 0 });
    expect(h.takeEvents().map((e) => e.data)).toEqual(['0123456789', 'x', '123456789']);
    expect(h.api.fnReportTCPWindow(s, 10)).toBeGreaterThan(0);
    h.expectSent({ flags: 'A', ack: 1021, win: 10 });
  });
});

describe('sending (simple TCP)', () => {
  test('fnSendTCP: sequence numbers, ACK flag, return value = frame length; TCP_EVENT_ACK when all is acknowledged', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    expect(h.sendTcp(s, 'abc')).toBe(14 + 20 + 20 + 3);
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1001, payload: 'abc' });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 4 });
    expect(h.takeEvents().map((e) => [e.event, e.data, e.portLen])).toEqual([[TCP_EVENT_ACK, '198.18.0.2', 40000]]);
    expect(h.stack.unacknowledged(s)).toBe(0);
  });

  test('a partial ACK gives TCP_EVENT_PARTIAL_ACK with the bytes still unacknowledged; old duplicates give nothing', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.sendTcp(s, '0123456789');
    h.expectSent({ payload: '0123456789' });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 4 });
    expect(h.takeEvents().map((e) => [e.event, e.portLen])).toEqual([[TCP_EVENT_PARTIAL_ACK, 7]]);
    h.recv({ flags: 'A', seq: 1001, ack: iss + 4 });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
    expect(h.takeEvents()).toEqual([]);
    h.recv({ flags: 'A', seq: 1001, ack: iss + 11 });
    expect(h.takeEvents().map((e) => e.event)).toEqual([TCP_EVENT_ACK]);
  });

  test('an ACK for data never sent is answered with an ACK and ignored', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 100, payload: 'zz' });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1001 });
    expect(h.takeEvents()).toEqual([]);
  });

  test('§14.5 no ACK (fixed timer): REGENERATE at +3 s, then every 3 s, 7 times; RST + ABORT at +24 s', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker' } });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.app = (e) => {
      if (e.event === TCP_EVENT_REGENERATE) {
        h.sendTcp(s, 'data'.slice(0, e.portLen));
        return APP_SENT_DATA;
      }
    };
    h.sendTcp(s, 'data');
    h.advance(60_000);
    const trace = h.pending().map((x) => [x.at, x.flags, x.seq - iss, x.payload]);
    expect(trace).toEqual([
      [0, 'A', 1, 'data'],
      ...[3, 6, 9, 12, 15, 18, 21].map((t) => [t * 1000, 'A', 1, 'data']),
      [24_000, 'R', 5, ''],
    ]);
    const events = h.takeEvents();
    expect(events.map((e) => [e.at, e.event, e.portLen])).toEqual([
      ...[3, 6, 9, 12, 15, 18, 21].map((t) => [t * 1000, TCP_EVENT_REGENERATE, 4]),
      [24_000, TCP_EVENT_ABORT, 40000],
    ]);
    expect(events.every((e) => e.event !== TCP_EVENT_REGENERATE || e.data === undefined)).toBe(true);
  });

  test('RFC 6298 timing: REGENERATE backs off exponentially (1, 2, 4, ... s, capped at 60 s)', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.openPassive(s);
    h.app = (e) => {
      if (e.event === TCP_EVENT_REGENERATE) {
        h.sendTcp(s, 'abcd');
        return APP_SENT_DATA;
      }
    };
    h.sendTcp(s, 'abcd');
    h.advance(400_000);
    expect(h.takeEvents().map((e) => [e.at, e.event])).toEqual([
      [1000, 7], [3000, 7], [7000, 7], [15000, 7], [31000, 7], [63000, 7], [123000, 7], [183000, TCP_EVENT_ABORT],
    ]);
  });

  test('the RTO follows the measured RTT (RFC 6298 (2.2)/(2.3)): a 300 ms RTT still gives the 1 s minimum', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.sendTcp(s, 'abcd');
    h.advance(300);
    h.recv({ flags: 'A', seq: 1001, ack: iss + 5 });
    h.app = (e) => (e.event === TCP_EVENT_REGENERATE ? (h.sendTcp(s, 'efgh'), APP_SENT_DATA) : undefined);
    h.sendTcp(s, 'efgh');
    const sentAt = h.clock.now();
    h.advance(5000);
    const regen = h.takeEvents().filter((e) => e.event === TCP_EVENT_REGENERATE);
    // SRTT 300, RTTVAR 150: RTO = max(1000, 300 + 4 × 150) = 1000.
    expect(regen[0].at - sentAt).toBe(1000);
  });

  test('a REGENERATE answered with 0 aborts the connection (RST + ABORT)', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker' } });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.sendTcp(s, 'xy');
    h.expectSent({ payload: 'xy' });
    h.advance(3000);
    h.expectSent({ flags: 'R', seq: iss + 3 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_REGENERATE, 'ESTABLISHED'], [TCP_EVENT_ABORT, 'CLOSED']]);
  });

  test('ARP pending on send: NO_ARP_ENTRY returned, data counted as sent; ARP success → REGENERATE of the block', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.net.unresolved.add(PEER);
    expect(h.sendTcp(s, 'queued')).toBe(NO_ARP_ENTRY);
    h.net.unresolved.delete(PEER);
    h.app = (e) => {
      if (e.event === TCP_EVENT_REGENERATE) h.sendTcp(s, 'queued');
    };
    h.arpResult(s, true);
    expect(h.takeEvents().map((e) => [e.event, e.portLen])).toEqual([[TCP_EVENT_REGENERATE, 6]]);
    h.expectSent({ payload: 'queued', result: -1 } as never);
    h.expectSent({ flags: 'A', seq: iss + 1, payload: 'queued' });
  });

  test('fnReportTCPWindow without ARP entry: the window update is sent again after ARP success', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.openPassive(s);
    h.net.unresolved.add(PEER);
    expect(h.api.fnReportTCPWindow(s, 500)).toBe(NO_ARP_ENTRY);
    h.expectSent({ flags: 'A' });
    h.net.unresolved.delete(PEER);
    h.arpResult(s, true);
    h.expectSent({ flags: 'A', win: 1460 });
  });

  test('zero window from the peer: persist timer gives TCP_WINDOW_PROBE (backing off); a window update gives TCP_WINDOW_UPDATE', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.sendTcp(s, 'abcd');
    h.recv({ flags: 'A', seq: 1001, ack: iss + 5, win: 0 });
    expect(h.takeEvents().map((e) => e.event)).toEqual([TCP_EVENT_ACK]);
    expect(h.stack.peerWindow(s)).toBe(0);
    h.advance(8000);
    expect(h.takeEvents().map((e) => [e.at, e.event])).toEqual([[1000, TCP_WINDOW_PROBE], [3000, TCP_WINDOW_PROBE], [7000, TCP_WINDOW_PROBE]]);
    h.recv({ flags: 'A', seq: 1001, ack: iss + 5, win: 4000 });
    expect(h.takeEvents().map((e) => e.event)).toEqual([TCP_WINDOW_UPDATE]);
    expect(h.stack.peerWindow(s)).toBe(4000);
    h.advance(60_000);
    expect(h.takeEvents()).toEqual([]);
  });

  test('fnSendTCP refuses states without a connection (SOCKET_STATE_INVALID) and data after our FIN (0)', () => {
    const h = new TcpHarness();
    const s = h.socket();
    expect(h.sendTcp(s, 'x')).toBe(-4);
    h.api.fnTCP_Listen(s, 80, 0);
    expect(h.sendTcp(s, 'x')).toBe(-4);
    h.recv({ flags: 'S', seq: 1000 });
    expect(h.sendTcp(s, 'x')).toBe(-4);
    h.expectSent({ flags: 'SA' });
    h.expectNothingSent();
  });
});

describe('ARP pending for control segments', () => {
  test('a RST for an unmatched segment waits for ARP in the pseudo-socket (index NO_OF_TCPSOCKETS) and goes out on success', () => {
    const h = new TcpHarness({ config: { sockets: 4 } });
    h.net.unresolved.add(PEER);
    h.recv({ flags: 'S', seq: 1000, dstPort: 81 });
    const lost = h.expectSent({ flags: 'RA', ack: 1001 });
    expect([lost.result, lost.ownerSocket]).toEqual([-1, 4]);
    h.net.unresolved.delete(PEER);
    h.arpResult(4, true);
    expect(h.expectSent({ flags: 'RA', seq: 0, ack: 1001 }).result).toBeGreaterThan(0);
    h.arpResult(4, true);
    h.expectNothingSent();
  });

  test('a SYN+ACK and a FIN lost for want of ARP are sent again when ARP resolves', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Listen(s, 80, 0);
    h.net.unresolved.add(PEER);
    h.recv({ flags: 'S', seq: 1000 });
    const synAck = h.expectSent({ flags: 'SA' });
    h.net.unresolved.delete(PEER);
    h.arpResult(s, true);
    h.expectSent({ flags: 'SA', seq: synAck.seq, ack: 1001 });
    h.recv({ flags: 'A', seq: 1001, ack: synAck.seq + 1 });
    h.net.unresolved.add(PEER);
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA' });
    h.net.unresolved.delete(PEER);
    h.arpResult(s, true);
    h.expectSent({ flags: 'FA', seq: synAck.seq + 1, ack: 1001 });
  });
});
