/**
 * A manual tool for loss runs over TAP (docs/robustness.md, finding 3), not part of
 * `npm test`: XSTCP_LOSS_CAPTURE=1 runs one echo through the board's `--impair` link
 * while capturing what crossed the TAP device (`--pcap`, node engine) and the kernel's
 * view of its socket (`ss -tino` every 10 s: RTO, back-off, persist timer), so a stalled
 * transfer can be read segment by segment afterwards. The echo must still come back
 * byte-exact. Settings: XSTCP_CAPTURE_LOSS (0.1), XSTCP_CAPTURE_SEED (21),
 * XSTCP_CAPTURE_BYTES (4 MiB), XSTCP_CAPTURE_MINUTES (25), XSTCP_CAPTURE_DIR (where
 * capture.pcap and ss.log go; default a new directory under the system's temp dir).
 */
import { appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interopEngine, interopMissingReason, interopNamespace, kernelPeer, runInNetns, startBoard, useInteropLifecycle } from './helpers.js';

const ENABLED = process.env.XSTCP_LOSS_CAPTURE === '1';
const LOSS = Number(process.env.XSTCP_CAPTURE_LOSS ?? 0.1);
const SEED = Number(process.env.XSTCP_CAPTURE_SEED ?? 21);
const BYTES = Number(process.env.XSTCP_CAPTURE_BYTES ?? 4 * 1024 * 1024);
const LIMIT_MS = Number(process.env.XSTCP_CAPTURE_MINUTES ?? 25) * 60000;
const missing = ENABLED ? interopMissingReason(['ss']) : 'set XSTCP_LOSS_CAPTURE=1 to run it';

(missing === undefined ? describe : describe.skip)('loss capture over TAP (manual)', () => {
  const { namespaces, track } = useInteropLifecycle();

  it(`echo of ${BYTES} bytes at ${LOSS * 100} % loss, captured`, async () => {
    const dir = process.env.XSTCP_CAPTURE_DIR ?? mkdtempSync(join(tmpdir(), 'xstcp-loss-capture-'));
    mkdirSync(dir, { recursive: true });
    const ssLog = join(dir, 'ss.log');
    const pcap = interopEngine() === 'node' ? ['--pcap', join(dir, 'capture.pcap')] : [];
    const netns = interopNamespace(namespaces, `cap${Math.round(LOSS * 100)}`);
    const spec = `loss=${LOSS},duplicate=${LOSS / 2},reorder=${LOSS},delay=2,seed=${SEED}`;
    const board = track(await startBoard(netns, ['--app', 'http,echo', '--impair', spec, '--retries', '30', ...pcap], LIMIT_MS + 60000));
    console.log(`loss capture: --impair ${spec}; writing to ${dir}`);
    const started = Date.now();
    const echo = kernelPeer(netns, ['echo', String(BYTES)], LIMIT_MS);
    const sampler = setInterval(() => {
      void runInNetns(netns, 'ss', ['-tino', 'dport', '= :7'], 5000)
        .then((r) => appendFileSync(ssLog, `--- ${Math.round((Date.now() - started) / 1000)} s\n${r.stdout}`));
    }, 10000);
    try {
      const done = await echo.waitFor('done', LIMIT_MS - 2000);
      expect(done).toMatchObject({ bytes: BYTES, overflow: 0, equal: true });
      console.log(`loss capture: echo of ${BYTES} bytes in ${done.ms} ms; stalls ${JSON.stringify(echo.events.filter((e) => e.event !== 'done'))}`);
    } finally {
      clearInterval(sampler);
    }
    expect(await board.stop()).toEqual({ code: 0, signal: null });
    console.log(`loss capture: board's ${/impaired link: [^\n]*/.exec(board.stderr)?.[0] ?? 'link line missing'}`);
  }, LIMIT_MS + 120000);
});
