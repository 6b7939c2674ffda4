/**
 * The seed behaviours of issue 3 (fnTCP_close and the close handshake), one test or group
 * per seed, named after it. Expected values come from the seed text and RFC 9293.
 */
import {
  APP_ACCEPT, APP_REQUEST_CLOSE, APP_SENT_DATA, SOCKET_NOT_FOUND, SOCKET_STATE_INVALID,
  TCP_EVENT_ABORT, TCP_EVENT_ACK, TCP_EVENT_CLOSE, TCP_EVENT_CLOSED, TCP_EVENT_CONNECTED, TCP_EVENT_CONREQ, TCP_EVENT_DATA,
} from '../../src/api/tcp.js';
import { evs, PEER2, PEER_IP, TcpHarness } from './harness.js';

const MSL = 60_000;

describe('seed 1: fnTCP_close', () => {
  test('seed 1: from ESTABLISHED it sends FIN (FIN_WAIT_1) and returns the socket number', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    expect(h.api.fnTCP_close(s)).toBe(s);
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1001, win: 1460 });
    expect(h.state(s)).toBe('FIN_WAIT_1');
    expect(h.takeEvents()).toEqual([]);
  });

  test('seed 1: from SYN_RCVD it sends FIN (FIN_WAIT_1) and returns the socket number', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Listen(s, 80, 0);
    h.recv({ flags: 'S', seq: 1000 });
    const synAck = h.expectSent({ flags: 'SA' });
    expect(h.api.fnTCP_close(s)).toBe(s);
    h.expectSent({ flags: 'FA', seq: synAck.seq + 1, ack: 1001 });
    expect(h.state(s)).toBe('FIN_WAIT_1');
    // The peer acknowledges SYN and FIN and closes too.
    h.recv({ flags: 'FA', seq: 1001, ack: synAck.seq + 2 });
    h.expectSent({ flags: 'A', seq: synAck.seq + 2, ack: 1002 });
    expect(h.state(s)).toBe('TIME_WAIT');
  });

  test('seed 1: from LISTEN it closes without a handshake (nothing sent, no event)', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Listen(s, 80, 0);
    expect(h.api.fnTCP_close(s)).toBe(s);
    expect(h.state(s)).toBe('CLOSED');
    h.expectNothingSent();
    expect(h.takeEvents()).toEqual([]);
    h.recv({ flags: 'S', seq: 1 });
    h.expectSent({ flags: 'RA', ack: 2 });
  });

  test('seed 1: from SYN_SENT it closes without a handshake; CLOSED is reported and a late SYN+ACK gets a RST', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 0);
    const syn = h.expectSent({ flags: 'S' });
    let relisten = 0;
    h.app = (e) => {
      if (e.event === TCP_EVENT_CLOSED) relisten = h.api.fnTCP_Listen(s, 80, 0);
    };
    expect(h.api.fnTCP_close(s)).toBe(s);
    h.expectNothingSent();
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data, e.portLen])).toEqual([[TCP_EVENT_CLOSED, 'CLOSED', '198.18.0.2', 40000]]);
    // Deviation from µTasker: the state is already CLOSED in the callback, so re-listening works.
    expect(relisten).toBe(s);
    h.recv({ flags: 'SA', seq: 9, ack: syn.seq + 1 });
    h.expectSent({ flags: 'R', seq: syn.seq + 1 });
  });

  test('seed 1: in invalid states it returns the error code', () => {
    const h = new TcpHarness({ config: { sockets: 2 } });
    expect(h.api.fnTCP_close(0)).toBe(SOCKET_STATE_INVALID); // FREE
    const s = h.socket();
    expect(h.api.fnTCP_close(s)).toBe(SOCKET_STATE_INVALID); // RESERVED
    h.api.fnTCP_Listen(s, 80, 0);
    h.api.fnTCP_close(s);
    expect(h.api.fnTCP_close(s)).toBe(SOCKET_STATE_INVALID); // CLOSED
    for (const bad of [-1, 2, 99, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(h.api.fnTCP_close(bad)).toBe(SOCKET_NOT_FOUND);
    h.expectNothingSent();
  });

  test('seed 1: a close already under way is not repeated (FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT return the socket)', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA' });
    expect(h.api.fnTCP_close(s)).toBe(s);
    h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
    expect(h.api.fnTCP_close(s)).toBe(s);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 2 });
    h.expectSent({ flags: 'A' });
    expect(h.api.fnTCP_close(s)).toBe(s);
    h.expectNothingSent();
  });

  test('seed 1: with data unacknowledged the FIN waits for the ACK of the data, then goes out at once', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.sendTcp(s, 'hello');
    h.expectSent({ flags: 'A', seq: iss + 1, payload: 'hello' });
    expect(h.api.fnTCP_close(s)).toBe(s);
    h.expectNothingSent();
    expect(h.state(s)).toBe('ESTABLISHED');
    h.recv({ flags: 'A', seq: 1001, ack: iss + 6 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ACK, 'ESTABLISHED']]);
    h.expectSent({ flags: 'FA', seq: iss + 6, ack: 1001 });
    expect(h.state(s)).toBe('FIN_WAIT_1');
  });

  test('seed 1: the HTTP 1.0 example — on TCP_EVENT_ACK with nothing left to send, fnTCP_close + APP_REQUEST_CLOSE', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    const blocks = ['HTTP/1.0 200 OK\r\n\r\n', '<html>hi</html>'];
    h.app = (e) => {
      if (e.event === TCP_EVENT_DATA) {
        h.sendTcp(s, blocks.shift()!);
        return APP_SENT_DATA;
      }
      if (e.event === TCP_EVENT_ACK) {
        if (blocks.length > 0) {
          h.sendTcp(s, blocks.shift()!);
          return APP_SENT_DATA;
        }
        h.api.fnTCP_close(s);
        return APP_REQUEST_CLOSE;
      }
      return APP_ACCEPT;
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'GET / HTTP/1.0\r\n\r\n' });
    // The reply carries the ACK of the request: no separate ACK.
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1019, payload: 'HTTP/1.0 200 OK\r\n\r\n' });
    h.expectNothingSent();
    h.recv({ flags: 'A', seq: 1019, ack: iss + 20 });
    h.expectSent({ flags: 'A', seq: iss + 20, ack: 1019, payload: '<html>hi</html>' });
    h.recv({ flags: 'A', seq: 1019, ack: iss + 35 });
    h.expectSent({ flags: 'FA', seq: iss + 35, ack: 1019 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('FIN_WAIT_1');
    h.recv({ flags: 'A', seq: 1019, ack: iss + 36 });
    expect(h.state(s)).toBe('FIN_WAIT_2');
    h.recv({ flags: 'FA', seq: 1019, ack: iss + 36 });
    h.expectSent({ flags: 'A', seq: iss + 36, ack: 1020 });
    expect(evs(h.takeEvents())).toEqual([
      [TCP_EVENT_DATA, 'ESTABLISHED'], [TCP_EVENT_ACK, 'ESTABLISHED'], [TCP_EVENT_ACK, 'ESTABLISHED'], [TCP_EVENT_CLOSED, 'TIME_WAIT'],
    ]);
  });

  test('seed 1: fnTCP_close inside TCP_EVENT_DATA with APP_REQUEST_CLOSE: the FIN acknowledges the data and the stack finishes the segment', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.app = (e) => {
      if (e.event === TCP_EVENT_DATA) {
        h.api.fnTCP_close(s);
        return APP_REQUEST_CLOSE;
      }
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'quit' });
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1005 });
    h.expectNothingSent();
    h.recv({ flags: 'FA', seq: 1005, ack: iss + 2 });
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1006 });
    expect(h.state(s)).toBe('TIME_WAIT');
  });
});

