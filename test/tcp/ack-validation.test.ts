/**
 * RFC 5961 §5.2 ACK validation (issue 10, defect 2): a segment is only processed when
 * SND.UNA − MAX.SND.WND <= SEG.ACK <= SND.NXT. Older ACKs are the mark of blind data
 * injection: the segment is dropped and answered with a (rate-limited) challenge ACK.
 */
import { TCP_EVENT_DATA } from '../../src/api/tcp.js';
import { UTASKER_CODE_COMPAT } from '../../src/net/tcp/config.js';
import { TcpHarness } from './harness.js';

describe('RFC 5961 §5.2: the ACK field of a synchronized connection', () => {
  test('data under an ACK below SND.UNA − MAX.SND.WND is not delivered; a challenge ACK answers it', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s, { peerWin: 8192 }); // MAX.SND.WND = 8192
    const tooOld = iss + 1 - 8192 - 1;
    h.recv({ flags: 'PA', seq: 1001, ack: tooOld, payload: 'evil' });
    expect(h.takeEvents()).toEqual([]);
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1001 });
    h.expectNothingSent();
    expect(h.stack.counters.get('tcp.challenge-acks')).toBe(1);
    // The real peer's data at the same sequence number is still taken.
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'good' });
    expect(h.takeEvents().map((e) => [e.event, e.data])).toEqual([[TCP_EVENT_DATA, 'good']]);
    h.expectSent({ flags: 'A', ack: 1005 });
  });

  test('an old ACK within MAX.SND.WND is acceptable: its data is delivered, the ACK field ignored', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s, { peerWin: 8192 });
    h.sendTcp(s, 'abcd');
    h.expectSent({ payload: 'abcd' });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 5 });
    h.takeEvents();
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 5 - 8192, payload: 'late' });
    expect(h.takeEvents().map((e) => [e.event, e.data])).toEqual([[TCP_EVENT_DATA, 'late']]);
    h.expectSent({ flags: 'A', seq: iss + 5, ack: 1005 });
  });

  test('challenge ACKs for old ACKs share the stack\'s rate limit', () => {
    const h = new TcpHarness({ config: { challengeAcksPerSecond: 2 } });
    const s = h.socket();
    const iss = h.openPassive(s, { peerWin: 1000 });
    for (let i = 0; i < 20; i++) h.recv({ flags: 'PA', seq: 1001, ack: iss - 5000, payload: 'x' });
    expect(h.takeEvents()).toEqual([]);
    const sent = h.pending().length;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(3); // the budget is drawn in [1, 3] for 2 per second
    expect(h.stack.counters.get('tcp.challenge-acks-suppressed')).toBe(20 - sent);
  });

  test('µTasker-compatible (rfc5961 off): the old ACK is not checked, the data is delivered', () => {
    const h = new TcpHarness({ config: UTASKER_CODE_COMPAT });
    const s = h.socket();
    const iss = h.openPassive(s, { peerWin: 8192 });
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1 - 9000, payload: 'data' });
    expect(h.takeEvents().map((e) => [e.event, e.data])).toEqual([[TCP_EVENT_DATA, 'data']]);
  });
});
