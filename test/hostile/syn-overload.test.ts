/**
 * Issue 11 item 1 on the simulated wire: a SYN for a port whose listeners are all busy is
 * not refused. Default: a stateless SYN cookie (RFC 4987), the connection taken when the
 * ACK returns and a socket is free; 'drop' lets the client repeat its SYN; 'reset' keeps
 * µTasker's RST. Ports nobody listens on still get a RST.
 */
import { APP_REJECT, TCP_EVENT_ABORT, TCP_EVENT_CLOSED, TCP_EVENT_CONNECTED, TCP_EVENT_CONREQ, TCP_EVENT_DATA } from '../../src/api/tcp.js';
import { SeededRandom } from '../../src/host/random.js';
import { SYN_COOKIE_SLOT_MS, SynCookies } from '../../src/net/tcp/syn-cookie.js';
import type { TcpConfig } from '../../src/net/tcp/config.js';
import type { TcpCore } from '../../src/net/tcp/core.js';
import { evs, PEER2, TcpHarness } from '../tcp/harness.js';

const CLIENT_PORT = 41000;

/** The control block of socket `s` (its sequence variables are what the cookie restores). */
function tcb(h: TcpHarness, s: number) {
  return (h.stack as unknown as { core: TcpCore }).core.sockets[s]!;
}

/** One socket on port 80, busy with an established connection from PEER:40000; `relisten` makes the app listen again after it ends. */
function busyPort(config: Partial<TcpConfig> = {}, relisten = true): { h: TcpHarness; s: number } {
  const h = new TcpHarness({ config });
  const s = h.socket();
  h.openPassive(s);
  h.app = (e) => {
    if (relisten && (e.event === TCP_EVENT_ABORT || e.event === TCP_EVENT_CLOSED)) h.api.fnTCP_Listen(e.socket, 80, 0);
  };
  return { h, s };
}

/** A SYN from PEER2:CLIENT_PORT with ISN 7000; returns the SYN+ACK's sequence number (the cookie). */
function cookieFor(h: TcpHarness, mss = 1460): number {
  h.recv({ flags: 'S', seq: 7000, mss, src: PEER2, srcPort: CLIENT_PORT });
  // A zero window: the client sends nothing but its ACK until a socket opens the window.
  return h.expectSent({ flags: 'SA', ack: 7001, mss: 1460, win: 0, dst: PEER2, srcPort: 80, dstPort: CLIENT_PORT }).seq;
}

