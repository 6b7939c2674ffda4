/** The µTasker API surface: constants, argument checking, helpers, listener failures, malformed input, counters. */
import * as api from '../../src/api/tcp.js';
import {
  APP_ACCEPT, GET_LOCAL_PORT, GET_REMOTE_PORT, NO_FREE_PORTS_AVAILABLE, NO_TCP_LISTENER_INSTALLED, NO_TCP_SOCKET_FREE,
  RESET_CONNECTIONS, SEARCH_CONNECTION, SOCKET_NOT_FOUND, SOCKET_STATE_INVALID, TCP_EVENT_ABORT, TCP_EVENT_CONNECTED,
  TCP_EVENT_CONREQ, TCP_EVENT_DATA, tcpConfig,
} from '../../src/api/tcp.js';
import { emitTcp } from '../../src/net/wire/tcp.js';
import { bytes, LOCAL, PEER, PEER_IP, TcpHarness } from './harness.js';

const BAD_SOCKETS = [-1, -3, 8, 100, 0.5, Number.NaN, Number.POSITIVE_INFINITY, '0' as unknown as number, undefined as unknown as number];

describe('constants have µTasker\'s values (spec §1)', () => {
  test('states, events, APP_* codes, errors, TOS, flags', () => {
    expect([api.TCP_STATE_FREE, api.TCP_STATE_RESERVED, api.TCP_STATE_CLOSED, api.TCP_STATE_LISTEN, api.TCP_STATE_TIME_WAIT,
      api.TCP_STATE_SYN_RCVD, api.TCP_STATE_SYN_SENT, api.TCP_STATE_FIN_WAIT_1, api.TCP_STATE_FIN_WAIT_2, api.TCP_STATE_CLOSING,
      api.TCP_STATE_CLOSE_WAIT, api.TCP_STATE_LAST_ACK, api.TCP_STATE_ESTABLISHED])
      .toEqual([0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x90, 0xa0, 0xb0]);
    expect([api.TCP_EVENT_ABORT, api.TCP_EVENT_CONNECTED, api.TCP_EVENT_ACK, api.TCP_EVENT_DATA, api.TCP_EVENT_CLOSE,
      api.TCP_EVENT_CLOSED, api.TCP_EVENT_REGENERATE, api.TCP_EVENT_CONREQ, api.TCP_EVENT_ARP_RESOLUTION_FAILED,
      api.TCP_EVENT_PARTIAL_ACK, api.TCP_WINDOW_UPDATE, api.TCP_WINDOW_PROBE]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect([api.APP_ACCEPT, api.APP_SENT_DATA, api.APP_REJECT, api.APP_WAIT, api.APP_REQUEST_CLOSE, api.APP_REJECT_DATA,
      api.HANDLING_PARTICAL_ACK, api.APP_REQUEST_AUTHENTICATION, api.APP_SECURITY_HANDLED, api.APP_FREE_DATA, api.APP_SECURITY_CONNECTED])
      .toEqual([0, 1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200]);
    expect([api.NO_TCP_LISTENER_INSTALLED, api.NO_TCP_SOCKET_FREE, api.SOCKET_NOT_FOUND, api.SOCKET_STATE_INVALID,
      api.NO_FREE_PORTS_AVAILABLE, api.INVALID_INTERFACE, api.NO_ARP_ENTRY]).toEqual([-1, -2, -3, -4, -5, -6, -1]);
    expect([api.TOS_NORMAL_SERVICE, api.TOS_MINIMISE_DELAY, api.TOS_MAXIMISE_THROUGHPUT, api.TOS_MAXIMISE_RELIABILITY,
      api.TOS_MINIMISE_MONETARY_COST]).toEqual([0, 0x10, 0x08, 0x04, 0x02]);
    expect([api.TCP_FLAG_FIN, api.TCP_FLAG_SYN, api.TCP_FLAG_RESET, api.TCP_FLAG_PUSH, api.TCP_FLAG_ACK, api.TCP_FLAG_FIN_RECEIVED])
      .toEqual([1, 2, 4, 8, 0x10, 0x80]);
  });

  test('timers, sizes, helpers and buffered-TCP commands', () => {
    expect([api.TCP_DEF_RETRIES, api.TCP_SYN_RETRY_TOUT, api.TCP_STANDARD_RETRY_TOUT, api.TCP_SILLY_WINDOW_DELAY,
      api.TCP_DEFAULT_TIMEOUT, api.INFINITE_TIMEOUT, api.TCP_MSL_TIMEOUT, api.TCP_FIN_WAIT_2_TIMEOUT]).toEqual([7, 2, 3, 5, 120, 0xffff, 60, 60]);
    expect([api.TCP_DEF_MTU, api.TCP_MAX_WINDOW_SIZE, api.MIN_TCP_HLEN, api.MAX_TCP_OPTLEN, api.TCP_PORTS_START, api.TCP_PORTS_END,
      api.TCP_BUFFER, api.TCP_BUFFER_FRAME, api.WINDOWING_BUFFERS, api.MAX_TTL]).toEqual([1460, 1460, 20, 40, 49152, 65535, 2800, 1400, 4, 128]);
    expect([GET_LOCAL_PORT, GET_REMOTE_PORT, SEARCH_CONNECTION, RESET_CONNECTIONS, api.E_POLL_TCP, api.TX_FREE]).toEqual([0, 1, 0, 1, 1, 0xdd]);
    expect([api.TCP_BUF_SEND, api.TCP_BUF_NEXT, api.TCP_BUF_REP, api.TCP_BUF_CHECK, api.TCP_BUF_SEND_REPORT_COPY,
      api.TCP_CONTENT_NEGOTIATION, api.TCP_REPEAT_WINDOW, api.TCP_BUF_KICK_NEXT, api.TCP_BUF_QUEUE, api.TCP_BUF_PREPARE])
      .toEqual([1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200]);
  });

  test('tcpConfig maps µTasker names (seconds) onto the stack configuration', () => {
    expect(tcpConfig({ NO_OF_TCPSOCKETS: 3, TCP_DEF_RETRIES: 4, TCP_STANDARD_RETRY_TOUT: 2, TCP_MSL_TIMEOUT: 2, REUSE_TIME_WAIT_SOCKETS: false }))
      .toEqual({ sockets: 3, retries: 4, retryMs: 2000, mslMs: 2000, reuseTimeWaitSockets: false });
    const h = new TcpHarness({ config: tcpConfig({ NO_OF_TCPSOCKETS: 2 }) });
    expect([h.socket(), h.socket(), h.socket()]).toEqual([0, 1, NO_TCP_SOCKET_FREE]);
  });
});

describe('argument checking: error codes, never an exception', () => {
  test('fnGetTCP_Socket: no listener → NO_TCP_LISTENER_INSTALLED; pool exhausted → NO_TCP_SOCKET_FREE; released sockets come back', () => {
    const h = new TcpHarness({ config: { sockets: 2 } });
    expect(h.api.fnGetTCP_Socket(0, 10, null as never)).toBe(NO_TCP_LISTENER_INSTALLED);
    expect(h.api.fnGetTCP_Socket(0, 10, 'f' as never)).toBe(NO_TCP_LISTENER_INSTALLED);
    expect(h.api.fnGetTCP_Socket(256, 10, h.listener)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnGetTCP_Socket(0, 70000, h.listener)).toBe(SOCKET_STATE_INVALID);
    expect(h.socket()).toBe(0);
    expect(h.socket()).toBe(1);
    expect(h.socket()).toBe(NO_TCP_SOCKET_FREE);
    expect(h.api.fnReleaseTCP_Socket(0)).toBe(0);
    expect(h.api.fnGetTCP_state(0)).toBe(api.TCP_STATE_FREE);
    expect(h.socket()).toBe(0);
  });

  test('every function rejects bad socket numbers with SOCKET_NOT_FOUND (or 0 where the C type is unsigned)', () => {
    const h = new TcpHarness();
    h.socket();
    const buf = new Uint8Array(30);
    for (const b of BAD_SOCKETS) {
      expect(h.api.fnReleaseTCP_Socket(b)).toBe(SOCKET_NOT_FOUND);
      expect(h.api.fnTCP_Listen(b, 80, 0)).toBe(SOCKET_NOT_FOUND);
      expect(h.api.fnTCP_Connect(b, PEER_IP, 80, 0, 0)).toBe(SOCKET_NOT_FOUND);
      expect(h.api.fnTCP_close(b)).toBe(SOCKET_NOT_FOUND);
      expect(h.api.fnSendTCP(b, buf, 5, 0)).toBe(SOCKET_NOT_FOUND);
      expect(h.api.fnModifyTCPWindow(b, 100)).toBe(SOCKET_NOT_FOUND);
      expect(h.api.fnReportTCPWindow(b, 100)).toBe(SOCKET_NOT_FOUND);
      expect(h.api.fnTCP_IdleTimeout(b, 100)).toBe(SOCKET_NOT_FOUND);
      expect(h.api.fnGetTCP_state(b)).toBe(SOCKET_NOT_FOUND);
      expect(h.api.fnSendBufTCP(b, buf, 5, api.TCP_BUF_SEND)).toBe(0);
      expect(h.api.fnDefineTCPBufferSize(b, 100)).toBe(0);
      expect(h.api.fnGetTCP_port(b, GET_LOCAL_PORT)).toBe(0);
      expect(() => h.api.fnTCP_Activity(b)).not.toThrow();
    }
    h.expectNothingSent();
  });

  test('wrong states and out-of-range arguments return SOCKET_STATE_INVALID', () => {
    const h = new TcpHarness();
    const s = h.socket();
    expect(h.api.fnTCP_Listen(s, 70000, 0)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnTCP_Listen(s, 80, -1)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnTCP_Listen(s, 0, 0)).toBe(SOCKET_STATE_INVALID); // no previous port to keep
    expect(h.api.fnTCP_Connect(s, new Uint8Array([1, 2, 3]), 80, 0, 0)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnTCP_Connect(s, 'x' as never, 80, 0, 0)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnTCP_Connect(s, new Uint8Array([0, 0, 0, 0]), 80, 0, 0)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnTCP_Connect(s, new Uint8Array([255, 255, 255, 255]), 80, 0, 0)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnTCP_Connect(s, new Uint8Array([224, 0, 0, 1]), 80, 0, 0)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnTCP_Connect(s, PEER_IP, 0, 0, 0)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnTCP_Connect(s, PEER_IP, 80, 1.5, 0)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnSendTCP(s, new Uint8Array(10), 5, 0)).toBe(SOCKET_STATE_INVALID); // buffer shorter than 20 + 5
    expect(h.api.fnReportTCPWindow(s, 100)).toBe(SOCKET_STATE_INVALID); // not established
    expect(h.api.fnActiveTCP_connections(7)).toBe(SOCKET_STATE_INVALID);
    h.openPassive(s);
    expect(h.api.fnTCP_Listen(s, 80, 0)).toBe(SOCKET_STATE_INVALID);
    expect(h.api.fnTCP_Connect(s, PEER_IP, 80, 0, 0)).toBe(SOCKET_STATE_INVALID);
    expect(h.state(s)).toBe('ESTABLISHED');
    h.expectNothingSent();
  });

  test('fnTCP_Listen keeps the previous port when given 0 and is allowed in RESERVED, CLOSED, LISTEN and TIME_WAIT', () => {
    const h = new TcpHarness();
    const s = h.socket();
    expect(h.api.fnTCP_Listen(s, 80, 0)).toBe(s);
    expect(h.api.fnTCP_Listen(s, 0, 0)).toBe(s);
    expect(h.api.fnGetTCP_port(s, GET_LOCAL_PORT)).toBe(80);
    h.api.fnTCP_close(s);
    expect(h.api.fnTCP_Listen(s, 0, 0)).toBe(s);
  });

  test('fnTCP_Connect refuses a 4-tuple another socket already uses', () => {
    const h = new TcpHarness();
    const a = h.socket();
    h.openPassive(a);
    const b = h.socket();
    expect(h.api.fnTCP_Connect(b, PEER_IP, 40000, 80, 0)).toBe(SOCKET_STATE_INVALID);
  });

  test('fnGetFreeTCP_Port cycles through 49152..65535 skipping ports in use; NO_FREE_PORTS_AVAILABLE when all are taken', () => {
    const h = new TcpHarness({ config: { sockets: 2 } });
    const p1 = h.api.fnGetFreeTCP_Port();
    const p2 = h.api.fnGetFreeTCP_Port();
    expect(p1).toBeGreaterThanOrEqual(49152);
    expect(p2).toBe(p1 === 65535 ? 49152 : p1 + 1);
    const s = h.socket();
    h.api.fnTCP_Listen(s, p2 === 65535 ? 49152 : p2 + 1, 0);
    const p3 = h.api.fnGetFreeTCP_Port();
    expect(p3).toBe(p2 + 2 > 65535 ? p2 + 2 - 16384 : p2 + 2);
  });

  test('fnInsertTCPHeader returns the payload position (20 bytes in); fnGetTCP_port gives local/remote ports', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const buf = new Uint8Array(30);
    const payload = h.api.fnInsertTCPHeader(s, buf);
    expect(payload.length).toBe(10);
    expect(payload.byteOffset).toBe(20);
    h.openPassive(s);
    expect([h.api.fnGetTCP_port(s, GET_LOCAL_PORT), h.api.fnGetTCP_port(s, GET_REMOTE_PORT), h.api.fnGetTCP_port(s, 2)]).toEqual([80, 40000, 0]);
  });

  test('fnActiveTCP_connections: SEARCH says whether any socket is beyond LISTEN; RESET aborts them all (RST + ABORT)', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Listen(s, 81, 0);
    expect(h.api.fnActiveTCP_connections(SEARCH_CONNECTION)).toBe(0);
    const iss = h.openPassive(h.socket());
    expect(h.api.fnActiveTCP_connections(SEARCH_CONNECTION)).toBe(1);
    expect(h.api.fnActiveTCP_connections(RESET_CONNECTIONS)).toBe(0);
    h.expectSent({ flags: 'R', seq: iss + 1 });
    expect(h.takeEvents().map((e) => [e.event, e.state])).toEqual([[TCP_EVENT_ABORT, 'CLOSED']]);
    expect(h.api.fnActiveTCP_connections(SEARCH_CONNECTION)).toBe(0);
    expect(h.state(s)).toBe('LISTEN');
  });

  test('fnReleaseTCP_Socket in ESTABLISHED discards silently: nothing sent, no event, later segments get a RST', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    expect(h.api.fnReleaseTCP_Socket(s)).toBe(s);
    h.expectNothingSent();
    expect(h.takeEvents()).toEqual([]);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'x' });
    h.expectSent({ flags: 'R', seq: iss + 1 });
    expect(h.stack.nextDeadline()).toBeUndefined();
  });
});

