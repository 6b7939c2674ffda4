/**
 * Bugs found by the two-board property tests (test/tcp-sim), each reduced to a packet
 * trace against one stack. Each test names the symptom the property run showed.
 */
import { APP_ACCEPT, APP_SENT_DATA, TCP_EVENT_ABORT, TCP_EVENT_ACK, TCP_EVENT_CLOSE, TCP_EVENT_CLOSED, TCP_EVENT_DATA, TCP_EVENT_REGENERATE } from '../../src/api/tcp.js';
import { TcpHarness } from './harness.js';

describe('found by the two-board properties', () => {
  test('FIN_WAIT_2: half-close data from the partner restarts the FIN_WAIT_2 limit (a live partner is not aborted)', () => {
    // Symptom: with a 2 s FIN_WAIT_2 limit the active closer aborted (RST + ABORT) while the partner was still
    // delivering its half-close data, because the FIN_WAIT_2 limit ran from entering the state.
    const h = new TcpHarness({ config: { finWait2TimeoutMs: 2000 } });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnTCP_close(s);
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1001 });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
    expect(h.state(s)).toBe('FIN_WAIT_2');
    h.advance(1500);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 2, payload: 'more' });
    h.expectSent({ flags: 'A', seq: iss + 2, ack: 1005 });
    h.advance(1500); // 3 s in FIN_WAIT_2, 1.5 s since the partner's data
    expect(h.state(s)).toBe('FIN_WAIT_2');
    h.expectNothingSent();
    h.advance(500); // 2 s of silence: the partner is taken to be gone
    h.expectSent({ flags: 'R', seq: iss + 2 });
    expect(h.takeEvents().map((e) => [e.at, e.event, e.state])).toEqual([[1500, TCP_EVENT_DATA, 'FIN_WAIT_2'], [3500, TCP_EVENT_ABORT, 'CLOSED']]);
  });

  test('idle timeout with data unacknowledged: the close waits for the data, and TCP_EVENT_CLOSE is reported once', () => {
    // Symptom: a second TCP_EVENT_CLOSE in one connection. The expiry left the close pending
    // (data outstanding); data sent afterwards re-armed the idle timer, which expired again.
    const h = new TcpHarness({ config: { rtoMode: 'utasker', retryMs: 3000 } });
    const s = h.socket(0, 2); // idle timeout 2 s
    const iss = h.openPassive(s);
    let block = 'one';
    h.app = (e) => {
      if (e.event === TCP_EVENT_REGENERATE) {
        h.sendTcp(s, block);
        return APP_SENT_DATA;
      }
      if (e.event === TCP_EVENT_ACK && block === 'one') {
        block = 'two';
        h.sendTcp(s, block);
        return APP_SENT_DATA;
      }
      return APP_ACCEPT;
    };
    h.sendTcp(s, 'one');
    h.expectSent({ flags: 'A', seq: iss + 1, payload: 'one' });
    h.advance(2000); // idle expiry while 'one' is unacknowledged: no FIN yet
    h.expectNothingSent();
    expect(h.state(s)).toBe('ESTABLISHED');
    h.recv({ flags: 'A', seq: 1001, ack: iss + 4 });
    h.expectSent({ flags: 'A', seq: iss + 4, payload: 'two' }); // sent from the ACK callback
    h.advance(2999); // the idle timer (re-armed by 'two') must not close or report again
    h.expectNothingSent();
    h.advance(1);
    h.expectSent({ flags: 'A', seq: iss + 4, payload: 'two' }); // retransmission at +3 s
    h.recv({ flags: 'A', seq: 1001, ack: iss + 7 });
    h.expectSent({ flags: 'FA', seq: iss + 7, ack: 1001 }); // the pending close: FIN after the data
    expect(h.state(s)).toBe('FIN_WAIT_1');
    expect(h.takeEvents().map((e) => [e.at, e.event, e.state])).toEqual([
      [2000, TCP_EVENT_CLOSE, 'ESTABLISHED'], [2000, TCP_EVENT_ACK, 'ESTABLISHED'],
      [5000, TCP_EVENT_REGENERATE, 'ESTABLISHED'], [5000, TCP_EVENT_ACK, 'ESTABLISHED'],
    ]);
  });

  test('idle close pending, then the partner\'s FIN: no second TCP_EVENT_CLOSE; our FIN follows the data (LAST_ACK)', () => {
    // Symptom: TCP_EVENT_CLOSE twice in one connection (idle expiry, then the partner's FIN).
    const h = new TcpHarness({ config: { rtoMode: 'utasker', retryMs: 3000 } });
    const s = h.socket(0, 2);
    const iss = h.openPassive(s);
    h.sendTcp(s, 'data');
    h.expectSent({ flags: 'A', seq: iss + 1, payload: 'data' });
    h.advance(2000); // idle expiry: close pending behind 'data'
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 1 });
    h.expectSent({ flags: 'A', seq: iss + 5, ack: 1002 });
    expect(h.state(s)).toBe('CLOSE_WAIT');
    h.recv({ flags: 'A', seq: 1002, ack: iss + 5 });
    h.expectSent({ flags: 'FA', seq: iss + 5, ack: 1002 });
    expect(h.state(s)).toBe('LAST_ACK');
    h.recv({ flags: 'A', seq: 1002, ack: iss + 6 });
    expect(h.takeEvents().map((e) => [e.event, e.state])).toEqual([
      [TCP_EVENT_CLOSE, 'ESTABLISHED'], [TCP_EVENT_ACK, 'CLOSE_WAIT'], [TCP_EVENT_CLOSED, 'CLOSED'],
    ]);
  });

  test('half close (CLOSE_WAIT) and then the idle timeout: our FIN goes out, TCP_EVENT_CLOSE is not repeated', () => {
    const h = new TcpHarness();
    const s = h.socket(0, 2);
    const iss = h.openPassive(s);
    h.app = (e) => (e.event === TCP_EVENT_CLOSE ? APP_SENT_DATA : APP_ACCEPT); // half close
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 1 });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1002 });
    expect(h.state(s)).toBe('CLOSE_WAIT');
    h.advance(2000);
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1002 });
    expect(h.state(s)).toBe('LAST_ACK');
    expect(h.takeEvents().map((e) => [e.at, e.event, e.state])).toEqual([[0, TCP_EVENT_CLOSE, 'ESTABLISHED']]);
  });
});
