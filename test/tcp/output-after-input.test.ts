/**
 * Output after input (issue 10, defect 4) and what APP_REQUEST_CLOSE tells the stack
 * (defect 7): a received segment is processed whole — its ACK, its data, its FIN — before
 * the stack sends what became due, so a FIN the application sends from a callback
 * acknowledges everything the segment carried, in one segment.
 */
import {
  APP_ACCEPT, APP_REQUEST_CLOSE, TCP_BUF_SEND, TCP_EVENT_ACK, TCP_EVENT_CLOSED, TCP_EVENT_DATA,
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

describe('data sent from a callback leaves after the segment is handled (issue 8 item 7)', () => {
  test('fnSendTCP from TCP_EVENT_DATA: nothing on the wire during the callback, the frame length answered, then one data segment carrying the ACK', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    const during: number[] = [];
    let answer = 0;
    h.app = (e) => {
      if (e.event !== TCP_EVENT_DATA) return APP_ACCEPT;
      answer = h.sendTcp(s, 'reply');
      h.sendTcp(s, 'second');
      during.push(h.pending().length);
      return APP_ACCEPT;
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'question' });
    expect(during).toEqual([0]);
    expect(answer).toBe(60); // 14 + 20 + 20 + 5 bytes, padded to the minimum frame
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1009, payload: 'reply' });
    h.expectSent({ flags: 'A', seq: iss + 6, ack: 1009, payload: 'second' });
    h.expectNothingSent();
  });

  test('the application may reuse its buffer at once: the queued segment keeps the bytes it was given', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    const buf = new Uint8Array(20 + 4);
    h.app = (e) => {
      if (e.event !== TCP_EVENT_DATA) return APP_ACCEPT;
      buf.set([0x41, 0x42, 0x43, 0x44], 20);
      h.api.fnSendTCP(s, buf, 4, 0);
      buf.fill(0x58);
      return APP_ACCEPT;
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'x' });
    h.expectSent({ seq: iss + 1, ack: 1002, payload: 'ABCD' });
    h.expectNothingSent();
  });

  test('data then fnReleaseTCP_Socket in the same callback: the data still leaves, before the socket goes', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.app = (e) => {
      if (e.event !== TCP_EVENT_DATA) return APP_ACCEPT;
      h.sendTcp(s, 'last words');
      h.api.fnReleaseTCP_Socket(s);
      return APP_ACCEPT;
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'bye' });
    h.expectSent({ seq: iss + 1, ack: 1004, payload: 'last words' });
    h.expectNothingSent();
    expect(h.state(s)).toBe('FREE');
  });

  test('fnSendBufTCP from TCP_EVENT_DATA: the answer is the first segment\'s length; segments leave after the callback', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    const answers: number[] = [];
    h.app = (e) => {
      if (e.event !== TCP_EVENT_DATA) return APP_ACCEPT;
      answers.push(h.api.fnSendBufTCP(s, new Uint8Array(2000).fill(0x61), 2000, TCP_BUF_SEND), h.pending().length);
      return APP_ACCEPT;
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'go' });
    expect(answers).toEqual([1400, 0]);
    h.expectSent({ flags: 'PA', seq: iss + 1, ack: 1003, payload: 'a'.repeat(1400) });
    h.expectSent({ flags: 'PA', seq: iss + 1401, ack: 1003, payload: 'a'.repeat(600) });
    h.expectNothingSent();
  });

  test('fnSendBufTCP from TCP_EVENT_ACK: the segments are made after the callback, not under it (XS stack depth), with the answer they get', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    h.api.fnSendBufTCP(s, new Uint8Array(100).fill(0x62), 100, TCP_BUF_SEND);
    h.expectSent({ seq: iss + 1, payload: 'b'.repeat(100) });
    const during: number[] = [];
    h.app = (e) => {
      if (e.event !== TCP_EVENT_ACK) return APP_ACCEPT;
      during.push(h.api.fnSendBufTCP(s, new Uint8Array(1500).fill(0x63), 1500, TCP_BUF_SEND));
      // Nothing sent yet, not even queued for the end of input: SND.MAX has not moved.
      during.push(h.stack.socketTable()[s].bytesOut, h.pending().length);
      return APP_ACCEPT;
    };
    h.recv({ flags: 'A', seq: 1001, ack: iss + 101 });
    expect(during).toEqual([1400, 100, 0]);
    h.expectSent({ flags: 'PA', seq: iss + 101, ack: 1001, payload: 'c'.repeat(1400) });
    h.expectSent({ flags: 'PA', seq: iss + 1501, ack: 1001, payload: 'c'.repeat(100) });
    h.expectNothingSent();
    expect(h.stack.socketTable()[s].bytesOut).toBe(1600);
  });

  test('fnReportTCPWindow from TCP_EVENT_DATA: no ACK during the callback, the frame length answered, then one ACK with the new window', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s, { window: 1000 });
    const during: number[] = [];
    h.app = (e) => {
      if (e.event !== TCP_EVENT_DATA) return APP_ACCEPT;
      during.push(h.api.fnReportTCPWindow(s, 3000), h.pending().length);
      return APP_ACCEPT;
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'abc' });
    expect(during).toEqual([60, 0]);
    h.expectSent({ flags: 'A', seq: iss + 1, ack: 1004, win: 3000 });
    h.expectNothingSent();
  });

  test('a full queue sends what it holds first: order and bytes stay the same', () => {
    const h = new TcpHarness({ config: { deferredOutputBytes: 8 } });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.app = (e) => {
      if (e.event !== TCP_EVENT_DATA) return APP_ACCEPT;
      h.sendTcp(s, 'one');
      h.sendTcp(s, 'two');
      h.sendTcp(s, 'three'); // 11 bytes > 8: 'one' and 'two' leave first, then 'three' at once
      return APP_ACCEPT;
    };
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'q' });
    h.expectSent({ seq: iss + 1, payload: 'one' });
    h.expectSent({ seq: iss + 4, payload: 'two' });
    h.expectSent({ seq: iss + 7, payload: 'three' });
    h.expectNothingSent();
  });
});
