/**
 * A lost window update under heavy loss (issue 11, item 6; docs/robustness.md): our
 * receive window closed, the peer went into persist, the ACK that reopened the window was
 * lost, and the peer's probes had backed off to two minutes — as long as the idle timeout,
 * which then closed the connection in the middle of the transfer. The stack now repeats
 * a reopening update (RTO, doubling, at most TCP_DEF_RETRIES times, until data shows the
 * peer saw it), and a probe from the peer reloads the idle timer as in µTasker.
 */
import { APP_ACCEPT, TCP_EVENT_CLOSE, TCP_EVENT_DATA } from '../../src/api/tcp.js';
import { startEcho } from '../../src/apps/echo.js';
import { bytes, TcpHarness, type Sent } from './harness.js';

const SEGMENT = 1460;
const block = (n: number, fill: number): string => String.fromCharCode(...new Array<number>(n).fill(fill));

/** Bare ACKs (no data, no FIN) sent at or after `from` ms that announce a window of at least `min`. */
function windowUpdates(h: TcpHarness, from: number, min: number): Sent[] {
  return h.net.log.filter((seg) => seg.at >= from && seg.flags === 'A' && seg.payload.length === 0 && seg.win >= min);
}

/** The echo service on port 7 with a two-segment buffer and window, connected to the peer; answers our ISS. */
function echoConnection(h: TcpHarness, idleTimeout: number): number {
  h.localPort = 7;
  startEcho(h.api, { port: 7, sockets: 1, bufferSize: 2 * SEGMENT, maxWindow: 2 * SEGMENT, idleTimeout });
  h.recv({ flags: 'S', seq: 1000, win: 8192, mss: SEGMENT });
  const iss = h.expectSent({ flags: 'SA', ack: 1001, win: 2 * SEGMENT }).seq;
  h.recv({ flags: 'A', seq: 1001, ack: iss + 1, win: 8192 });
  return iss;
}

/**
 * The peer fills the echo's window: two segments, echoed back, which closes the window
 * (the echoes fill the transmit buffer); the peer then acknowledges the echoes and the
 * echo service reopens the window with fnReportTCPWindow. Answers when that update left.
 */
function fillAndReopen(h: TcpHarness, iss: number): number {
  h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: block(SEGMENT, 0x61) });
  h.recv({ flags: 'PA', seq: 1001 + SEGMENT, ack: iss + 1, payload: block(SEGMENT, 0x62) });
  expect(h.net.log[h.net.log.length - 1].win).toBe(0); // the window is shut while the echo waits in the buffer
  const echoed = h.pending().reduce((n, seg) => n + seg.payload.length, 0);
  expect(echoed).toBe(2 * SEGMENT);
  h.skip();
  h.advance(100);
  h.recv({ flags: 'A', seq: 1001 + 2 * SEGMENT, ack: iss + 1 + 2 * SEGMENT, win: 8192 });
  const update = h.expectSent({ flags: 'A', seq: iss + 1 + 2 * SEGMENT, ack: 1001 + 2 * SEGMENT, win: 2 * SEGMENT, payload: '' });
  return update.at;
}