describe('a listener that throws', () => {
  test('is caught and counted; its answer counts as APP_ACCEPT (the CONREQ is accepted, data acknowledged)', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.app = () => {
      throw new Error('application bug');
    };
    h.api.fnTCP_Listen(s, 80, 0);
    expect(() => h.recv({ flags: 'S', seq: 1000 })).not.toThrow();
    const synAck = h.expectSent({ flags: 'SA', ack: 1001 });
    h.recv({ flags: 'PA', seq: 1001, ack: synAck.seq + 1, payload: 'abc' });
    h.expectSent({ flags: 'A', ack: 1004 });
    expect(h.takeEvents().map((e) => e.event)).toEqual([TCP_EVENT_CONREQ, TCP_EVENT_CONNECTED, TCP_EVENT_DATA]);
    expect(h.stack.counters.get('tcp.listener-errors')).toBe(3);
  });
});

describe('malformed segments are dropped and counted without effect', () => {
  function established(): { h: TcpHarness; s: number; iss: number } {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    return { h, s, iss };
  }
  function segment(iss: number, payload = 'data'): Uint8Array {
    const buf = new Uint8Array(64);
    const n = emitTcp({ srcPort: 40000, dstPort: 80, seq: 1001, ack: iss + 1, flags: 0x18, window: 8192, urgent: 0, options: {} }, bytes(payload), PEER, LOCAL, buf, 0);
    return buf.slice(0, n);
  }

  test('bad checksum', () => {
    const { h, iss } = established();
    const seg = segment(iss);
    seg[seg.length - 1] ^= 0x01;
    h.recvRaw(seg);
    h.expectNothingSent();
    expect(h.takeEvents()).toEqual([]);
    expect(h.stack.counters.get('tcp.drop.tcp-bad-checksum')).toBe(1);
  });

  test('header length below 20 or beyond the segment', () => {
    const { h, iss } = established();
    for (const offsetWords of [4, 15]) {
      const seg = segment(iss, '');
      seg[12] = offsetWords << 4;
      h.recvRaw(seg);
    }
    h.expectNothingSent();
    expect(h.stack.counters.get('tcp.drop.tcp-bad-header-length')).toBe(2);
  });

  test('truncated segments, port 0, and random garbage never throw and never answer', () => {
    const { h, s } = established();
    h.recvRaw(new Uint8Array(10));
    h.recvRaw(new Uint8Array(0));
    let x = 7;
    for (let i = 0; i < 300; i++) {
      const junk = new Uint8Array(20 + (i % 40));
      for (let j = 0; j < junk.length; j++) junk[j] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
      expect(() => h.recvRaw(junk)).not.toThrow();
    }
    expect(h.state(s)).toBe('ESTABLISHED');
    h.expectNothingSent();
    expect(h.stack.counters.get('tcp.drop.tcp-truncated')).toBe(2);
    expect(h.stack.counters.get('tcp.drops')).toBe(302);
    expect(h.stack.counters.get('tcp.internal-errors')).toBe(0);
  });
});

