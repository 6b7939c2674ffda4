/**
 * Closing details of issue 10: the FIN_WAIT_2 limit as its own setting (defect 5), a
 * refused fnTCP_Connect that leaves the socket it meant to reuse alone (defect 6), and the
 * named items of defect 7 — fnSendTCP after our FIN, µTasker's handling of data after our
 * FIN, a RST without ACK in SYN_SENT in µTasker-compatible mode, µTasker's constant names.
 */
import * as api from '../../src/api/tcp.js';
import { SOCKET_STATE_INVALID, TCP_EVENT_ABORT, TCP_EVENT_CLOSED, TCP_EVENT_DATA, tcpConfig } from '../../src/api/tcp.js';
import { ticksPerSecond, DEFAULT_TICK_MS } from '../../src/api/scheduler.js';
import { resolveTcpConfig, UTASKER_CODE_COMPAT } from '../../src/net/tcp/config.js';
import { evs, PEER_IP, TcpHarness } from './harness.js';

/** A connection we closed, whose FIN the peer acknowledged: FIN_WAIT_2. */
function finWait2(h: TcpHarness): { s: number; iss: number } {
  const s = h.socket();
  const iss = h.openPassive(s);
  h.api.fnTCP_close(s);
  h.expectSent({ flags: 'FA', seq: iss + 1 });
  h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
  expect(h.state(s)).toBe('FIN_WAIT_2');
  return { s, iss };
}

describe('TCP_FIN_WAIT_2_TIMEOUT is its own setting', () => {
  test('a short MSL does not shorten the FIN_WAIT_2 limit (60 s stays)', () => {
    expect(resolveTcpConfig({ mslMs: 2000 }).finWait2TimeoutMs).toBe(60_000);
    expect(tcpConfig({ TCP_MSL_TIMEOUT: 2 })).toEqual({ mslMs: 2000 });
    expect(tcpConfig({ TCP_FIN_WAIT_2_TIMEOUT: 30 })).toEqual({ finWait2TimeoutMs: 30_000 });
    expect(api.TCP_FIN_WAIT_2_TIMEOUT).toBe(60);
  });

  test('µTasker-compatible: TIME_WAIT lasts 2 × 2 s, FIN_WAIT_2 gives up after 60 s', () => {
    const h = new TcpHarness({ config: UTASKER_CODE_COMPAT });
    const { s, iss } = finWait2(h);
    h.advance(59_999);
    expect(h.state(s)).toBe('FIN_WAIT_2');
    h.expectNothingSent();
    h.advance(1);
    h.expectSent({ flags: 'R', seq: iss + 2 });
    expect(h.takeEvents().map((e) => [e.at, e.event])).toEqual([[60_000, TCP_EVENT_ABORT]]);

    const t = h.socket();
    h.peerPort = 40001;
    const iss2 = h.openPassive(t);
    h.api.fnTCP_close(t);
    h.recv({ flags: 'FA', seq: 1001, ack: iss2 + 2 });
    expect(h.state(t)).toBe('TIME_WAIT');
    h.advance(3999);
    expect(h.state(t)).toBe('TIME_WAIT');
    h.advance(1);
    expect(h.state(t)).toBe('CLOSED');
  });
});

describe('a refused fnTCP_Connect', () => {
  test('leaves the FIN_WAIT_2 socket it would have reused untouched, with no event', () => {
    const h = new TcpHarness();
    const busy = h.socket();
    h.openPassive(busy); // PEER:40000 → port 80 is taken by this connection
    h.peerPort = 40001;
    const { s, iss } = finWait2(h);
    h.takeEvents();
    // The 4-tuple of `busy`: refused before anything changes.
    expect(h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 0)).toBe(SOCKET_STATE_INVALID);
    expect(h.state(s)).toBe('FIN_WAIT_2');
    expect(h.takeEvents()).toEqual([]);
    h.expectNothingSent();
    // The old connection still completes normally.
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 2, srcPort: 40001 });
    expect(h.state(s)).toBe('TIME_WAIT');
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_CLOSED, 'TIME_WAIT']]);
  });
});