describe('a window update that reopens our window is repeated until the peer has seen it', () => {
  test('the lost update is sent again after the RTO, doubling, and stops once the peer sends data', () => {
    const h = new TcpHarness();
    const iss = echoConnection(h, 120);
    const reopened = fillAndReopen(h, iss); // this update is lost on the way
    h.advance(999);
    h.expectNothingSent();
    h.advance(1);
    h.expectSent({ flags: 'A', ack: 1001 + 2 * SEGMENT, win: 2 * SEGMENT, payload: '' }); // one RTO (1 s) later: lost too
    h.advance(1999);
    h.expectNothingSent();
    h.advance(1);
    const second = h.expectSent({ flags: 'A', ack: 1001 + 2 * SEGMENT, win: 2 * SEGMENT, payload: '' }); // two RTOs later
    expect(second.at - reopened).toBe(3000);
    // This one arrives: the peer sends data, which the echo takes and sends back.
    h.recv({ flags: 'PA', seq: 1001 + 2 * SEGMENT, ack: iss + 1 + 2 * SEGMENT, payload: block(SEGMENT, 0x63) });
    expect(h.expectSent({ seq: iss + 1 + 2 * SEGMENT }).payload.length).toBeGreaterThan(0);
    h.skip();
    h.recv({ flags: 'A', seq: 1001 + 3 * SEGMENT, ack: iss + 1 + 3 * SEGMENT, win: 8192 });
    const after = h.net.log.length;
    h.advance(100_000); // less than the idle timeout
    expect(windowUpdates(h, second.at + 1, 1).filter((seg) => seg.ack === 1001 + 2 * SEGMENT)).toEqual([]);
    expect(h.net.log.slice(after).filter((seg) => seg.flags.includes('F'))).toEqual([]);
    expect(h.stack.counters.get('tcp.window-update-repeats')).toBe(2);
  });

  test('a peer with nothing more to send gets at most TCP_DEF_RETRIES repeats, at doubling intervals', () => {
    const h = new TcpHarness();
    const iss = echoConnection(h, 0xffff);
    const reopened = fillAndReopen(h, iss);
    h.advance(600_000);
    const repeats = windowUpdates(h, reopened + 1, 2 * SEGMENT).map((seg) => seg.at - reopened);
    // RTO 1 s, doubled after each repeat, at most rtoMaxMs (60 s) apart; TCP_DEF_RETRIES = 7.
    expect(repeats).toEqual([1000, 3000, 7000, 15000, 31000, 63000, 123000]);
  });

  test('a window that closes again before the timer runs out is not announced again', () => {
    const h = new TcpHarness();
    const iss = echoConnection(h, 0xffff);
    const reopened = fillAndReopen(h, iss);
    h.advance(500);
    // The peer saw the window after all and filled it; the echo holds it shut again.
    h.recv({ flags: 'PA', seq: 1001 + 2 * SEGMENT, ack: iss + 1 + 2 * SEGMENT, payload: block(SEGMENT, 0x64) });
    h.recv({ flags: 'PA', seq: 1001 + 3 * SEGMENT, ack: iss + 1 + 2 * SEGMENT, payload: block(SEGMENT, 0x65) });
    h.skip();
    h.advance(600_000);
    expect(windowUpdates(h, reopened + 1, 1)).toEqual([]);
  });
});

describe('a peer in persist against a long-closed window, its probes backed off to 120 s, update lost (Linux over a lossy link)', () => {
  /**
   * The peer fills the window with one segment; the receiving application then takes
   * nothing for `closedMs` (its window is 0) and then reports the window. The peer probes the closed
   * window as Linux does (SEQ = SND.UNA − 1, no data; 200 ms doubling up to 120 s) and
   * sends its next segment as soon as an ACK shows an open window. The first window
   * update is lost. Idle timeout 120 s (TCP_DEFAULT_TIMEOUT).
   */
  function run(closedMs: number): { h: TcpHarness; delivered: number; closedAt: number | undefined } {
    const h = new TcpHarness();
    const s = h.socket(0, 120);
    const iss = h.openPassive(s, { window: SEGMENT });
    let delivered = 0;
    let closedAt: number | undefined;
    h.app = (e, data) => {
      if (e.event === TCP_EVENT_DATA && data !== null) {
        delivered += e.portLen;
        h.api.fnModifyTCPWindow(s, 0); // the application is busy
      }
      if (e.event === TCP_EVENT_CLOSE && closedAt === undefined) closedAt = e.at;
      return APP_ACCEPT;
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: block(SEGMENT, 0x66) });
    expect(h.expectSent({ flags: 'A', ack: 1001 + SEGMENT }).win).toBe(0);
    let nextProbe = 200;
    let backoff = 0;
    let sent = false;
    let updatesSeen = 0;
    for (let t = 0; t < 400_000 && !sent && h.state(s) === 'ESTABLISHED'; t += 100) {
      h.advance(100);
      if (t + 100 === closedMs) h.api.fnReportTCPWindow(s, SEGMENT);
      for (const seg of h.pending()) {
        if (seg.flags !== 'A' || seg.win === 0) continue;
        if (updatesSeen++ === 0) continue; // the first update is lost
        h.recv({ flags: 'PA', seq: 1001 + SEGMENT, ack: iss + 1, payload: 'second' });
        sent = true;
        break;
      }
      h.skip();
      if (!sent && t + 100 >= nextProbe) {
        h.recv({ flags: 'A', seq: 1000 + SEGMENT, ack: iss + 1 });
        backoff++;
        nextProbe = t + 100 + Math.min(120_000, 200 * 2 ** backoff);
      }
    }
    return { h, delivered, closedAt };
  }

  test('the transfer goes on: the probes keep the connection open and the repeated update gets through', () => {
    const { h, delivered, closedAt } = run(250_000);
    expect(closedAt).toBeUndefined();
    expect(delivered).toBe(SEGMENT + 'second'.length);
    expect(h.stack.counters.get('tcp.window-update-repeats')).toBe(1);
  });

  test('a peer silent against our zero window is still closed, after TCP_DEF_RETRIES more idle periods', () => {
    const h = new TcpHarness();
    const s = h.socket(0, 120);
    const iss = h.openPassive(s, { window: SEGMENT });
    h.app = (e) => {
      if (e.event === TCP_EVENT_DATA) h.api.fnModifyTCPWindow(s, 0);
      return APP_ACCEPT;
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: bytes(block(SEGMENT, 0x66)) });
    h.advance(1000_000);
    expect(h.events.filter((e) => e.event === TCP_EVENT_CLOSE).map((e) => e.at)).toEqual([8 * 120_000]);
    expect(h.stack.counters.get('tcp.idle-extensions')).toBe(7);
  });
});

