/**
 * What a segment costs the core (issue 12 item 4): keeping the TCP task's timer armed
 * takes no scan of the socket pool per entry, and `state` is a plain field.
 */
import { APP_ACCEPT, TCP_EVENT_DATA, TCP_EVENT_REGENERATE } from '../../src/api/tcp.js';
import fc from 'fast-check';
import { TcpSocket } from '../../src/net/tcp/socket.js';
import { SegmentOutput } from '../../src/net/tcp/output.js';
import { resolveTcpConfig } from '../../src/net/tcp/config.js';
import { Counters } from '../../src/net/counters.js';
import { TCP_ACK } from '../../src/net/wire/tcp.js';
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

  test('a segment reuses the last window computation only when it would give the same window and right edge', () => {
    // A sender's segments repeat the window computation's inputs; an output that keeps its
    // last answer must send what one computing afresh sends, in every field and edge.
    const config = resolveTcpConfig({});
    const network = () => {
      const txFrame = new Uint8Array(1514);
      return { txFrame, localAddress: () => 0xc6120002, sendIpv4: (_d: number, _p: number, _t: number, _ttl: number, n: number) => 34 + n };
    };
    const socket = () => {
      const s = new TcpSocket(0, undefined as never);
      s.localPort = 19;
      s.remotePort = 40000;
      s.remoteAddr = 0xc6120001;
      s.rcvNxt = 5000;
      s.rcvWindow = 2920;
      s.rcvBufferSize = 2920;
      return s;
    };
    const op = fc.oneof(
      fc.record({ kind: fc.constant('send' as const), times: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('data' as const), n: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ kind: fc.constant('window' as const), n: fc.integer({ min: 0, max: 70000 }) }),
      fc.record({ kind: fc.constant('shift' as const), n: fc.integer({ min: 0, max: 3 }) }),
      // A new connection on the socket: no right edge announced yet.
      fc.record({ kind: fc.constant('forget' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const kept = network();
        const keeping = new SegmentOutput(kept as never, config, new Counters());
        const a = socket();
        const b = socket();
        for (const o of ops) {
          for (const s of [a, b]) {
            if (o.kind === 'data') s.rcvNxt = (s.rcvNxt + o.n) >>> 0;
            else if (o.kind === 'window') s.rcvWindow = s.rcvBufferSize = o.n;
            else if (o.kind === 'shift') s.rcvWndShift = o.n;
            else if (o.kind === 'forget') s.rcvAdvEdge = undefined;
          }
          if (o.kind !== 'send') continue;
          for (let i = 0; i < o.times; i++) {
            keeping.send(a, TCP_ACK, 100);
            const fresh = network();
            new SegmentOutput(fresh as never, config, new Counters()).send(b, TCP_ACK, 100);
            expect(Array.from(kept.txFrame.subarray(34, 54))).toEqual(Array.from(fresh.txFrame.subarray(34, 54)));
            expect(a.rcvAdvEdge).toBe(b.rcvAdvEdge);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
