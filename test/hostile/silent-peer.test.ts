/**
 * Issue 11 item 4, a peer that stops acknowledging: the board retransmits with the
 * configured timer (RFC 6298 back-off, or µTasker's fixed TCP_STANDARD_RETRY_TOUT), then
 * gives up after `retries` retransmissions with a RST and TCP_EVENT_ABORT — at the time the
 * configuration gives, computed here from it.
 */
import { TCP_BUF_SEND, TCP_EVENT_ABORT } from '../../src/api/tcp.js';
import type { TcpConfig } from '../../src/net/tcp/config.js';
import { TcpHarness } from '../tcp/harness.js';

/** Seconds after the first transmission at which each retransmission and the abort happen. */
function schedule(timeoutsMs: number[]): number[] {
  let t = 0;
  return timeoutsMs.map((ms) => (t += ms) / 1000);
}

describe('a peer that never acknowledges', () => {
  const cases: [string, Partial<TcpConfig>, number[]][] = [
    // RFC 6298: 1 s (the handshake's sample is below the 1 s floor), doubling, capped at rtoMaxMs.
    ['RFC 6298, 7 retries, RTO capped at 60 s', {}, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]],
    ['RFC 6298, 3 retries, RTO capped at 5 s', { retries: 3, rtoMaxMs: 5000 }, [1000, 2000, 4000, 5000]],
    ["µTasker's fixed timer, 4 retries of 2 s", { rtoMode: 'utasker', retries: 4, retryMs: 2000 }, [2000, 2000, 2000, 2000, 2000]],
  ];
  test.each(cases)('%s', (_name, config, timeouts) => {
    const h = new TcpHarness({ config });
    const s = h.socket();
    const iss = h.openPassive(s, { peerWin: 65535, peerMss: 1460 });
    const t0 = h.clock.now();
    expect(h.api.fnSendBufTCP(s, new Uint8Array(100).fill(0x41), 100, TCP_BUF_SEND)).toBe(100);
    h.advance(400_000);
    const sent = h.pending().map((x) => [(x.at - t0) / 1000, x.flags, x.seq - iss]);
    const times = schedule(timeouts);
    expect(sent).toEqual([
      [0, 'PA', 1],
      ...times.slice(0, -1).map((t) => [t, 'PA', 1]),
      [times[times.length - 1], 'R', 101],
    ]);
    expect(h.takeEvents().filter((e) => e.event === TCP_EVENT_ABORT).map((e) => [(e.at - t0) / 1000, e.state])).toEqual([[times[times.length - 1], 'CLOSED']]);
    expect(h.stack.counters.get('tcp.retransmissions')).toBe(timeouts.length - 1);
  });
});
