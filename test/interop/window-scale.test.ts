/**
 * RFC 7323 window scaling against the Linux kernel (which offers its own shift): the
 * board's SYN+ACK answers with its own shift, and with `--window 262144` an upload into
 * discard keeps more than 65 535 bytes in flight, every byte counted on both sides. Read
 * from a capture on the kernel's side, decoded here by header offsets (not the stack's codecs).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FixtureProcess } from '../node/helpers.js';
import {
  ACK,
  BOARD_IP,
  type CapturedSegment,
  describeIf,
  interopMissingReason,
  interopNamespace,
  interopTransferLimitMs,
  interopTransferSize,
  KERNEL_IP,
  kernelPeer,
  scratchDir,
  startBoard,
  statusPage,
  SYN,
  TAP_DEVICE,
  tcpSegments,
  useInteropLifecycle,
} from './helpers.js';

const MB = 1_000_000;
const BYTES = interopTransferSize(10 * MB, 2 * MB);
const LIMIT_MS = interopTransferLimitMs(BYTES, 60000);
const WINDOW = 262144;
/** The smallest shift that fits 262 144 into 16 bits. */
const SHIFT = 3;

/** The most bytes the kernel had sent and the board not yet acknowledged, at any point of the capture. */
function maxInFlight(segments: readonly CapturedSegment[]): number {
  let highest: number | undefined;
  let acked: number | undefined;
  let most = 0;
  for (const s of segments) {
    if (s.src === KERNEL_IP && s.length > 0) {
      const end = (s.seq + s.length) >>> 0;
      if (highest === undefined || ((end - highest) | 0) > 0) highest = end;
    } else if (s.src === BOARD_IP && (s.flags & ACK) !== 0) {
      if (acked === undefined || ((s.ack - acked) | 0) > 0) acked = s.ack;
    }
    if (highest !== undefined && acked !== undefined) most = Math.max(most, (highest - acked) | 0);
  }
  return most;
}

/** dumpcap (Debian's wireshark-common, which tshark brings) captures on the kernel's side of the TAP device. */
function dumpcapMissing(): string | undefined {
  return interopMissingReason(['curl']) ?? (spawnSync('dumpcap', ['-v'], { stdio: 'ignore', timeout: 10000 }).error === undefined ? undefined : 'missing dumpcap (apt-get install tshark)');
}

/**
 * A capture on the kernel's side of the TAP device: segments as the kernel sends them and
 * ACKs as it receives them, so the bytes in flight are the kernel's (SND.NXT − SND.UNA).
 * The board's own --pcap sees each frame only when the board reads it, too late for that.
 */
async function kernelCapture(netns: string, path: string, limitMs: number): Promise<FixtureProcess> {
  const capture = new FixtureProcess('ip', ['netns', 'exec', netns, 'dumpcap', '-q', '-P', '-i', TAP_DEVICE, '-s', '128', '-B', '16', '-f', 'tcp', '-w', path], limitMs);
  const deadline = Date.now() + 10000;
  while (!capture.stderr.includes('Capturing on') && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 50));
  if (!capture.stderr.includes('Capturing on')) throw new Error(`dumpcap did not start: ${capture.stderr}`);
  return capture;
}

/** Stops a capture; the short waits let dumpcap take the last frames before it writes its file. */
async function stopCapture(capture: FixtureProcess): Promise<void> {
  await new Promise((wake) => setTimeout(wake, 300));
  capture.child.kill('SIGTERM');
  await capture.waitExit(10000);
}

describeIf(dumpcapMissing(), 'interop: window scaling (RFC 7323) against the kernel', () => {
  const { namespaces, track } = useInteropLifecycle();

  it(`with --window ${WINDOW}, an upload of ${BYTES / MB} MB into discard keeps more than 65 535 bytes in flight`, async () => {
    const netns = interopNamespace(namespaces, 'wscale');
    const scratch = scratchDir();
    try {
      const pcap = join(scratch.path, 'wscale.pcap');
      track(await startBoard(netns, ['--app', 'http,discard', '--window', String(WINDOW)], LIMIT_MS + 30000));
      const capture = await kernelCapture(netns, pcap, LIMIT_MS + 20000);
      const done = await kernelPeer(netns, ['discard', String(BYTES)], LIMIT_MS + 2000).waitFor('done', LIMIT_MS);
      await stopCapture(capture);
      expect(done).toMatchObject({ bytes: BYTES, answered: 0 });
      const rows = (await statusPage(netns)).rows.filter((r) => r.localPort === 9);
      expect(rows.reduce((n, r) => n + r.bytesIn, 0)).toBe(BYTES);

      const all = tcpSegments(pcap).filter((s) => s.srcPort === 9 || s.dstPort === 9);
      const syn = all.find((s) => s.src === KERNEL_IP && (s.flags & (SYN | ACK)) === SYN);
      const synAck = all.find((s) => s.src === BOARD_IP && (s.flags & (SYN | ACK)) === (SYN | ACK));
      // The kernel's shift follows its largest receive buffer (7 with Linux's defaults).
      expect(syn?.wscale).toBeGreaterThanOrEqual(1);
      expect(synAck?.wscale).toBe(SHIFT);
      // Only the SYNs carry it, and the SYN+ACK's window is not scaled.
      expect(all.filter((s) => s.wscale !== undefined && (s.flags & SYN) === 0)).toEqual([]);
      expect(synAck?.window).toBe(0xffff);
      // After the handshake the board announces its window scaled: 262 144 >> 3 in the field.
      const boardAcks = all.filter((s) => s.src === BOARD_IP && (s.flags & SYN) === 0);
      expect(Math.max(...boardAcks.map((s) => s.window))).toBe(WINDOW >> SHIFT);
      const inFlight = maxInFlight(all);
      expect(inFlight).toBeGreaterThan(0xffff);
      // Never more than the board allowed (its window plus the rounding of one shift step per ACK).
      expect(inFlight).toBeLessThanOrEqual(WINDOW + (1 << SHIFT));
      console.log(`interop: window scaling, ${BYTES / MB} MB into discard in ${done.ms} ms, at most ${inFlight} bytes in flight`);
    } finally {
      scratch.rm();
    }
  }, LIMIT_MS + 60000);

  it('by default the SYN+ACK offers a shift of 0: the kernel may scale its window, the board\'s stays within 65 535', async () => {
    const netns = interopNamespace(namespaces, 'wscale0');
    const scratch = scratchDir();
    try {
      const pcap = join(scratch.path, 'default.pcap');
      track(await startBoard(netns, ['--app', 'http']));
      const capture = await kernelCapture(netns, pcap, 40000);
      const page = await statusPage(netns);
      await stopCapture(capture);
      expect(page.head).toContain('200');
      const all = tcpSegments(pcap).filter((s) => s.srcPort === 80 || s.dstPort === 80);
      const synAck = all.find((s) => s.src === BOARD_IP && (s.flags & (SYN | ACK)) === (SYN | ACK));
      expect(synAck?.wscale).toBe(0);
      expect(all.filter((s) => s.wscale !== undefined && (s.flags & SYN) === 0)).toEqual([]);
      expect(Math.max(...all.filter((s) => s.src === BOARD_IP).map((s) => s.window))).toBeLessThanOrEqual(0xffff);
    } finally {
      scratch.rm();
    }
  }, 60000);
});