describe('seed 2: the close completes when our FIN is acknowledged and the partner has sent its own', () => {
  test('seed 2: TCP_EVENT_CLOSED arrives at that moment, with the socket in TIME_WAIT', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA' });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
    expect(h.takeEvents()).toEqual([]);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 2 });
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1002 });
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data, e.portLen])).toEqual([[TCP_EVENT_CLOSED, 'TIME_WAIT', '198.18.0.2', 40000]]);
  });
});

describe('seed 3: data from the partner in FIN_WAIT_2', () => {
  test('seed 3: partner ACKs our FIN and keeps sending: TCP_EVENT_DATA, acknowledged; then its FIN closes', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA' });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
    expect(h.state(s)).toBe('FIN_WAIT_2');
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 2, payload: 'late data' });
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1010 });
    h.recv({ flags: 'FA', seq: 1010, ack: iss + 2 });
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1011 });
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data])).toEqual([
      [TCP_EVENT_DATA, 'FIN_WAIT_2', 'late data'], [TCP_EVENT_CLOSED, 'TIME_WAIT', '198.18.0.2'],
    ]);
  });

  test('seed 3: data in FIN_WAIT_1 (before the ACK of our FIN) is delivered and acknowledged too', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA' });
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'crossing' });
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1009 });
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data])).toEqual([[TCP_EVENT_DATA, 'FIN_WAIT_1', 'crossing']]);
  });
});

