/**
 * Output after input (issue 10, defect 4) and what APP_REQUEST_CLOSE tells the stack
 * (defect 7): a received segment is processed whole — its ACK, its data, its FIN — before
 * the stack sends what became due, so a FIN the application sends from a callback
 * acknowledges everything the segment carried, in one segment.
 */
import {
  APP_ACCEPT, APP_REQUEST_CLOSE, TCP_EVENT_ACK, TCP_EVENT_CLOSED, TCP_EVENT_DATA,
} from '../../src/api/tcp.js';
import { evs, TcpHarness } from './harness.js';

/** A connection with 'data' sent and unacknowledged; the application closes on TCP_EVENT_ACK. */
function closingOnAck(answer: number): { h: TcpHarness; s: number; iss: number } {
  const h = new TcpHarness();
  const s = h.socket();
  const iss = h.openPassive(s);
  h.sendTcp(s, 'data');
  h.expectSent({ payload: 'data' });
  h.app = (e) => {
    if (e.event !== TCP_EVENT_ACK) return APP_ACCEPT;
    h.api.fnTCP_close(s);
    return answer;
  };
  return { h, s, iss };
}

describe('output after input', () => {
  test('our FIN from the ACK callback acknowledges the peer\'s FIN that came with that ACK: one segment, CLOSING', () => {
    const { h, s, iss } = closingOnAck(APP_REQUEST_CLOSE);
    h.recv({ flags: 'FA', seq: 1001, ack: iss + 5 });
    h.expectSent({ flags: 'FA', seq: iss + 5, ack: 1002 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('CLOSING');
    h.recv({ flags: 'A', seq: 1002, ack: iss + 6 });
    h.expectNothingSent();
    expect(evs(h.takeEvents())).toEqual([[TCP_EVENT_ACK, 'ESTABLISHED'], [TCP_EVENT_CLOSED, 'TIME_WAIT']]);
  });

  test('a FIN+ACK that acknowledges our data and brings data and the peer\'s FIN: one FIN acknowledging all of it', () => {
    const { h, iss } = closingOnAck(APP_ACCEPT);
    h.recv({ flags: 'FPA', seq: 1001, ack: iss + 5, payload: 'bye' });
    h.expectSent({ flags: 'FA', seq: iss + 5, ack: 1005 });
    h.expectNothingSent();
  });
});

describe('APP_REQUEST_CLOSE reports a close from the callback; the stack finishes the segment in the closing state', () => {
  test('APP_REQUEST_CLOSE on TCP_EVENT_ACK without fnTCP_close: the stack closes, as the answer says', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.sendTcp(s, 'data');
    h.skip();
    h.app = (e) => (e.event === TCP_EVENT_ACK ? APP_REQUEST_CLOSE : APP_ACCEPT);
    h.recv({ flags: 'A', seq: 1001, ack: iss + 5 });
    h.expectSent({ flags: 'FA', seq: iss + 5, ack: 1001 });
    expect(h.state(s)).toBe('FIN_WAIT_1');
  });

  test('APP_ACCEPT on TCP_EVENT_ACK without fnTCP_close: the connection stays open', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.sendTcp(s, 'data');
    h.skip();
    h.recv({ flags: 'A', seq: 1001, ack: iss + 5 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('ESTABLISHED');
  });

  test('fnTCP_close + APP_REQUEST_CLOSE on TCP_EVENT_ACK: the segment\'s data is still delivered (FIN_WAIT_1) and our one FIN acknowledges it', () => {
    const { h, s, iss } = closingOnAck(APP_REQUEST_CLOSE);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 5, payload: 'tail' });
    expect(h.takeEvents().map((e) => [e.event, e.state, e.data])).toEqual([
      [TCP_EVENT_ACK, 'ESTABLISHED', '198.18.0.2'], [TCP_EVENT_DATA, 'FIN_WAIT_1', 'tail'],
    ]);
    h.expectSent({ flags: 'FA', seq: iss + 5, ack: 1005 });
    h.expectNothingSent();
    expect(h.state(s)).toBe('FIN_WAIT_1');
  });

  test('APP_REQUEST_CLOSE on TCP_EVENT_DATA: the FIN acknowledges the data and what the segment released from the reassembly queue, which is delivered too', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.recv({ flags: 'PA', seq: 1005, ack: iss + 1, payload: 'more' }); // held beyond a gap
    h.skip();
    h.app = (e) => (e.event === TCP_EVENT_DATA && e.data === 'quit' ? APP_REQUEST_CLOSE : APP_ACCEPT);
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'quit' });
    expect(h.takeEvents().map((e) => [e.event, e.data, e.state])).toEqual([
      [TCP_EVENT_DATA, 'quit', 'ESTABLISHED'], [TCP_EVENT_DATA, 'more', 'FIN_WAIT_1'],
    ]);
    h.expectSent({ flags: 'FA', seq: iss + 1, ack: 1009 });
    h.expectNothingSent();
  });
});
