/**
 * Issue 11 item 6 over TAP: the Node board with `--impair` (hosts/common/impaired-mac.ts:
 * seeded loss, duplication and reordering of its frames in both directions; this kernel has
 * no netem) against the Linux kernel's TCP. Byte-exact both ways and with both socket
 * kinds: the echo service (buffered TCP) sends back what the kernel sent; the HTTP server
 * (simple TCP with windowing) sends /bytes/N, checked byte for byte by the client.
 * `npm test` runs 1 % and 10 % with small sizes (real time: every loss waits for a
 * retransmission timeout); XSTCP_IMPAIR_FULL=1 adds 30 % and moves 10 MB each way per run.
 * Node engine only (`--impair` is a Node host flag).
 */
import { describeIf, interopEngine, interopMissingReason, interopNamespace, kernelPeer, startBoard, statusPage, useInteropLifecycle } from './helpers.js';

const FULL = process.env.XSTCP_IMPAIR_FULL === '1';
const MB = 1024 * 1024;
const reason = interopEngine() !== 'node' ? `--impair is a Node host flag (engine ${interopEngine()})` : interopMissingReason();

describeIf(reason, 'interop: loss, duplication and reordering on the board\'s link (--impair), kernel as peer', () => {
  const { namespaces, track } = useInteropLifecycle();

  const cases: [number, number][] = FULL ? [[0.01, 10 * MB], [0.1, 10 * MB], [0.3, 10 * MB]] : [[0.01, 128 * 1024], [0.1, 32 * 1024]];
  for (const [loss, size] of cases) {
    it(`${loss * 100} % loss, ${loss * 50} % duplication, ${loss * 100} % reordering each way: echo of ${size} bytes and GET /bytes/${size}, byte-exact`, async () => {
      const netns = interopNamespace(namespaces, `imp${Math.round(loss * 100)}`);
      const spec = `loss=${loss},duplicate=${loss / 2},reorder=${loss},delay=2,seed=${11 + Math.round(loss * 100)}`;
      // At 30 % each way a segment and its ACK both arrive half the time: more retries than TCP_DEF_RETRIES' 7.
      track(await startBoard(netns, ['--app', 'http,echo', '--impair', spec, '--retries', loss >= 0.3 ? '30' : '7'], 900000));
      const limit = FULL ? 840000 : 100000;
      const echo = kernelPeer(netns, ['echo', String(size)], limit);
      const page = kernelPeer(netns, ['http-many', '1', '1', String(size), '3'], limit);
      const [echoed, fetched] = await Promise.all([echo.waitFor('done', limit - 2000), page.waitFor('done', limit - 2000)]);
      expect(echoed).toMatchObject({ bytes: size, overflow: 0, equal: true });
      expect(fetched).toMatchObject({ requests: 1, ok: 1, failures: [] });
      // The board counted each echoed byte once in and once out (repeats not counted).
      const rows = (await statusPage(netns)).rows.filter((r) => r.localPort === 7);
      expect(rows.reduce((n, r) => n + r.bytesIn, 0)).toBe(size);
      expect(rows.reduce((n, r) => n + r.bytesOut, 0)).toBe(size);
      console.log(`interop --impair ${spec}: echo of ${size} bytes in ${echoed.ms} ms, GET of ${size} bytes in ${fetched.ms} ms`);
    }, FULL ? 900000 : 120000);
  }
});
