/** The receive window advertised after an active open is the socket's, whatever the peer's ISS. */
import { TcpHarness } from './harness.js';

describe('receive window after fnTCP_Connect', () => {
  test.each([5000, 100_000, 0xfffff000])('the handshake ACK and later segments advertise 1460 (peer ISS %d)', (peerIss) => {
    const h = new TcpHarness();
    const s = h.socket();
    h.api.fnTCP_Connect(s, new Uint8Array([198, 18, 0, 2]), h.peerPort, h.localPort, 0);
    const syn = h.expectSent({ flags: 'S', win: 1460 });
    h.recv({ flags: 'SA', seq: peerIss, ack: syn.seq + 1, win: 8192, mss: 1460 });
    h.expectSent({ flags: 'A', ack: (peerIss + 1) >>> 0, win: 1460 });
    h.sendTcp(s, 'hello');
    h.expectSent({ flags: 'A', ack: (peerIss + 1) >>> 0, win: 1460 });
  });
});
