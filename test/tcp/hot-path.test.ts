/**
 * What a segment costs the core (issue 12 item 4): keeping the TCP task's timer armed
 * takes no scan of the socket pool per entry, and `state` is a plain field.
 */
import { APP_ACCEPT, TCP_EVENT_DATA, TCP_EVENT_REGENERATE } from '../../src/api/tcp.js';
import { TcpSocket } from '../../src/net/tcp/socket.js';
import { TcpHarness } from './harness.js';

describe('hot path of the core', () => {
  test('data segments and the replies sent from their callbacks look at no socket\'s deadlines (no pool scan per entry)', () => {
    const h = new TcpHarness({ config: { sockets: 32 } });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.app = (e) => {
      if (e.event === TCP_EVENT_DATA) h.sendTcp(s, 'ok');
      return APP_ACCEPT;
    };
    // Counted by hand (no jest.spyOn): these tests also run on XS (test/xs/tcp-scenarios).
    const original = TcpSocket.prototype.nextDeadline;
    let scans = 0;
    TcpSocket.prototype.nextDeadline = function (this: TcpSocket) {
      scans++;
      return original.call(this);
    };
    try {
      for (let i = 0; i < 20; i++) {
        h.recv({ flags: 'PA', seq: 1001 + i, ack: iss + 1 + 2 * i, payload: 'x' });
      }
    } finally {
      TcpSocket.prototype.nextDeadline = original;
    }
    expect(scans).toBe(0);
    expect(h.pending().filter((p) => p.payload === 'ok')).toHaveLength(20);
  });

  test('the retransmission timer still fires on time after many entries moved it later', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker' } });
    const s = h.socket();
    const iss = h.openPassive(s);
    h.sendTcp(s, 'a');
    h.skip();
    h.advance(1000);
    h.recv({ flags: 'A', seq: 1001, ack: iss + 2 });
    h.sendTcp(s, 'b'); // re-armed: 3 s from now (t = 1000), not from the first send
    h.skip();
    h.advance(2950);
    h.expectNothingSent();
    h.advance(100);
    expect(h.takeEvents().map((e) => e.event)).toContain(TCP_EVENT_REGENERATE);
  });

  test('state is a data property, not an accessor', () => {
    const socket = new TcpSocket(0, undefined as never);
    expect(Object.getOwnPropertyDescriptor(socket, 'state')?.writable).toBe(true);
    expect(Object.getOwnPropertyDescriptor(TcpSocket.prototype, 'state')).toBeUndefined();
  });
});