describe('seed 4: partner unreachable during the close', () => {
  test('seed 4: partner unreachable during close: FIN repeated, then RST and TCP_EVENT_ABORT (fixed 3 s timer)', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker' } });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    const fins = [h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1001 }).at];
    for (let i = 0; i < 3; i++) {
      h.advance(2999);
      h.expectNothingSent();
      h.advance(1);
      fins.push(h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1001 }).at);
    }
    expect(fins).toEqual([0, 3000, 6000, 9000]);
    expect(h.takeEvents()).toEqual([]);
    h.advance(3000);
    h.expectSent({ flags: 'R', seq: iss + 2 });
    expect(h.takeEvents().map((e) => [e.at, e.event, e.state])).toEqual([[12000, TCP_EVENT_ABORT, 'CLOSED']]);
    h.advance(600_000);
    h.expectNothingSent();
  });

  test('seed 4: with RFC 6298 timing the FIN repeats back off (1, 2, 4 s) before the RST', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.openPassive(s);
    h.api.fnTCP_close(s);
    h.advance(60_000);
    const trace = h.pending().map((x) => [x.at, x.flags]);
    expect(trace).toEqual([[0, 'FA'], [1000, 'FA'], [3000, 'FA'], [7000, 'FA'], [15000, 'R']]);
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ABORT, 'CLOSED']]);
  });

  test('seed 4: the number of FIN repeats is configurable (µTasker\'s code repeats once)', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker', finRetries: 1 } });
    const s = h.socket();
    h.openPassive(s);
    h.api.fnTCP_close(s);
    h.advance(60_000);
    expect(h.pending().map((x) => [x.at, x.flags])).toEqual([[0, 'FA'], [3000, 'FA'], [6000, 'R']]);
  });
});

describe('seed 5: TIME_WAIT and reuse from the CLOSED callback', () => {
  test('seed 5: TIME_WAIT lasts 2×MSL (120 s by default), then CLOSED without another event', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 2 });
    h.takeEvents();
    h.advance(2 * MSL - 1);
    expect(h.state(s)).toBe('TIME_WAIT');
    h.advance(1);
    expect(h.state(s)).toBe('CLOSED');
    expect(h.takeEvents()).toEqual([]);
    expect(h.stack.nextDeadline()).toBeUndefined();
  });

  test('seed 5: a repeated FIN in TIME_WAIT is acknowledged again and restarts the 2×MSL wait', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA' });
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 2 });
    h.expectSent({ flags: 'A', ack: 1002 });
    h.advance(50_000);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 2 });
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1002 });
    h.advance(2 * MSL - 1);
    expect(h.state(s)).toBe('TIME_WAIT');
    h.advance(1);
    expect(h.state(s)).toBe('CLOSED');
  });

  test('seed 5: the application reuses the socket at once from TCP_EVENT_CLOSED (fnTCP_Listen) and a new connection works', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.app = (e) => {
      if (e.event === TCP_EVENT_CLOSED) expect(h.api.fnTCP_Listen(s, 0, 0)).toBe(s);
    };
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA' });
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 2 });
    h.expectSent({ flags: 'A', ack: 1002 });
    expect(h.state(s)).toBe('LISTEN');
    expect(h.api.fnGetTCP_port(s, 0)).toBe(80);
    h.takeEvents();
    h.recv({ flags: 'S', seq: 90000, srcPort: 40001 });
    const synAck = h.expectSent({ flags: 'SA', ack: 90001, dstPort: 40001 });
    h.recv({ flags: 'A', seq: 90001, ack: synAck.seq + 1, srcPort: 40001 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CONREQ, 'LISTEN'], [TCP_EVENT_CONNECTED, 'ESTABLISHED']]);
    expect(h.stack.nextDeadline()).toBeUndefined();
  });

  test('seed 5: fnTCP_Listen is allowed in TIME_WAIT and abandons the wait', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 2 });
    expect(h.state(s)).toBe('TIME_WAIT');
    expect(h.api.fnTCP_Listen(s, 0, 0)).toBe(s);
    expect(h.state(s)).toBe('LISTEN');
  });
});