describe('SYN cookies when every listener of the port is busy', () => {
  test('the SYN gets a stateless SYN+ACK; the returning ACK is queued while the socket is busy and connected the moment it is free', () => {
    const { h, s } = busyPort();
    const cookie = cookieFor(h);
    expect(h.state(s)).toBe('ESTABLISHED');
    expect(h.takeEvents()).toEqual([]);
    // The client completes its handshake: no socket is free, it is queued, nothing is answered.
    h.recv({ flags: 'A', seq: 7001, ack: cookie + 1, src: PEER2, srcPort: CLIENT_PORT, win: 5000 });
    h.expectNothingSent();
    expect(h.stack.counters.get('tcp.syn-backlog.waiting')).toBe(1);
    // The first connection ends; the application listens again and the socket takes the client at once.
    h.advance(300);
    h.recv({ flags: 'R', seq: 1001 });
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data, e.portLen])).toEqual([
      [TCP_EVENT_ABORT, 'CLOSED', '198.18.0.2', 40000],
      [TCP_EVENT_CONREQ, 'LISTEN', '198.18.0.3', CLIENT_PORT],
      [TCP_EVENT_CONNECTED, 'ESTABLISHED', '198.18.0.3', CLIENT_PORT],
    ]);
    // The ACK that opens the window: the client sends its request now.
    h.expectSent({ flags: 'A', seq: cookie + 1, ack: 7001, win: 1460, dst: PEER2, dstPort: CLIENT_PORT });
    expect(tcb(h, s)).toMatchObject({ remotePort: CLIENT_PORT, sndWnd: 5000, iss: cookie, irs: 7000, rcvNxt: 7001, peerMss: 1460 });
    h.recv({ flags: 'PA', seq: 7001, ack: cookie + 1, payload: 'GET', src: PEER2, srcPort: CLIENT_PORT, win: 5000 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_DATA, 'ESTABLISHED']]);
    h.expectSent({ flags: 'A', seq: cookie + 1, ack: 7004 });
    // The answer goes out in sequence after the cookie.
    expect(h.sendTcp(s, 'HTTP/1.0 200 OK')).toBeGreaterThan(0);
    h.expectSent({ flags: 'A', seq: cookie + 1, ack: 7004, payload: 'HTTP/1.0 200 OK' });
    expect(h.stack.counters.get('tcp.syn-cookies.accepted')).toBe(1);
  });

  test('a returning cookie that finds a free socket connects at once; data on it is delivered', () => {
    const { h, s } = busyPort();
    const cookie = cookieFor(h);
    h.recv({ flags: 'R', seq: 1001 });
    h.takeEvents();
    h.recv({ flags: 'PA', seq: 7001, ack: cookie + 1, payload: 'GET', src: PEER2, srcPort: CLIENT_PORT });
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data])).toEqual([
      [TCP_EVENT_CONREQ, 'LISTEN', '198.18.0.3'], [TCP_EVENT_CONNECTED, 'ESTABLISHED', '198.18.0.3'], [TCP_EVENT_DATA, 'ESTABLISHED', 'GET'],
    ]);
    h.expectSent({ flags: 'A', seq: cookie + 1, ack: 7004, win: 1460 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('ESTABLISHED');
  });

  test('a zero-window probe (SEQ = ISN) brings the cookie back too', () => {
    const { h, s } = busyPort();
    const cookie = cookieFor(h);
    h.recv({ flags: 'R', seq: 1001 });
    h.takeEvents();
    h.recv({ flags: 'A', seq: 7000, ack: cookie + 1, src: PEER2, srcPort: CLIENT_PORT });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CONREQ, 'LISTEN'], [TCP_EVENT_CONNECTED, 'ESTABLISHED']]);
    h.expectSent({ flags: 'A', seq: cookie + 1, ack: 7001, win: 1460 });
    expect(h.state(s)).toBe('ESTABLISHED');
  });

  test('queued clients get sockets in the order they completed their handshakes', () => {
    const { h, s } = busyPort();
    const cookies: number[] = [];
    for (let i = 0; i < 3; i++) {
      h.recv({ flags: 'S', seq: 7000 + i * 100, src: PEER2, srcPort: CLIENT_PORT + i });
      cookies.push(h.expectSent({ flags: 'SA', win: 0 }).seq);
    }
    for (const i of [2, 0, 1]) h.recv({ flags: 'A', seq: 7001 + i * 100, ack: cookies[i]! + 1, src: PEER2, srcPort: CLIENT_PORT + i });
    h.expectNothingSent();
    const served: number[] = [];
    h.app = (e) => {
      if (e.event === TCP_EVENT_CONNECTED) served.push(e.portLen);
      if (e.event === TCP_EVENT_ABORT) h.api.fnTCP_Listen(e.socket, 80, 0);
    };
    h.recv({ flags: 'R', seq: 1001 });
    for (const port of [CLIENT_PORT + 2, CLIENT_PORT]) {
      h.expectSent({ flags: 'A', dstPort: port });
      h.recv({ flags: 'R', seq: 7001 + (port - CLIENT_PORT) * 100, src: PEER2, srcPort: port });
    }
    h.expectSent({ flags: 'A', dstPort: CLIENT_PORT + 1 });
    expect(served).toEqual([CLIENT_PORT + 2, CLIENT_PORT, CLIENT_PORT + 1]);
    expect(h.state(s)).toBe('ESTABLISHED');
  });

  test('the queue is bounded (synBacklog) and a client waiting longer than 30 s is forgotten', () => {
    const { h } = busyPort({ synBacklog: 2 });
    const cookies: number[] = [];
    for (let i = 0; i < 3; i++) {
      h.recv({ flags: 'S', seq: 7000, src: PEER2, srcPort: CLIENT_PORT + i });
      cookies.push(h.expectSent({ flags: 'SA' }).seq);
      h.recv({ flags: 'A', seq: 7001, ack: cookies[i]! + 1, src: PEER2, srcPort: CLIENT_PORT + i });
    }
    expect(h.stack.counters.get('tcp.syn-backlog.waiting')).toBe(2);
    expect(h.stack.counters.get('tcp.drop.tcp-syn-backlog-full')).toBe(1);
    h.advance(30_001);
    h.recv({ flags: 'R', seq: 1001 });
    expect(h.stack.counters.get('tcp.drop.tcp-syn-backlog-expired')).toBe(2);
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ABORT, 'CLOSED']]);
    // The third client's probe brings its cookie back: the socket takes it.
    h.recv({ flags: 'A', seq: 7000, ack: cookies[2]! + 1, src: PEER2, srcPort: CLIENT_PORT + 2 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CONREQ, 'LISTEN'], [TCP_EVENT_CONNECTED, 'ESTABLISHED']]);
  });

  test('the peer MSS comes back from the cookie, rounded down to the cookie table', () => {
    const { h, s } = busyPort();
    const cookie = cookieFor(h, 1000);
    h.recv({ flags: 'R', seq: 1001 });
    h.recv({ flags: 'A', seq: 7001, ack: cookie + 1, src: PEER2, srcPort: CLIENT_PORT });
    expect(h.state(s)).toBe('ESTABLISHED');
    expect(tcb(h, s).peerMss).toBe(536);
  });

  test('a forged or stale cookie gets the RST any unmatched ACK gets', () => {
    const { h } = busyPort();
    const cookie = cookieFor(h);
    h.recv({ flags: 'R', seq: 1001 });
    h.takeEvents();
    // Wrong cookie, wrong client ISN, wrong client port: RFC 9293's <SEQ=SEG.ACK><CTL=RST>.
    h.recv({ flags: 'A', seq: 7001, ack: cookie + 2, src: PEER2, srcPort: CLIENT_PORT });
    h.expectSent({ flags: 'R', seq: cookie + 2, dstPort: CLIENT_PORT });
    h.recv({ flags: 'A', seq: 7002, ack: cookie + 1, src: PEER2, srcPort: CLIENT_PORT });
    h.expectSent({ flags: 'R', seq: cookie + 1 });
    h.recv({ flags: 'A', seq: 7001, ack: cookie + 1, src: PEER2, srcPort: CLIENT_PORT + 1 });
    h.expectSent({ flags: 'R', seq: cookie + 1, dstPort: CLIENT_PORT + 1 });
    expect(h.takeEvents()).toEqual([]);
    // Past two slots the cookie has expired.
    h.advance(2 * SYN_COOKIE_SLOT_MS);
    h.recv({ flags: 'A', seq: 7001, ack: cookie + 1, src: PEER2, srcPort: CLIENT_PORT });
    h.expectSent({ flags: 'R', seq: cookie + 1 });
    expect(h.takeEvents()).toEqual([]);
  });

  test('a listener that refuses the returning connection (APP_REJECT) makes it a RST', () => {
    const { h, s } = busyPort();
    const cookie = cookieFor(h);
    h.recv({ flags: 'R', seq: 1001 });
    h.takeEvents();
    h.app = (e) => (e.event === TCP_EVENT_CONREQ ? APP_REJECT : undefined);
    h.recv({ flags: 'A', seq: 7001, ack: cookie + 1, src: PEER2, srcPort: CLIENT_PORT });
    h.expectSent({ flags: 'R', seq: cookie + 1 });
    expect(h.state(s)).toBe('LISTEN');
  });

  test('a port nobody listens on gets a RST for a SYN, also while another port is busy', () => {
    const { h } = busyPort();
    h.recv({ flags: 'S', seq: 7000, src: PEER2, srcPort: CLIENT_PORT, dstPort: 81 });
    h.expectSent({ flags: 'RA', ack: 7001, srcPort: 81 });
  });

  test('once the application stops listening (no re-listen after the close) a SYN gets a RST', () => {
    const { h } = busyPort({}, false);
    h.recv({ flags: 'R', seq: 1001 });
    h.recv({ flags: 'S', seq: 7000, src: PEER2, srcPort: CLIENT_PORT });
    h.expectSent({ flags: 'RA', ack: 7001 });
  });

  test('under a SYN flood the returning cookie of a real client recycles a half-open socket at least 1 s old', () => {
    const h = new TcpHarness();
    const a = h.socket();
    const b = h.socket();
    h.api.fnTCP_Listen(a, 80, 0);
    h.api.fnTCP_Listen(b, 80, 0);
    for (let i = 0; i < 50; i++) h.recv({ flags: 'S', seq: 100 + i, srcPort: 1000 + i }); // spoofed, never completed
    expect([h.state(a), h.state(b)]).toEqual(['SYN_RCVD', 'SYN_RCVD']);
    expect(h.stack.counters.get('tcp.syn-cookies.sent')).toBe(48);
    expect(h.stack.counters.get('tcp.half-open-recycled')).toBe(0);
    h.skip();
    h.takeEvents();
    const cookie = cookieFor(h);
    // A real client answers within a round trip; the flood's half-open sockets are still young: it waits.
    h.recv({ flags: 'A', seq: 7001, ack: cookie + 1, src: PEER2, srcPort: CLIENT_PORT });
    h.expectNothingSent();
    // Once the oldest half-open socket is 1 s old the TCP task's next run recycles it for the client.
    h.advance(1000);
    expect(h.takeEvents().map((e) => [e.socket, e.event, e.state])).toEqual([
      [a, TCP_EVENT_ABORT, 'LISTEN'], [a, TCP_EVENT_CONREQ, 'LISTEN'], [a, TCP_EVENT_CONNECTED, 'ESTABLISHED'],
    ]);
    expect(h.pending().filter((x) => x.dst === PEER2).map((x) => [x.flags, x.ack, x.dstPort])).toEqual([['A', 7001, CLIENT_PORT]]);
    h.skip();
    h.recv({ flags: 'PA', seq: 7001, ack: cookie + 1, payload: 'GET', src: PEER2, srcPort: CLIENT_PORT });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_DATA, 'ESTABLISHED']]);
    h.expectSent({ flags: 'A', ack: 7004, dst: PEER2 });
    expect(h.stack.counters.get('tcp.half-open-recycled')).toBe(1);
  });
});

