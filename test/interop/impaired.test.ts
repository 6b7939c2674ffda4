/**
 * Issue 11 item 6 over TAP: the board with `--impair` (hosts/common/impaired-mac.ts: seeded
 * loss, duplication and reordering of its frames in both directions; this kernel has no
 * netem) against the Linux kernel's TCP. Byte-exact both ways and with both socket kinds:
 * the echo service (buffered TCP) sends back what the kernel sent; the HTTP server (simple
 * TCP with windowing) sends /bytes/N, checked byte for byte by the client.
 *
 * `npm test` runs 1 % and 10 % with small sizes (real time: every loss waits for a
 * retransmission timeout), on Node here and on XS in xs-engine.test.ts.
 * XSTCP_IMPAIR_FULL=1 adds 30 % and moves 10 MB each way per run, logging the board's
 * progress every minute; XSTCP_IMPAIR_MINUTES sets a run's limit (default 14). The echo
 * client checks every chunk as it arrives and reports each stall of 20 s or more (where,
 * when), which the test logs.
 */
import { describeIf, interopEngine, interopMissingReason, interopNamespace, kernelPeer, startBoard, statusPage, useInteropLifecycle, type StatusRow } from './helpers.js';

const FULL = process.env.XSTCP_IMPAIR_FULL === '1';
const KB = 1024;
const MB = 1024 * KB;
const FULL_LIMIT_MS = Math.max(1, Number(process.env.XSTCP_IMPAIR_MINUTES ?? 14)) * 60000;
const engine = interopEngine();
const reason = engine !== 'node' && engine !== 'xs' ? `--impair is a flag of the node and xs engines (engine ${engine})` : interopMissingReason();

/** [loss, bytes] of each run. */
function cases(): [number, number][] {
  if (FULL) return [[0.01, 10 * MB], [0.1, 10 * MB], [0.3, 10 * MB]];
  return [[0.01, 128 * KB], [0.1, 32 * KB]];
}

/** Bytes in and out and retransmissions of the board's sockets on `port` (the status page's figures). */
function portFigures(rows: readonly StatusRow[], port: number): string {
  const on = rows.filter((r) => r.localPort === port);
  const sum = (f: (r: StatusRow) => number) => on.reduce((n, r) => n + f(r), 0);
  return `port ${port}: in ${sum((r) => r.bytesIn)}, out ${sum((r) => r.bytesOut)}, retransmissions ${sum((r) => r.retransmissions)}`;
}

interface LinkDirection { frames: number; lost: number; duplicated: number; reordered: number }

/** The board's `impaired link: in ...; out ...` line at stop (hosts/common/impaired-mac.ts). */
function impairedLink(stderr: string): { line: string; in: LinkDirection; out: LinkDirection } {
  const m = /impaired link: in (\d+) frames \((\d+) lost, (\d+) duplicated, (\d+) reordered\); out (\d+) frames \((\d+) lost, (\d+) duplicated, (\d+) reordered\)/.exec(stderr);
  if (m === null) throw new Error(`no impaired-link line at stop; stderr: ${stderr}`);
  const n = m.slice(1).map(Number);
  const direction = (at: number): LinkDirection => ({ frames: n[at], lost: n[at + 1], duplicated: n[at + 2], reordered: n[at + 3] });
  return { line: m[0], in: direction(0), out: direction(4) };
}

describeIf(reason, 'interop: loss, duplication and reordering on the board\'s link (--impair), kernel as peer', () => {
  const { namespaces, track } = useInteropLifecycle();

  for (const [loss, size] of cases()) {
    const percent = Math.round(loss * 100);
    it(`${percent} % loss, ${percent / 2} % duplication, ${percent} % reordering each way: echo of ${size} bytes and GET /bytes/${size}, byte-exact`, async () => {
      const netns = interopNamespace(namespaces, `imp${percent}`);
      const spec = `loss=${loss},duplicate=${loss / 2},reorder=${loss},delay=2,seed=${11 + percent}`;
      const limit = FULL ? FULL_LIMIT_MS : 100000;
      // At 30 % each way a segment and its ACK both arrive half the time: more retries than TCP_DEF_RETRIES' 7.
      const board = track(await startBoard(netns, ['--app', 'http,echo', '--impair', spec, '--retries', loss >= 0.3 ? '30' : '7'], limit + 60000));
      const started = Date.now();
      const echo = kernelPeer(netns, ['echo', String(size)], limit);
      const page = kernelPeer(netns, ['http-many', '1', '1', String(size), '3'], limit);
      // The long runs report how far they got, so a run stopped at its limit still tells.
      let running = true; // a status page still on its way when the run ends is not logged
      let stallsShown = 0;
      /** The echo client's "stall" and "resumed" lines (offset and time) not logged yet. */
      const logStalls = () => {
        const stalls = echo.events.filter((e) => e.event === 'stall' || e.event === 'resumed');
        for (const e of stalls.slice(stallsShown)) console.log(`--impair ${spec}: echo ${JSON.stringify(e)}`);
        stallsShown = stalls.length;
      };
      const progress = FULL ? setInterval(() => {
        logStalls();
        statusPage(netns).then(
          (s) => running && console.log(`--impair ${spec} after ${Math.round((Date.now() - started) / 1000)} s: ${portFigures(s.rows, 7)}; ${portFigures(s.rows, 80)}`),
          (e: Error) => running && console.log(`--impair ${spec}: status page not read (${e.message.split('\n')[0]})`),
        );
      }, 60000) : undefined;
      try {
        const [echoed, fetched] = await Promise.all([echo.waitFor('done', limit - 2000), page.waitFor('done', limit - 2000)]);
        expect(echoed).toMatchObject({ bytes: size, overflow: 0, equal: true });
        expect(fetched).toMatchObject({ requests: 1, ok: 1, failures: [] });
        // The board counted each echoed byte once in and once out (repeats not counted).
        const table = await statusPage(netns);
        const rows = table.rows.filter((r) => r.localPort === 7);
        expect(rows.reduce((n, r) => n + r.bytesIn, 0)).toBe(size);
        expect(rows.reduce((n, r) => n + r.bytesOut, 0)).toBe(size);
        console.log(`interop --impair ${spec} on ${engine}: echo of ${size} bytes in ${echoed.ms} ms, GET of ${size} bytes in ${fetched.ms} ms; ${portFigures(table.rows, 7)}; ${portFigures(table.rows, 80)}`);
      } finally {
        running = false;
        clearInterval(progress);
        logStalls();
      }
      // At stop the board reports what its link did: the impairment really ran, both ways.
      expect(await board.stop()).toEqual({ code: 0, signal: null });
      const link = impairedLink(board.stderr);
      console.log(`board's ${link.line}`);
      expect(link.in.lost + link.out.lost).toBeGreaterThan(0);
      expect(link.in.frames).toBeGreaterThan(0);
      expect(link.out.frames).toBeGreaterThan(0);
    }, (FULL ? FULL_LIMIT_MS : 100000) + 20000);
  }
});