describe('seed 6: REUSE_TIME_WAIT_SOCKETS', () => {
  /** A server socket closed actively and left in TIME_WAIT (the application does not re-listen). */
  function timeWaitSocket(h: TcpHarness): { s: number; iss: number } {
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 2 });
    h.takeEvents();
    h.skip();
    return { s, iss };
  }

  test('seed 6: a SYN from another peer finds no free socket: the TIME_WAIT socket is taken (CLOSED, port 0) and, re-listened, accepts it', () => {
    const h = new TcpHarness();
    const { s } = timeWaitSocket(h);
    h.app = (e) => {
      if (e.event === TCP_EVENT_CLOSED) h.api.fnTCP_Listen(s, 0, 0);
    };
    h.recv({ flags: 'S', seq: 7000, src: PEER2, srcPort: 50000 });
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data, e.portLen])).toEqual([
      [TCP_EVENT_CLOSED, 'CLOSED', '198.18.0.2', 0],
      [TCP_EVENT_CONREQ, 'LISTEN', '198.18.0.3', 50000],
    ]);
    h.expectSent({ flags: 'SA', ack: 7001, dst: PEER2, dstPort: 50000 });
    expect(h.state(s)).toBe('SYN_RCVD');
  });

  test('seed 6: a FIN_WAIT_2 socket is taken the same way', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
    expect(h.state(s)).toBe('FIN_WAIT_2');
    h.app = (e) => {
      if (e.event === TCP_EVENT_CLOSED) h.api.fnTCP_Listen(s, 0, 0);
    };
    h.recv({ flags: 'S', seq: 7000, srcPort: 50000 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CLOSED, 'CLOSED'], [TCP_EVENT_CONREQ, 'LISTEN']]);
    expect(h.state(s)).toBe('SYN_RCVD');
  });

  test('seed 6: when the application does not re-listen the SYN gets a RST', () => {
    const h = new TcpHarness();
    timeWaitSocket(h);
    h.recv({ flags: 'S', seq: 7000, src: PEER2, srcPort: 50000 });
    expect(h.takeEvents().map((e) => e.event)).toEqual([TCP_EVENT_CLOSED]);
    h.expectSent({ flags: 'RA', ack: 7001 });
  });

  test('seed 6: not from the same IP address and port as the old connection (that SYN meets TIME_WAIT: challenge ACK)', () => {
    const h = new TcpHarness();
    const { s, iss } = timeWaitSocket(h);
    h.recv({ flags: 'S', seq: 7000 });
    expect(h.takeEvents()).toEqual([]);
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1002 });
    expect(h.state(s)).toBe('TIME_WAIT');
  });

  test('seed 6: not when REUSE_TIME_WAIT_SOCKETS is off', () => {
    const h = new TcpHarness({ config: { reuseTimeWaitSockets: false } });
    const { s } = timeWaitSocket(h);
    h.recv({ flags: 'S', seq: 7000, src: PEER2 });
    expect(h.takeEvents()).toEqual([]);
    h.expectSent({ flags: 'RA' });
    expect(h.state(s)).toBe('TIME_WAIT');
  });

  test('seed 6: fnTCP_Connect reuses a TIME_WAIT socket (no event) and a FIN_WAIT_2 socket (CLOSED first); nothing goes to the old peer', () => {
    const h = new TcpHarness();
    const { s } = timeWaitSocket(h);
    expect(h.api.fnTCP_Connect(s, new Uint8Array([198, 18, 0, 3]), 7, 0, 0)).toBe(s);
    expect(h.takeEvents()).toEqual([]);
    h.expectSent({ flags: 'S', dst: PEER2, dstPort: 7 });

    const t = h.socket();
    h.localPort = 81;
    const iss = h.openPassive(t);
    h.api.fnTCP_close(t);
    h.expectSent({ flags: 'FA' });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 2, dstPort: 81 });
    expect(h.state(t)).toBe('FIN_WAIT_2');
    expect(h.api.fnTCP_Connect(t, new Uint8Array([198, 18, 0, 3]), 8, 0, 0)).toBe(t);
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data, e.portLen])).toEqual([[TCP_EVENT_CLOSED, 'CLOSED', '198.18.0.2', 40000]]);
    h.expectSent({ flags: 'S', dst: PEER2, dstPort: 8 });
    h.expectNothingSent();
  });

  test('seed 6: without REUSE_TIME_WAIT_SOCKETS fnTCP_Connect refuses TIME_WAIT', () => {
    const h = new TcpHarness({ config: { reuseTimeWaitSockets: false } });
    const { s } = timeWaitSocket(h);
    expect(h.api.fnTCP_Connect(s, new Uint8Array([198, 18, 0, 3]), 7, 0, 0)).toBe(SOCKET_STATE_INVALID);
  });
});

