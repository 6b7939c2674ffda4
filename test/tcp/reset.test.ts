/** RST and SYN in synchronized states (RFC 5961 and µTasker's behaviour), RST in every state, SYN floods. */
import { TCP_EVENT_ABORT, TCP_EVENT_CONNECTED, TCP_EVENT_CONREQ } from '../../src/api/tcp.js';
import { evs, PEER2, TcpHarness } from './harness.js';

/** Brings a fresh socket into `state` with the peer at seq 1001; returns the harness, socket and ISS. */
function inState(state: string, config = {}): { h: TcpHarness; s: number; iss: number } {
  const h = new TcpHarness({ config });
  const s = h.socket();
  let iss = 0;
  if (state === 'SYN_RCVD') {
    h.api.fnTCP_Listen(s, 80, 0);
    h.recv({ flags: 'S', seq: 1000 });
    iss = h.expectSent({ flags: 'SA' }).seq;
  } else {
    iss = h.openPassive(s);
    if (state === 'FIN_WAIT_1' || state === 'FIN_WAIT_2' || state === 'CLOSING' || state === 'TIME_WAIT') {
      h.api.fnTCP_close(s);
      h.expectSent({ flags: 'FA' });
      if (state === 'FIN_WAIT_2') h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
      if (state === 'CLOSING') {
        h.recv({ flags: 'FA', seq: 1001, ack: iss + 1 });
        h.expectSent({ flags: 'A' });
      }
      if (state === 'TIME_WAIT') {
        h.recv({ flags: 'FA', seq: 1001, ack: iss + 2 });
        h.expectSent({ flags: 'A' });
      }
    }
    if (state === 'CLOSE_WAIT' || state === 'LAST_ACK') {
      h.app = () => (state === 'CLOSE_WAIT' ? 1 : 0);
      h.recv({ flags: 'FA', seq: 1001, ack: iss + 1 });
      h.expectSent({ flags: state === 'CLOSE_WAIT' ? 'A' : 'FA' });
      h.app = () => undefined;
    }
  }
  expect(h.state(s)).toBe(state);
  h.takeEvents();
  return { h, s, iss };
}

const rcvNxt = (state: string): number => (['CLOSING', 'TIME_WAIT', 'CLOSE_WAIT', 'LAST_ACK'].includes(state) ? 1002 : 1001);

describe('§14.11 RST in every state', () => {
  for (const state of ['ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSING', 'CLOSE_WAIT', 'LAST_ACK']) {
    test(`§14.11 an exact RST in ${state} → CLOSED and TCP_EVENT_ABORT, nothing sent`, () => {
      const { h, s } = inState(state);
      h.recv({ flags: 'R', seq: rcvNxt(state) });
      expect(h.state(s)).toBe('CLOSED');
      expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ABORT, 'CLOSED']]);
      h.expectNothingSent();
      expect(h.stack.nextDeadline()).toBeUndefined();
    });
  }

  test('§14.11 RST in TIME_WAIT → CLOSED silently (CLOSED was already reported)', () => {
    const { h, s } = inState('TIME_WAIT');
    h.recv({ flags: 'R', seq: 1002 });
    expect(h.state(s)).toBe('CLOSED');
    expect(h.takeEvents()).toEqual([]);
  });

  test('RST in SYN_RCVD of a passive open → back to LISTEN (TCP_EVENT_ABORT tells the application); the next SYN is accepted', () => {
    const { h, s } = inState('SYN_RCVD');
    h.recv({ flags: 'R', seq: 1001 });
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data])).toEqual([[TCP_EVENT_ABORT, 'LISTEN', '198.18.0.2']]);
    expect(h.state(s)).toBe('LISTEN');
    expect(h.api.fnGetTCP_port(s, 1)).toBe(0);
    h.recv({ flags: 'S', seq: 5000, srcPort: 40001 });
    h.expectSent({ flags: 'SA', ack: 5001 });
  });

  test('µTasker mode: RST in SYN_RCVD → CLOSED', () => {
    const { h, s } = inState('SYN_RCVD', { synReceivedResetToListen: false });
    h.recv({ flags: 'R', seq: 1001 });
    expect(h.state(s)).toBe('CLOSED');
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ABORT, 'CLOSED']]);
  });
});

describe('RFC 5961 (default)', () => {
  test('a RST inside the window but not at RCV.NXT gets a challenge ACK and changes nothing', () => {
    const { h, s, iss } = inState('ESTABLISHED');
    h.recv({ flags: 'R', seq: 1500 });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1001 });
    expect(h.state(s)).toBe('ESTABLISHED');
    expect(h.stack.counters.get('tcp.challenge-acks')).toBe(1);
  });

  test('a RST outside the window is dropped silently', () => {
    const { h, s } = inState('ESTABLISHED');
    h.recv({ flags: 'R', seq: 900 });
    h.recv({ flags: 'R', seq: 1001 + 1460 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('ESTABLISHED');
    expect(h.stack.counters.get('tcp.drop.tcp-rst-out-of-window')).toBe(2);
  });

  test('§14.12 (RFC 5961) a SYN on ESTABLISHED gets a challenge ACK; the connection stays', () => {
    const { h, s, iss } = inState('ESTABLISHED');
    h.recv({ flags: 'S', seq: 1200 });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1001 });
    expect(h.state(s)).toBe('ESTABLISHED');
    expect(h.takeEvents()).toEqual([]);
  });

  test('challenge ACKs are rate-limited for the whole stack (default 10 per second, randomised budget)', () => {
    const { h } = inState('ESTABLISHED');
    for (let i = 0; i < 40; i++) h.recv({ flags: 'R', seq: 1100 + i });
    const sent = h.pending().length;
    expect(sent).toBeGreaterThanOrEqual(5);
    expect(sent).toBeLessThanOrEqual(15);
    expect(h.stack.counters.get('tcp.challenge-acks-suppressed')).toBe(40 - sent);
    h.advance(1000);
    h.recv({ flags: 'R', seq: 1100 });
    expect(h.pending().length).toBe(sent + 1);
  });
});

