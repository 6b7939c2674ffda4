/**
 * Bugs the loss runs (loss.test.ts) found, each as segments against one stack.
 */
import { TCP_BUF_SEND } from '../../src/api/tcp.js';
import { TcpHarness } from '../tcp/harness.js';

describe('found by the loss runs', () => {
  // Symptom: two xstcp boards sending bulk data both ways at 10 % loss aborted after the
  // retries. After a timeout each had moved SND.NXT back to SND.UNA to resend, and its bare
  // ACKs carried that old number, below the partner's RCV.NXT: the partner dropped them as
  // unacceptable without reading their ACK field, and went on retransmitting too.
  test('a bare ACK sent while a retransmission is under way carries SND.MAX, not the rewound SND.NXT', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s, { peerWin: 8192, peerMss: 1460 });
    const data = new Uint8Array(2800).fill(0x61);
    expect(h.api.fnSendBufTCP(s, data, data.length, TCP_BUF_SEND)).toBeGreaterThan(0);
    const first = h.pending();
    const sndMax = iss + 1 + first.reduce((n, seg) => n + seg.payload.length, 0);
    expect(sndMax).toBeGreaterThan(iss + 1 + 1400); // more than one segment in flight
    h.skip();
    h.advance(1000); // RTO: the first segment again
    h.expectSent({ flags: 'PA', seq: iss + 1 });
    h.recv({ flags: 'PA', seq: 1001, ack: iss + 1, payload: 'x' });
    h.expectSent({ flags: 'A', seq: sndMax, ack: 1002, payload: '' });
  });
});