describe('seed 7: FIN_WAIT_2 does not block forever', () => {
  test('seed 7: after MSL without the partner\'s FIN: RST and TCP_EVENT_ABORT', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA' });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
    h.advance(MSL - 1);
    expect(h.state(s)).toBe('FIN_WAIT_2');
    h.expectNothingSent();
    h.advance(1);
    h.expectSent({ flags: 'R', seq: iss + 2 });
    expect(h.takeEvents().map((e) => [e.at, e.event, e.state])).toEqual([[MSL, TCP_EVENT_ABORT, 'CLOSED']]);
  });

  test('seed 7: TCP_FIN_WAIT_2_TIMEOUT is configurable', () => {
    const h = new TcpHarness({ config: { finWait2TimeoutMs: 5000 } });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
    h.advance(5000);
    expect(h.state(s)).toBe('CLOSED');
  });
});

describe('seed 8: passive close', () => {
  test('seed 8: partner FIN gives TCP_EVENT_CLOSE; APP_ACCEPT → our FIN (LAST_ACK); its ACK → TCP_EVENT_CLOSED', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 1 });
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1002 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('LAST_ACK');
    h.recv({ flags: 'A', seq: 1002, ack: iss + 2 });
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data, e.portLen])).toEqual([
      [TCP_EVENT_CLOSE, 'ESTABLISHED', '198.18.0.2', 40000], [TCP_EVENT_CLOSED, 'CLOSED', '198.18.0.2', 40000],
    ]);
    expect(h.stack.nextDeadline()).toBeUndefined();
  });

  test('seed 8: half close — another answer leaves CLOSE_WAIT (ACK only); data can still be sent; fnTCP_close later sends our FIN', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.app = (e) => (e.event === TCP_EVENT_CLOSE ? APP_SENT_DATA : APP_ACCEPT);
    h.recv({ flags: 'PFA', seq: 1001, ack: iss + 1, payload: 'bye' });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1005 });
    expect(h.state(s)).toBe('CLOSE_WAIT');
    expect(h.sendTcp(s, 'last words')).toBeGreaterThan(0);
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1005, payload: 'last words' });
    h.recv({ flags: 'A', seq: 1005, ack: iss + 11 });
    expect(h.api.fnTCP_close(s)).toBe(s);
    h.expectSent({ flags: 'FA', seq: iss + 11, ack: 1005 });
    expect(h.state(s)).toBe('LAST_ACK');
    h.recv({ flags: 'A', seq: 1005, ack: iss + 12 });
    expect(evs(h.takeEvents())).toEqual([
      [TCP_EVENT_DATA, 'ESTABLISHED'], [TCP_EVENT_CLOSE, 'ESTABLISHED'], [TCP_EVENT_ACK, 'CLOSE_WAIT'], [TCP_EVENT_CLOSED, 'CLOSED'],
    ]);
  });

  test('seed 8: fnTCP_close from inside TCP_EVENT_CLOSE sends one FIN that acknowledges the partner\'s (LAST_ACK)', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.app = (e) => {
      if (e.event === TCP_EVENT_CLOSE) {
        h.api.fnTCP_close(s);
        return APP_REQUEST_CLOSE;
      }
    };
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 1 });
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1002 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('LAST_ACK');
  });

  test('seed 8: APP_REJECT_DATA on TCP_EVENT_CLOSE refuses the FIN (not acknowledged); the repeated FIN is asked about again', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    let refuse = true;
    h.app = (e) => (e.event === TCP_EVENT_CLOSE && refuse ? 0x10 : APP_ACCEPT);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 1 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('ESTABLISHED');
    refuse = false;
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 1 });
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1002 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CLOSE, 'ESTABLISHED'], [TCP_EVENT_CLOSE, 'ESTABLISHED']]);
  });

  test('seed 8: the FIN of LAST_ACK is repeated and then the connection is reset when never acknowledged', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker' } });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 1 });
    h.takeEvents();
    h.advance(60_000);
    expect(h.pending().map((x) => [x.at, x.flags])).toEqual([[0, 'FA'], [3000, 'FA'], [6000, 'FA'], [9000, 'FA'], [12000, 'R']]);
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ABORT, 'CLOSED']]);
  });
});

