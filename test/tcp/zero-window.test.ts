/**
 * Zero window on simple sockets (issue 10, defect 1): the one-byte probe a simple-TCP
 * application sends on TCP_WINDOW_PROBE must never make the stack give up on a peer that
 * answers it (RFC 1122 §4.2.2.17), and a window that opens while the probe is outstanding
 * must restart sending at once, not after the retransmission timer.
 */
import {
  APP_ACCEPT, APP_SENT_DATA, TCP_EVENT_ABORT, TCP_EVENT_ACK, TCP_EVENT_REGENERATE, TCP_WINDOW_PROBE,
} from '../../src/api/tcp.js';
import type { TcpConfig } from '../../src/net/tcp/config.js';
import { TcpHarness } from './harness.js';

/**
 * An application in the style of the HTTP server: one block in flight, a one-byte block of
 * the next data on TCP_WINDOW_PROBE, the whole block again on TCP_EVENT_REGENERATE.
 */
function prober(h: TcpHarness, s: number, data: string): { start: () => void } {
  let acked = 0;
  let inFlight = 0;
  const send = (n: number): number => {
    if (n <= 0 || h.sendTcp(s, data.slice(acked, acked + n)) <= 0) return APP_ACCEPT;
    inFlight = n;
    return APP_SENT_DATA;
  };
  h.app = (e) => {
    switch (e.event) {
      case TCP_EVENT_ACK:
        acked += inFlight;
        inFlight = 0;
        return send(Math.min(4, data.length - acked, h.stack.peerWindow(s)));
      case TCP_WINDOW_PROBE:
        return inFlight === 0 ? send(1) : APP_ACCEPT;
      case TCP_EVENT_REGENERATE:
        return inFlight > 0 ? send(inFlight) : 0;
      default:
        return APP_ACCEPT;
    }
  };
  return { start: () => void send(4) };
}

/** Runs `ms` of time in 100 ms steps, answering each segment we send with ACK(una) win=0. */
function answerProbesWithZeroWindow(h: TcpHarness, una: number, ms: number): number {
  let probes = 0;
  for (let t = 0; t < ms; t += 100) {
    h.advance(100);
    for (const seg of h.pending()) {
      if (seg.flags.includes('R')) return probes;
      if (seg.payload.length > 0) {
        probes++;
        h.recv({ flags: 'A', seq: 1001, ack: una, win: 0 });
      }
    }
    h.skip();
  }
  return probes;
}

describe('zero window on a simple socket', () => {
  const cases: [string, Partial<TcpConfig>, number][] = [
    ['fixed µTasker timers, 75 s', { rtoMode: 'utasker' }, 75_000],
    ['RFC 6298 timers, 300 s', {}, 300_000],
  ];
  test.each(cases)('a peer that answers every probe is never given up on (%s)', (_name, config, ms) => {
    const h = new TcpHarness({ config });
    const s = h.socket();
    const iss = h.openPassive(s);
    prober(h, s, 'abcdefgh').start();
    h.expectSent({ payload: 'abcd' });
    // The peer takes 'abcd' and closes its window.
    h.recv({ flags: 'A', seq: 1001, ack: iss + 5, win: 0 });
    h.skip();
    const probes = answerProbesWithZeroWindow(h, iss + 5, ms);
    expect(h.events.filter((e) => e.event === TCP_EVENT_ABORT)).toEqual([]);
    expect(h.net.log.filter((seg) => seg.flags.includes('R'))).toEqual([]);
    expect(h.state(s)).toBe('ESTABLISHED');
    expect(probes).toBeGreaterThan(8); // more than TCP_DEF_RETRIES: the retries were renewed by the answers
  });

  test('a peer that stops answering the probes is still given up on (RST, TCP_EVENT_ABORT)', () => {
    const h = new TcpHarness({ config: { rtoMode: 'utasker' } });
    const s = h.socket();
    const iss = h.openPassive(s);
    prober(h, s, 'abcdefgh').start();
    h.recv({ flags: 'A', seq: 1001, ack: iss + 5, win: 0 });
    h.skip();
    answerProbesWithZeroWindow(h, iss + 5, 10_000); // answered for 10 s
    for (let t = 0; t < 60_000 && h.state(s) === 'ESTABLISHED'; t += 100) h.advance(100); // then silence
    expect(h.state(s)).toBe('CLOSED');
    expect(h.events.filter((e) => e.event === TCP_EVENT_ABORT).length).toBe(1);
    expect(h.pending().filter((seg) => seg.flags === 'R').length).toBe(1);
  });

  test('a window update while the probe is outstanding makes the application resend at once, and sending resumes', () => {
    const h = new TcpHarness();
    const s = h.socket();
    const iss = h.openPassive(s);
    prober(h, s, 'abcdefgh').start();
    h.expectSent({ payload: 'abcd' });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 5, win: 0 }); // 'abcd' taken, window closed
    h.expectNothingSent();
    h.takeEvents();
    h.advance(1000); // persist timer: TCP_WINDOW_PROBE, the application sends one byte
    h.expectSent({ seq: iss + 5, payload: 'e' });
    h.recv({ flags: 'A', seq: 1001, ack: iss + 5, win: 0 }); // probe answered, window still closed
    h.advance(300);
    h.takeEvents();
    h.recv({ flags: 'A', seq: 1001, ack: iss + 5, win: 4000 }); // the window opens at 1300 ms
    // The probe byte was dropped by the closed window: the application repeats its block now.
    expect(h.takeEvents().map((e) => [e.at, e.event, e.portLen])).toEqual([[1300, TCP_EVENT_REGENERATE, 1]]);
    const resent = h.expectSent({ seq: iss + 5, payload: 'e' });
    expect(resent.at).toBe(1300);
    h.recv({ flags: 'A', seq: 1001, ack: iss + 6, win: 4000 });
    expect(h.expectSent({ seq: iss + 6, payload: 'fgh' }).at).toBe(1300);
  });
});
