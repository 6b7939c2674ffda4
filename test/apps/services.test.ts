/**
 * Echo, discard and chargen on buffered sockets, driven by the test client on a second
 * board over the simulated LAN: megabytes byte-exact or counted, through loss.
 */
import { startChargen } from '../../src/apps/chargen.js';
import { startDiscard } from '../../src/apps/discard.js';
import { startEcho } from '../../src/apps/echo.js';
import { TCP_STATE_LISTEN } from '../../src/api/tcp.js';
import { TcpClient, type ByteSource } from '../../hosts/sim/tcp-client.js';
import { SERVER_IP, boards, runUntil } from './sim.js';

const MB = 1 << 20;

/** A stream whose bytes do not repeat with any short period, so a lost or doubled block shows. */
const streamByte = (i: number): number => (i ^ (i >>> 8) ^ (i >>> 16) ^ 0x5a) & 0xff;
function streamSource(length: number): ByteSource {
  return {
    length,
    copy(offset, out, at, n) {
      for (let i = 0; i < n; i++) out[at + i] = streamByte(offset + i);
    },
  };
}

/** RFC 864 written out independently: ring of the 95 printing characters, line N = ring[N..N+71] + CR LF; 95 lines repeat. */
const CHARGEN_CYCLE = (() => {
  const ring = Array.from({ length: 95 }, (_, i) => 0x20 + i);
  const out: number[] = [];
  for (let line = 0; line < 95; line++) {
    for (let j = 0; j < 72; j++) out.push(ring[(line + j) % 95]);
    out.push(13, 10);
  }
  return Uint8Array.from(out);
})();

describe('echo (RFC 862, port 7)', () => {
  it.each([21, 22])('echoes 1 MB byte-exact through 5%% loss (seed %i), flow-controlled by the window', (seed) => {
    const { clock, client, server, lan } = boards({ seed, impairments: { loss: 0.05, delayMs: 1, jitterMs: 1 } });
    const echo = startEcho(server.api);
    expect(echo.error).toBe(0);
    expect(echo.sockets).toHaveLength(2);
    let mismatch = -1;
    const c = new TcpClient(client.api, {
      clock,
      keep: false,
      closeAfterReceiving: MB,
      onData: (chunk, offset) => {
        for (let i = 0; i < chunk.length && mismatch < 0; i++) if (chunk[i] !== streamByte(offset + i)) mismatch = offset + i;
      },
    });
    c.connect(SERVER_IP, 7);
    c.send(streamSource(MB));
    expect(runUntil(clock, () => c.finished, 3_600_000, 50)).toBe(true);
    expect(mismatch).toBe(-1);
    expect(c.received).toBe(MB);
    expect(c.closed).toBe(true);
    expect(lan.stats.reduce((n, s) => n + s.dropped.loss, 0)).toBeGreaterThan(50);
    expect(runUntil(clock, () => echo.counters.closed === 1, 60_000)).toBe(true);
    expect(echo.counters).toMatchObject({ connections: 1, bytesIn: MB, bytesOut: MB, aborted: 0 });
    // The window kept the client within the buffer: nothing had to be refused.
    expect(echo.counters.rejected).toBe(0);
    expect(echo.sockets.every((s) => server.api.fnGetTCP_state(s) === TCP_STATE_LISTEN)).toBe(true);
  });

  it('serves two connections at once, each getting its own bytes back', () => {
    const { clock, client, server } = boards({ impairments: { delayMs: 1 } });
    const echo = startEcho(server.api);
    const sizes = [60_000, 90_000];
    const offsets = [0x100, 0x2345];
    const mismatches = [0, 0];
    const clients = sizes.map((n, k) => {
      const c = new TcpClient(client.api, {
        clock,
        keep: false,
        closeAfterReceiving: n,
        onData: (chunk, offset) => {
          for (let i = 0; i < chunk.length; i++) if (chunk[i] !== streamByte(offsets[k] + offset + i)) mismatches[k]++;
        },
      });
      c.connect(SERVER_IP, 7);
      c.send({ length: n, copy: (o, out, at, m) => streamSource(n + offsets[k]).copy(offsets[k] + o, out, at, m) });
      return c;
    });
    expect(runUntil(clock, () => clients.every((c) => c.finished), 120_000)).toBe(true);
    expect(mismatches).toEqual([0, 0]);
    expect(clients.map((c) => c.received)).toEqual(sizes);
    expect(echo.counters.connections).toBe(2);
  });
});

describe('discard (RFC 863, port 9)', () => {
  it('counts 5 MB and sends nothing back', () => {
    const { clock, client, server } = boards({ impairments: { delayMs: 1 } });
    const discard = startDiscard(server.api);
    expect(discard.error).toBe(0);
    const c = new TcpClient(client.api, { clock, closeWhenSent: true, window: 0 });
    c.connect(SERVER_IP, 9);
    c.send(streamSource(5 * MB));
    expect(runUntil(clock, () => c.finished && discard.counters.closed === 1, 3_600_000, 100)).toBe(true);
    expect(c.closed).toBe(true);
    expect(c.received).toBe(0);
    expect(discard.counters).toMatchObject({ connections: 1, bytesIn: 5 * MB, bytesOut: 0, lastConnectionBytes: 5 * MB, closed: 1, aborted: 0 });
    expect(discard.sockets.every((s) => server.api.fnGetTCP_state(s) === TCP_STATE_LISTEN)).toBe(true);
  });
});

describe('chargen (RFC 864, port 19)', () => {
  it('sends the rotating 72-character lines until the client closes after 1 MB', () => {
    const { clock, client, server, lan } = boards({ seed: 5, impairments: { loss: 0.02, delayMs: 1 } });
    const chargen = startChargen(server.api);
    expect(chargen.error).toBe(0);
    let mismatch = -1;
    const c = new TcpClient(client.api, {
      clock,
      keep: false,
      closeAfterReceiving: MB,
      onData: (chunk, offset) => {
        for (let i = 0; i < chunk.length && mismatch < 0; i++) {
          if (chunk[i] !== CHARGEN_CYCLE[(offset + i) % CHARGEN_CYCLE.length]) mismatch = offset + i;
        }
      },
    });
    c.connect(SERVER_IP, 19);
    expect(runUntil(clock, () => c.finished && chargen.counters.closed + chargen.counters.aborted === 1, 3_600_000, 50)).toBe(true);
    expect(mismatch).toBe(-1);
    expect(c.closed).toBe(true);
    expect(c.received).toBeGreaterThanOrEqual(MB);
    expect(lan.stats.reduce((n, s) => n + s.dropped.loss, 0)).toBeGreaterThan(0);
    // The close stopped the generator; everything it had queued still arrived, then its FIN.
    expect(chargen.counters).toMatchObject({ connections: 1, closed: 1, aborted: 0 });
    expect(chargen.counters.lastConnectionBytes).toBe(c.received);
    expect(chargen.sockets.every((s) => server.api.fnGetTCP_state(s) === TCP_STATE_LISTEN)).toBe(true);
  });
});