describe('seed 9: idle timeout', () => {
  test('seed 9: no traffic for the idle timeout → FIN and TCP_EVENT_CLOSE (socket in FIN_WAIT_1)', () => {
    const h = new TcpHarness();
    const s = h.socket(0, 10);
    const iss = h.openPassive(s);
    h.advance(9999);
    h.expectNothingSent();
    h.advance(1);
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1001 });
    expect(h.takeEvents().map((e) => [e.at, e.event, e.state])).toEqual([[10_000, TCP_EVENT_CLOSE, 'FIN_WAIT_1']]);
  });

  test('seed 9: received traffic and fnTCP_Activity restart it; fnTCP_IdleTimeout applies from the next restart', () => {
    const h = new TcpHarness();
    const s = h.socket(0, 10);
    const iss = h.openPassive(s);
    h.advance(8000);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'x' });
    h.expectSent({ flags: 'A', ack: 1002 });
    h.advance(8000);
    h.api.fnTCP_Activity(s);
    expect(h.api.fnTCP_IdleTimeout(s, 2)).toBe(s);
    h.advance(9999);
    h.expectNothingSent();
    h.advance(1); // t = 26 s: 10 s after fnTCP_Activity
    h.expectSent({ flags: 'FA' });
    expect(h.state(s)).toBe('FIN_WAIT_1');
  });

  test('seed 9: sending data restarts the idle timer; INFINITE_TIMEOUT never expires', () => {
    const h = new TcpHarness();
    const s = h.socket(0, 5);
    h.openPassive(s);
    h.advance(4000);
    h.sendTcp(s, 'ping');
    h.expectSent({ payload: 'ping' });
    h.recv({ flags: 'A', seq: 1001, ack: h.net.log[h.net.log.length - 1].seq + 4 });
    h.advance(4999);
    h.expectNothingSent();
    h.advance(1);
    h.expectSent({ flags: 'FA' });

    const g = new TcpHarness();
    const t = g.socket(0, 0xffff);
    g.openPassive(t);
    g.advance(10 * 3600_000);
    g.expectNothingSent();
    expect(g.stack.nextDeadline()).toBeUndefined();
  });
});

describe('seed 10: simultaneous close and FIN+ACK in FIN_WAIT_1', () => {
  test('seed 10: both FINs cross → CLOSING; the ACK of our FIN → TIME_WAIT with TCP_EVENT_CLOSED', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1001 });
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 1 });
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1002 });
    expect(h.state(s)).toBe('CLOSING');
    expect(h.takeEvents()).toEqual([]);
    h.recv({ flags: 'A', seq: 1002, ack: iss + 2 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CLOSED, 'TIME_WAIT']]);
  });

  test('seed 10: a FIN+ACK that acknowledges our FIN in FIN_WAIT_1 → ACK and TIME_WAIT directly', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA' });
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 2 });
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1002 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CLOSED, 'TIME_WAIT']]);
  });

  test('seed 10: the partner\'s FIN arrives with the ACK of our data and the application closes in TCP_EVENT_ACK', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.sendTcp(s, 'data');
    h.expectSent({ payload: 'data' });
    h.app = (e) => {
      if (e.event === TCP_EVENT_ACK) {
        h.api.fnTCP_close(s);
        return APP_REQUEST_CLOSE;
      }
    };
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 5 });
    // The whole segment is processed first (the partner's FIN meets FIN_WAIT_1 → CLOSING),
    // then our FIN leaves and acknowledges it: one segment (µTasker's TCP_FLAG_FIN_RECEIVED).
    h.expectSent({ flags: 'FA', seq: iss + 5, ack: 1002 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('CLOSING');
    h.recv({ flags: 'A', seq: 1002, ack: iss + 6 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ACK, 'ESTABLISHED'], [TCP_EVENT_CLOSED, 'TIME_WAIT']]);
  });
});