describe('counters, socket table and timers', () => {
  test('counters count segments in/out, resets, retransmissions and drops by reason', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker' } });
    const s = h.socket();
    h.openPassive(s);
    h.app = () => 1;
    h.sendTcp(s, 'abc');
    h.advance(3000);
    h.recv({ flags: 'A', seq: 5, dstPort: 81 });
    const c = h.stack.counters.snapshot();
    expect(c['tcp.in.segments']).toBe(3);
    expect(c['tcp.out.segments']).toBe(3); // SYN+ACK, data, RST (the regenerate sent nothing)
    expect(c['tcp.out.resets']).toBe(1);
    expect(c['tcp.retransmissions']).toBe(1);
    expect(c['tcp.drop.tcp-no-socket']).toBe(1);
  });

  test('the socket table lists state, ports, peer, bytes and retransmissions', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'hello' });
    h.sendTcp(s, 'hi!');
    const l = h.socket();
    h.localPort = 81;
    h.api.fnTCP_Listen(l, 81, 0);
    expect(h.stack.socketTable()).toEqual([
      { socket: s, state: 0xb0, stateName: 'ESTABLISHED', localPort: 80, peerAddress: PEER, peerPort: 40000, bytesIn: 5, bytesOut: 3, retransmissions: 0 },
      { socket: l, state: 0x03, stateName: 'LISTEN', localPort: 81, peerAddress: 0, peerPort: 0, bytesIn: 0, bytesOut: 0, retransmissions: 0 },
    ]);
  });

  test('idle = no wakeups: with only listening and established sockets without timers, no clock timer is pending', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.openPassive(s);
    h.api.fnTCP_Listen(h.socket(), 81, 0);
    expect(h.stack.nextDeadline()).toBeUndefined();
    expect(h.clock.pendingTimers()).toBe(0);
    const runs = () => h.scheduler.stats.taskRuns['T'] ?? 0;
    const before = runs();
    h.advance(3_600_000);
    expect(runs()).toBe(before);
  });

  test('the TCP task\'s mono timer fires at the earliest deadline only (one run per deadline)', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker' } });
    const s = h.socket();
    h.openPassive(s);
    h.app = () => 1;
    h.sendTcp(s, 'x');
    const runs = () => h.scheduler.stats.taskRuns['T'] ?? 0;
    const before = runs();
    h.advance(2999);
    expect(runs()).toBe(before);
    h.advance(1);
    expect(runs()).toBe(before + 1);
  });

  test('the answer of a listener that returns something odd (undefined, NaN) counts as APP_ACCEPT', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.app = () => Number.NaN;
    h.api.fnTCP_Listen(s, 80, 0);
    h.recv({ flags: 'S', seq: 1 });
    h.expectSent({ flags: 'SA' });
    expect(APP_ACCEPT).toBe(0);
    expect(NO_FREE_PORTS_AVAILABLE).toBe(-5);
  });
});
