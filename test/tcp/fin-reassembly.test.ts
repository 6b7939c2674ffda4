/**
 * The peer's FIN beyond a gap (issue 10, defect 3): it is kept with the reassembly queue
 * and acknowledged as soon as the gap fills; a pure out-of-order FIN gets a duplicate ACK
 * at once, like out-of-order data (RFC 5681 §4.2).
 */
import { TCP_EVENT_CLOSE, TCP_EVENT_DATA } from '../../src/api/tcp.js';
import { UTASKER_CODE_COMPAT } from '../../src/net/tcp/config.js';
import { TcpHarness } from './harness.js';

describe('an out-of-order FIN', () => {
  test('a FIN held with out-of-order data is acknowledged when the gap fills (no retransmission needed)', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'FPA', seq: 1005, ack: iss + 1, payload: 'efgh' });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1001 }); // duplicate ACK: the gap is at 1001
    h.expectNothingSent();
    expect(h.takeEvents()).toEqual([]);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcd' });
    expect(h.takeEvents().map((e) => [e.event, e.data ?? '', e.state])).toEqual([
      [TCP_EVENT_DATA, 'abcd', 'ESTABLISHED'], [TCP_EVENT_DATA, 'efgh', 'ESTABLISHED'], [TCP_EVENT_CLOSE, '198.18.0.2', 'ESTABLISHED'],
    ]);
    // APP_ACCEPT on TCP_EVENT_CLOSE: one FIN that acknowledges the data and the peer's FIN.
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1010 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('LAST_ACK');
  });

  test('a pure out-of-order FIN gets a duplicate ACK, and is acknowledged once the data before it arrives', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'FA', seq: 1005, ack: iss + 1 });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1001 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('ESTABLISHED');
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcd' });
    expect(h.takeEvents().map((e) => e.event)).toEqual([TCP_EVENT_DATA, TCP_EVENT_CLOSE]);
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1006 });
    expect(h.state(s)).toBe('LAST_ACK');
  });

  test('in FIN_WAIT_2 the held FIN completes the close when the gap fills (TIME_WAIT)', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1001 });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
    expect(h.state(s)).toBe('FIN_WAIT_2');
    h.recv({ flags: 'FPA', seq: 1003, ack: iss + 2, payload: 'cd' });
    h.expectSent({ flags: 'A', ack: 1001 });
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 2, payload: 'ab' });
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1006 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('TIME_WAIT');
  });

  test('a FIN held beyond a gap is not taken before the gap fills (nothing acknowledges it early)', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'FPA', seq: 1005, ack: iss + 1, payload: 'efgh' });
    h.recv({ flags: 'PA', seq: 1003, ack: iss + 1, payload: 'cd' }); // still a gap at 1001
    h.expectSent({ flags: 'A', ack: 1001 });
    h.expectSent({ flags: 'A', ack: 1001 });
    h.expectNothingSent();
    expect(h.takeEvents()).toEqual([]);
    expect(h.state(s)).toBe('ESTABLISHED');
  });

  test('µTasker-compatible (no reassembly): the out-of-order FIN is ignored and must come again', () => {
    const h = new TcpHarness({ config: UTASKER_CODE_COMPAT });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'FPA', seq: 1005, ack: iss + 1, payload: 'efgh' });
    h.skip();
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abcd' });
    expect(h.takeEvents().map((e) => e.event)).toEqual([TCP_EVENT_DATA]);
    h.expectSent({ flags: 'A', ack: 1005 });
    expect(h.state(s)).toBe('ESTABLISHED');
  });
});
