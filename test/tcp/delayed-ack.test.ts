/**
 * Delayed ACK (RFC 9293 §3.8.6.3, config `delayedAckMs`): in-order data is acknowledged
 * with every second segment, by the application's reply, or when the short timer runs
 * out; out-of-order data, FINs and data that leaves the sender less than a full segment
 * of window are acknowledged at once.
 */
import { APP_ACCEPT, TCP_EVENT_DATA } from '../../src/api/tcp.js';
import { TcpHarness } from './harness.js';

const full = 'x'.repeat(1460);

function connected(): { h: TcpHarness; s: number; iss: number } {
  const h = new TcpHarness({ config: { delayedAckMs: 40 } });
  const s = h.socket();
  const iss = h.openPassive(s, { window: 8192 });
  return { h, s, iss };
}

describe('delayed ACK', () => {
  test('two full-size segments: the first waits, the second is answered by one ACK covering both', () => {
    const { h, iss } = connected();
    h.recv({ flags: 'A', seq: 1001, ack: iss + 1, payload: full });
    h.expectNothingSent();
    h.recv({ flags: 'A', seq: 2461, ack: iss + 1, payload: full });
    h.expectSent({ flags: 'A', ack: 3921 });
    h.expectNothingSent();
  });

  test('a segment alone is acknowledged when the timer runs out (one 50 ms tick), not before', () => {
    const { h, iss } = connected();
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'hello' });
    h.advance(30);
    h.expectNothingSent();
    h.advance(30);
    const ack = h.expectSent({ flags: 'A', ack: 1006 });
    expect(ack.at).toBeLessThanOrEqual(100);
    h.advance(1000);
    h.expectNothingSent();
  });

  test('a reply from the callback carries the ACK: no ACK of its own, none when the timer would have run out', () => {
    const { h, s, iss } = connected();
    h.app = (e) => {
      if (e.event === TCP_EVENT_DATA) h.sendTcp(s, 'pong');
      return APP_ACCEPT;
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'ping' });
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1005, payload: 'pong' });
    h.advance(200);
    h.expectNothingSent();
  });

  test('out-of-order data, the segment that fills the gap, and the FIN are acknowledged at once', () => {
    const { h, iss } = connected();
    h.recv({ flags: 'A', seq: 1101, ack: iss + 1, payload: 'later' });
    h.expectSent({ flags: 'A', ack: 1001 });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 1, payload: 'a'.repeat(100) }); // fills the gap
    h.expectSent({ flags: 'A', ack: 1106 });
    h.recv({ flags: 'FA', seq: 1106, ack: iss + 1 });
    h.expectSent({ ack: 1107 });
  });

  test('data that fills the window it was sent into is acknowledged at once (the sender could send no more)', () => {
    const h = new TcpHarness({ config: { delayedAckMs: 40 } });
    const iss = h.openPassive(h.socket(), { window: 1460 });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 1, payload: full });
    h.expectSent({ flags: 'A', ack: 2461, win: 1460 });
    // Less than a full segment left in the window: the peer cannot send a full one, no wait either.
    h.recv({ flags: 'A', seq: 2461, ack: iss + 1, payload: 'x'.repeat(1000) });
    h.expectSent({ flags: 'A', ack: 3461 });
    h.advance(200);
    h.expectNothingSent();
  });

  test('µTasker\'s behaviour by name: UTASKER_CODE_COMPAT acknowledges every segment at once', async () => {
    const { UTASKER_CODE_COMPAT } = await import('../../src/net/tcp/config.js');
    expect(UTASKER_CODE_COMPAT.delayedAckMs).toBe(0);
    const h = new TcpHarness({ config: { delayedAckMs: 0 } });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'A', seq: 1001, ack: iss + 1, payload: full });
    h.expectSent({ flags: 'A', ack: 2461 });
  });
});
