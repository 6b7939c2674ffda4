/**
 * The HTTP server with µTasker's HTTP_WINDOWING_BUFFERS (2 blocks in flight, as the board
 * runs it): pairs of whole blocks within the client's window, the next pair only after
 * everything is acknowledged, and lost blocks regenerated whole.
 */
import { startHttp, HTTP_WINDOWING_BUFFERS } from '../../src/apps/http.js';
import { httpGet, parseHttpResponse } from '../../hosts/sim/tcp-client.js';
import { CLIENT_ADDR, SERVER_ADDR, SERVER_IP, boards, runUntil } from './sim.js';
import { recordSegments } from './wire.js';

function body(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => i % 251);
}

describe('HTTP with two blocks in flight (HTTP_WINDOWING_BUFFERS)', () => {
  it('sends whole blocks in pairs and each pair only after the previous one is acknowledged', () => {
    const b = boards();
    const http = startHttp(b.server.api, { board: b.server.tcp, windowBlocks: HTTP_WINDOWING_BUFFERS, maxFrame: 1400 });
    const wire = recordSegments(b.lan);
    const c = httpGet(b.client.api, b.clock, SERVER_IP, '/bytes/20000', { window: 8000 });
    expect(runUntil(b.clock, () => c.finished, 20_000)).toBe(true);
    expect(parseHttpResponse(c.data()).body).toEqual(body(20000));
    const fromServer = wire.filter((s) => s.src === SERVER_ADDR && s.length > 0);
    expect(fromServer.slice(0, -1).every((s) => s.length === 1400)).toBe(true);
    // In wire order: before each block the client has acknowledged everything except at
    // most the one block before it; a block sent while its predecessor is unacknowledged is
    // the second of a pair.
    let pairs = 0;
    for (const block of fromServer.slice(1)) {
      const before = wire.slice(0, wire.indexOf(block));
      const highest = before.filter((s) => s.src === CLIENT_ADDR && (s.flagBits & 0x10) !== 0).reduce((m, s) => Math.max(m, (s.ack - block.seq) | 0), -1e9);
      expect(highest).toBeGreaterThanOrEqual(-1400);
      if (highest < 0) pairs++;
    }
    expect(pairs).toBe(Math.floor(fromServer.length / 2)); // 15 blocks: 7 pairs and a last one
    expect(http.counters.regenerations).toBe(0);
  });

  it.each([21, 22, 23])('is byte-exact through 5%% loss and reordering (seed %i), regenerating lost pairs', (seed) => {
    const b = boards({ seed, impairments: { loss: 0.05, reorder: 0.05, delayMs: 1, jitterMs: 1 } });
    const http = startHttp(b.server.api, { board: b.server.tcp, windowBlocks: HTTP_WINDOWING_BUFFERS, maxFrame: 1400 });
    const c = httpGet(b.client.api, b.clock, SERVER_IP, '/bytes/60000', { window: 8000 });
    expect(runUntil(b.clock, () => c.finished, 600_000)).toBe(true);
    expect(parseHttpResponse(c.data()).body).toEqual(body(60000));
    expect(http.counters.regenerations).toBeGreaterThan(0);
    expect(http.counters.regenerateMismatches).toBe(0);
  });
});