describe('the other overload rules (synOverload)', () => {
  test("'drop': the SYN is dropped silently and the client's repeat is taken once a socket is free", () => {
    const { h, s } = busyPort({ synOverload: 'drop' });
    h.recv({ flags: 'S', seq: 7000, src: PEER2, srcPort: CLIENT_PORT });
    h.expectNothingSent();
    h.recv({ flags: 'R', seq: 1001 });
    h.takeEvents();
    h.recv({ flags: 'S', seq: 7000, src: PEER2, srcPort: CLIENT_PORT });
    h.expectSent({ flags: 'SA', ack: 7001, dst: PEER2 });
    expect(h.state(s)).toBe('SYN_RCVD');
  });

  test("'reset' (µTasker, and UTASKER_CODE_COMPAT): the SYN is refused", () => {
    const { h } = busyPort({ synOverload: 'reset' });
    h.recv({ flags: 'S', seq: 7000, src: PEER2, srcPort: CLIENT_PORT });
    h.expectSent({ flags: 'RA', ack: 7001, dst: PEER2 });
  });
});

describe('SynCookies', () => {
  const L = 0xc6120001;
  const R = 0xc6120003;
  test('a cookie is bound to the 4-tuple and the client ISN, carries the MSS, and lives one to two slots', () => {
    const c = new SynCookies(new SeededRandom(7));
    const t0 = 5 * SYN_COOKIE_SLOT_MS + 100;
    const k = c.make(L, 80, R, 4000, 123456, 1460, t0);
    expect(c.check(L, 80, R, 4000, 123456, k, t0)).toBe(1460);
    expect(c.check(L, 80, R, 4000, 123456, k, t0 + 2 * SYN_COOKIE_SLOT_MS - 200)).toBe(1460);
    expect(c.check(L, 80, R, 4000, 123456, k, t0 + 2 * SYN_COOKIE_SLOT_MS)).toBe(0);
    expect(c.check(L, 80, R, 4001, 123456, k, t0)).toBe(0);
    expect(c.check(L, 81, R, 4000, 123456, k, t0)).toBe(0);
    expect(c.check(L, 80, R + 1, 4000, 123456, k, t0)).toBe(0);
    expect(c.check(L, 80, R, 4000, 123457, k, t0)).toBe(0);
    expect(c.check(L, 80, R, 4000, 123456, (k ^ 1) >>> 0, t0)).toBe(0);
    // Another stack's secret gives other cookies.
    expect(new SynCookies(new SeededRandom(8)).check(L, 80, R, 4000, 123456, k, t0)).toBe(0);
    for (const [mss, back] of [[9000, 1460], [1460, 1460], [1400, 1360], [536, 536], [512, 512], [100, 64], [1, 64]]) {
      const m = c.make(L, 80, R, 4000, 1, mss!, t0);
      expect(c.check(L, 80, R, 4000, 1, m, t0)).toBe(back);
    }
  });
});