describe('µTasker mode (rfc5961 off)', () => {
  test('§14.12 a SYN on ESTABLISHED → ABORT, nothing sent', () => {
    const { h, s } = inState('ESTABLISHED', { rfc5961: false });
    h.recv({ flags: 'S', seq: 7777 });
    expect(h.state(s)).toBe('CLOSED');
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ABORT, 'CLOSED']]);
    h.expectNothingSent();
  });

  test('any RST in the window aborts', () => {
    const { h, s } = inState('ESTABLISHED', { rfc5961: false });
    h.recv({ flags: 'R', seq: 1300 });
    expect(h.state(s)).toBe('CLOSED');
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ABORT, 'CLOSED']]);
  });
});

describe('SYN flood (RFC 4987 recycling)', () => {
  // With SYN cookies (the default) a SYN never recycles: test/hostile/syn-overload.test.ts.
  test('synOverload drop: when every socket of the port is half-open, the oldest SYN_RCVD one is recycled for the new SYN', () => {
    const h = new TcpHarness({ config: { synOverload: 'drop' } });
    const a = h.socket();
    const b = h.socket();
    h.api.fnTCP_Listen(a, 80, 0);
    h.api.fnTCP_Listen(b, 80, 0);
    h.recv({ flags: 'S', seq: 100, srcPort: 1001 }); // a, spoofed
    h.advance(100);
    h.recv({ flags: 'S', seq: 200, srcPort: 1002 }); // b, spoofed
    h.expectSent({ flags: 'SA', dstPort: 1001 });
    h.expectSent({ flags: 'SA', dstPort: 1002 });
    h.takeEvents();
    // Younger than synFloodRecycleAgeMs (1 s): a burst of real clients is not recycled, the SYN is dropped.
    h.recv({ flags: 'S', seq: 250, src: PEER2, srcPort: 1999 });
    h.expectNothingSent();
    expect(h.stack.counters.get('tcp.drop.tcp-syn-overload')).toBe(1);
    h.advance(950);
    h.skip(); // SYN+ACK retransmissions of the half-open pair
    h.takeEvents();
    h.recv({ flags: 'S', seq: 300, src: PEER2, srcPort: 2000 });
    expect(h.takeEvents().map((e) => [e.socket, e.event, e.state, e.portLen])).toEqual([
      [a, TCP_EVENT_ABORT, 'LISTEN', 1001], [a, TCP_EVENT_CONREQ, 'LISTEN', 2000],
    ]);
    const synAck = h.expectSent({ flags: 'SA', ack: 301, dst: PEER2, dstPort: 2000 });
    h.recv({ flags: 'A', seq: 301, ack: synAck.seq + 1, src: PEER2, srcPort: 2000 });
    expect(h.takeEvents().map((e) => [e.socket, e.event])).toEqual([[a, TCP_EVENT_CONNECTED]]);
    expect(h.stack.counters.get('tcp.half-open-recycled')).toBe(1);
  });

  test('recycling off, synOverload reset (µTasker): the SYN finds no listener and gets a RST', () => {
    const h = new TcpHarness({ config: { synFloodRecycle: false, synOverload: 'reset' } });
    const a = h.socket();
    h.api.fnTCP_Listen(a, 80, 0);
    h.recv({ flags: 'S', seq: 100, srcPort: 1001 });
    h.expectSent({ flags: 'SA' });
    h.recv({ flags: 'S', seq: 300, srcPort: 2000 });
    h.expectSent({ flags: 'RA', ack: 301 });
  });

  test('an unanswered SYN_RCVD of a passive open gives up after the retries and returns to LISTEN', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker' } });
    const a = h.socket();
    h.api.fnTCP_Listen(a, 80, 0);
    h.recv({ flags: 'S', seq: 100 });
    h.advance(100_000);
    expect(h.pending().map((x) => [x.at / 1000, x.flags])).toEqual([
      [0, 'SA'], [3, 'SA'], [6, 'SA'], [9, 'SA'], [12, 'SA'], [15, 'SA'], [18, 'SA'], [21, 'SA'], [24, 'R'],
    ]);
    expect(h.state(a)).toBe('LISTEN');
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CONREQ, 'LISTEN'], [TCP_EVENT_ABORT, 'LISTEN']]);
  });

  test('an unanswered SYN in SYN_SENT (fixed timer): first repeat after 3 s, then every 2 s (TCP_SYN_RETRY_TOUT), 7 repeats, RST + ABORT', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker' } });
    const a = h.socket();
    h.api.fnTCP_Connect(a, new Uint8Array([198, 18, 0, 2]), 7, 0, 0);
    h.advance(100_000);
    expect(h.pending().map((x) => [x.at / 1000, x.flags])).toEqual([
      [0, 'S'], [3, 'S'], [5, 'S'], [7, 'S'], [9, 'S'], [11, 'S'], [13, 'S'], [15, 'S'], [17, 'R'],
    ]);
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ABORT, 'CLOSED']]);
  });
});