describe('the idle timeout and a peer that owes us data', () => {
  /** A connection with idle timeout 120 s that received 'abc' in order; answers our ISS. */
  function connected(h: TcpHarness): number {
    const s = h.socket(0, 120);
    const iss = h.openPassive(s);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abc' });
    h.skip();
    return iss;
  }

  test('out-of-order data waiting for a gap keeps the connection open while the peer\'s retransmission backs off', () => {
    const h = new TcpHarness();
    const iss = connected(h);
    h.recv({ flags: 'PA', seq: 1007, ack: iss + 1, payload: 'ghi' }); // 'def' was lost
    h.skip();
    h.advance(200_000); // the peer's timer has backed off past the idle timeout
    h.recv({ flags: 'PA', seq: 1004, ack: iss + 1, payload: 'def' });
    expect(h.events.filter((e) => e.event === TCP_EVENT_DATA).map((e) => e.data).join('')).toBe('abcdefghi');
    expect(h.events.filter((e) => e.event === TCP_EVENT_CLOSE)).toEqual([]);
    expect(h.net.log.filter((seg) => seg.flags.includes('F'))).toEqual([]);
    // Once the gap is filled and nothing is owed, idle means idle again: 120 s after the last data.
    h.advance(120_000);
    expect(h.events.filter((e) => e.event === TCP_EVENT_CLOSE).map((e) => e.at)).toEqual([320_000]);
  });

  test('so does out-of-order data the stack could not keep (the peer must resend it too)', () => {
    const h = new TcpHarness({ config: { reassembly: false } });
    const iss = connected(h);
    h.recv({ flags: 'PA', seq: 1007, ack: iss + 1, payload: 'ghi' }); // dropped: nothing is held
    h.advance(200_000);
    h.recv({ flags: 'PA', seq: 1004, ack: iss + 1, payload: 'defghi' });
    expect(h.events.filter((e) => e.event === TCP_EVENT_DATA).map((e) => e.data).join('')).toBe('abcdefghi');
    expect(h.events.filter((e) => e.event === TCP_EVENT_CLOSE)).toEqual([]);
    expect(h.stack.counters.get('tcp.idle-extensions')).toBe(1);
  });

  test('and so does a bare ACK numbered beyond RCV.NXT: the segments before it were lost', () => {
    const h = new TcpHarness();
    const iss = connected(h);
    h.recv({ flags: 'A', seq: 1010, ack: iss + 1 }); // the peer has sent up to 1010; 'def' and 'ghi' were lost
    h.advance(200_000);
    h.recv({ flags: 'PA', seq: 1004, ack: iss + 1, payload: 'defghi' });
    expect(h.events.filter((e) => e.event === TCP_EVENT_DATA).map((e) => e.data).join('')).toBe('abcdefghi');
    expect(h.events.filter((e) => e.event === TCP_EVENT_CLOSE)).toEqual([]);
  });

  test('with nothing owed, the idle timeout closes after 120 s as in µTasker', () => {
    const h = new TcpHarness();
    connected(h);
    h.advance(125_000);
    expect(h.events.filter((e) => e.event === TCP_EVENT_CLOSE).map((e) => e.at)).toEqual([120_000]);
    expect(h.stack.counters.get('tcp.idle-extensions')).toBe(0);
  });
});