describe('fnSendTCP once our FIN is sent', () => {
  test('returns SOCKET_STATE_INVALID in FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK and TIME_WAIT, sending nothing', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.skip();
    expect(h.state(s)).toBe('FIN_WAIT_1');
    expect(h.sendTcp(s, 'late')).toBe(SOCKET_STATE_INVALID);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 1 });
    h.skip();
    expect(h.state(s)).toBe('CLOSING');
    expect(h.sendTcp(s, 'late')).toBe(SOCKET_STATE_INVALID);
    h.recv({ flags: 'A', seq: 1002, ack: iss + 2 });
    expect(h.state(s)).toBe('TIME_WAIT');
    expect(h.sendTcp(s, 'late')).toBe(SOCKET_STATE_INVALID);
    h.expectNothingSent();

    const h2 = new TcpHarness();
    const { s: s2 } = finWait2(h2);
    expect(h2.sendTcp(s2, 'late')).toBe(SOCKET_STATE_INVALID);
    const t = h2.socket();
    h2.peerPort = 40001;
    const iss2 = h2.openPassive(t);
    h2.recv({ flags: 'FA', seq: 1001, ack: iss2 + 1, srcPort: 40001 });
    h2.skip();
    expect(h2.state(t)).toBe('LAST_ACK');
    expect(h2.sendTcp(t, 'late')).toBe(SOCKET_STATE_INVALID);
    h2.expectNothingSent();
  });
});

describe('µTasker-compatible switches', () => {
  test('deliverDataAfterFin off: data after our FIN is neither delivered nor acknowledged; a FIN with data is', () => {
    const h = new TcpHarness({ config: { deliverDataAfterFin: false } });
    const { s, iss } = finWait2(h);
    h.takeEvents();
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 2, payload: 'half' });
    h.expectNothingSent();
    expect(h.takeEvents()).toEqual([]);
    // The partner repeats it with its FIN: both are acknowledged, the data is still not delivered.
    h.recv({ flags: 'FPA', seq: 1001, ack: iss + 2, payload: 'half' });
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1006 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('TIME_WAIT');
    expect(h.takeEvents().map((e) => e.event)).toEqual([TCP_EVENT_CLOSED]);
    expect(h.takeEvents().filter((e) => e.event === TCP_EVENT_DATA)).toEqual([]);
  });

  test('simultaneousOpen off: a RST without ACK in SYN_SENT aborts the connection attempt (µTasker)', () => {
    const h = new TcpHarness({ config: { simultaneousOpen: false } });
    const s = h.socket();
    h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 0);
    h.expectSent({ flags: 'S' });
    h.recv({ flags: 'R', seq: 0 });
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ABORT, 'CLOSED']]);
    h.expectNothingSent();
  });

  test('simultaneousOpen on (RFC 9293): a RST without ACK in SYN_SENT is ignored', () => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Connect(s, PEER_IP, 40000, 80, 0);
    h.expectSent({ flags: 'S' });
    h.recv({ flags: 'R', seq: 0 });
    expect(h.takeEvents()).toEqual([]);
    expect(h.state(s)).toBe('SYN_SENT');
  });
});

describe('µTasker names', () => {
  test('T_TCP_PERIOD is one second in ticks; ARP_RESOLUTION_FAILED/SUCCESS are 3 and 4', () => {
    const exported = api as unknown as Record<string, unknown>;
    expect(exported.T_TCP_PERIOD).toBe(ticksPerSecond(DEFAULT_TICK_MS));
    expect(exported.T_TCP_PERIOD).toBe(20);
    expect([exported.ARP_RESOLUTION_FAILED, exported.ARP_RESOLUTION_SUCCESS]).toEqual([3, 4]);
  });
});
