/**
 * The seed's close sequences against the Linux kernel, seen from both sides: the board's
 * trace, the kernel's socket states (`ss -tan`) and the board's pcap (decoded here by
 * offset, and cross-checked with tshark where it is installed).
 *
 * - The board closes first (HTTP after the last block): board FIN_WAIT_1 -> FIN_WAIT_2 ->
 *   TIME_WAIT with TCP_EVENT_CLOSED; kernel CLOSE-WAIT -> (LAST-ACK) -> gone.
 * - The kernel closes first (echo, the client half-closes): TCP_EVENT_CLOSE, then
 *   LAST_ACK -> CLOSED with TCP_EVENT_CLOSED; the kernel ends in TIME-WAIT.
 * - The kernel falls silent after the board's FIN (an nftables rule on the TAP device's
 *   ingress drops every FIN from the board before the kernel sees it, which the kernel
 *   cannot tell from wire loss): the FIN is repeated, then a RST, and TCP_EVENT_ABORT.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TCP_FIN_RETRIES } from '../../src/api/tcp.js';
import {
  ACK,
  BOARD_IP,
  connectionSegments,
  describeIf,
  FIN,
  interopMissingReason,
  interopNamespace,
  kernelPeer,
  KERNEL_IP,
  nft,
  RST,
  runInNetns,
  scratchDir,
  seqPlus,
  startBoard,
  SYN,
  TAP_DEVICE,
  tcpSegments,
  traceStep,
  type BoardProcess,
  type CapturedSegment,
  useInteropLifecycle,
} from './helpers.js';

/** Bytes of the response head for /bytes/N (the exact head is checked by the kernel peer). */
const bytesResponseLength = (n: number) =>
  `HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${n}\r\nConnection: close\r\n\r\n`.length + n;
const requestLength = `GET /bytes/5000 HTTP/1.0\r\nHost: ${BOARD_IP}\r\n\r\n`.length;

const tsharkMissing = spawnSync('tshark', ['--version'], { stdio: 'ignore', timeout: 20000 }).error !== undefined;

/** The board's socket that took the kernel's connection (its CONREQ). */
function servingSocket(board: BoardProcess): number {
  const conreq = board.trace.find((l) => l.event === 'TCP_EVENT_CONREQ');
  if (conreq === undefined) throw new Error(`no TCP_EVENT_CONREQ in ${JSON.stringify(board.trace.slice(-20))}`);
  return conreq.socket;
}

/** That socket's trace from its CONREQ on, without the data/ack events in between. */
function closeSteps(board: BoardProcess, socket: number): string[] {
  const lines = board.socketTrace(socket);
  const from = lines.findIndex((l) => l.event === 'TCP_EVENT_CONREQ');
  return lines.slice(from).map(traceStep).filter((s) => !/^TCP_EVENT_(DATA|ACK|PARTIAL_ACK|WINDOW_UPDATE)@/.test(s) && s !== 'TCP_WINDOW_UPDATE@ESTABLISHED');
}

const has = (s: CapturedSegment, flag: number) => (s.flags & flag) !== 0;

describeIf(interopMissingReason(['ss', 'curl']), 'interop: close sequences against the kernel', () => {
  const { namespaces, track } = useInteropLifecycle();

  it('board closes first: FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT here, CLOSE-WAIT -> gone in the kernel, FIN/ACK/FIN/ACK on the wire', async () => {
    const netns = interopNamespace(namespaces, 'active');
    const scratch = scratchDir();
    const pcap = join(scratch.path, 'active.pcap');
    try {
      const board = track(await startBoard(netns, ['--app', 'http', '--pcap', pcap]));
      const peer = kernelPeer(netns, ['close-active', '5000'], 20000);
      const done = await peer.waitFor('done', 18000);
      // The kernel: the board's FIN is in, our side still open -> CLOSE-WAIT (and it stays
      // there: the board does not repeat an acknowledged FIN); after our close the socket is
      // gone at once (LAST-ACK lasts one round trip, rarely long enough for ss to see).
      expect(done.problem).toBeNull();
      expect(done.atEof).toEqual(['CLOSE-WAIT']);
      expect(done.later).toEqual(['CLOSE-WAIT']);
      const after = done.afterClose as string[];
      expect(after.at(-1)).toBe('gone');
      for (const state of after) expect(['CLOSE-WAIT', 'LAST-ACK', 'gone']).toContain(state);
      // Passive closers never hold TIME-WAIT.
      expect((await runInNetns(netns, 'ss', ['-tanH', 'state', 'time-wait'], 5000)).stdout).not.toContain(`:${done.localPort} `);

      // The board: our FIN is acknowledged at once (FIN_WAIT_2); the kernel's FIN comes
      // 200 ms later (TIME_WAIT), where the listener hears TCP_EVENT_CLOSED and listens again.
      const socket = servingSocket(board);
      await board.waitUntil(() => closeSteps(board!, socket).includes('TIME_WAIT->LISTEN'), 5000, 'TIME_WAIT->LISTEN');
      expect(closeSteps(board, socket)).toEqual([
        'TCP_EVENT_CONREQ@LISTEN', 'LISTEN->SYN_RCVD', 'SYN_RCVD->ESTABLISHED', 'TCP_EVENT_CONNECTED@ESTABLISHED',
        'ESTABLISHED->FIN_WAIT_1', 'FIN_WAIT_1->FIN_WAIT_2', 'FIN_WAIT_2->TIME_WAIT', 'TCP_EVENT_CLOSED@TIME_WAIT', 'TIME_WAIT->LISTEN',
      ]);

      expect((await board.stop()).code).toBe(0);
      const segments = connectionSegments(tcpSegments(pcap), done.localPort as number, 80);
      const syn = segments.find((s) => s.src === KERNEL_IP && s.flags === SYN)!;
      const synAck = segments.find((s) => s.src === BOARD_IP && s.flags === (SYN | ACK))!;
      expect(syn).toBeDefined();
      expect(synAck).toBeDefined();
      expect(synAck.ack).toBe(seqPlus(syn.seq, 1));
      const fins = segments.filter((s) => has(s, FIN));
      expect(fins.map((s) => s.src)).toEqual([BOARD_IP, KERNEL_IP]); // one each, ours first
      const [boardFin, kernelFin] = fins;
      // Our FIN follows exactly the response; it acknowledges exactly the request.
      expect(boardFin.seq).toBe(seqPlus(synAck.seq, 1 + bytesResponseLength(5000)));
      expect(boardFin.ack).toBe(seqPlus(syn.seq, 1 + requestLength));
      expect(boardFin.length).toBe(0);
      // The kernel acknowledges our FIN before sending its own (it held CLOSE-WAIT for 200 ms).
      const between = segments.slice(segments.indexOf(boardFin) + 1, segments.indexOf(kernelFin));
      const finAck = between.find((s) => s.src === KERNEL_IP && has(s, ACK) && s.ack === seqPlus(boardFin.seq, 1));
      expect(finAck).toBeDefined();
      expect(kernelFin.seq).toBe(boardFin.ack);
      expect(kernelFin.ack).toBe(seqPlus(boardFin.seq, 1));
      expect(kernelFin.t - boardFin.t).toBeGreaterThanOrEqual(150);
      // Our last ACK: the kernel's FIN counted, nothing of ours after it.
      const last = segments.at(-1)!;
      expect(last).toMatchObject({ src: BOARD_IP, flags: ACK, seq: seqPlus(boardFin.seq, 1), ack: seqPlus(kernelFin.seq, 1), length: 0 });
      expect(segments.some((s) => has(s, RST))).toBe(false);

      if (!tsharkMissing) {
        // The same FINs as Wireshark's dissector reads them from our file.
        const r = spawnSync('tshark', ['-r', pcap, '-Y', `tcp.port == ${done.localPort} && tcp.flags.fin == 1`, '-T', 'fields',
          '-E', 'separator=,', '-e', 'ip.src', '-e', 'tcp.seq_raw', '-e', 'tcp.ack_raw'], { encoding: 'utf8', timeout: 30000 });
        expect(r.status).toBe(0);
        expect(r.stdout.trim().split('\n')).toEqual([
          `${BOARD_IP},${boardFin.seq},${boardFin.ack}`, `${KERNEL_IP},${kernelFin.seq},${kernelFin.ack}`]);
      }
    } finally {
      scratch.rm();
    }
  }, 60000);

  it('kernel closes first: TCP_EVENT_CLOSE, then LAST_ACK -> CLOSED with TCP_EVENT_CLOSED; the kernel holds TIME-WAIT', async () => {
    const netns = interopNamespace(namespaces, 'passive');
    const board = track(await startBoard(netns, ['--app', 'echo']));
    // 100 kB to port 7 and our FIN right behind it; the echo is read to the board's FIN.
    const peer = kernelPeer(netns, ['half-close-echo', '100000'], 30000);
    const done = await peer.waitFor('done', 28000);
    expect(done).toMatchObject({ echoed: 100000, equal: true });
    expect(done.afterEof).toContain('TIME-WAIT');

    const socket = servingSocket(board);
    await board.waitUntil(() => closeSteps(board!, socket).includes('TCP_EVENT_CLOSED@CLOSED'), 5000, 'TCP_EVENT_CLOSED');
    const steps = closeSteps(board, socket);
    const at = (step: string) => steps.indexOf(step);
    expect(at('TCP_EVENT_CLOSE@ESTABLISHED')).toBeGreaterThan(at('TCP_EVENT_CONNECTED@ESTABLISHED'));
    // The echo answers APP_ACCEPT: our FIN goes once every echoed byte is acknowledged.
    const toLastAck = steps.findIndex((s) => s.endsWith('->LAST_ACK'));
    expect(toLastAck).toBeGreaterThan(at('TCP_EVENT_CLOSE@ESTABLISHED'));
    expect(steps[toLastAck]).toMatch(/^(ESTABLISHED|CLOSE_WAIT)->LAST_ACK$/);
    expect(steps.slice(toLastAck + 1, toLastAck + 3)).toEqual(['LAST_ACK->CLOSED', 'TCP_EVENT_CLOSED@CLOSED']);
    // An active closer's states never appear on the passive side.
    expect(steps.filter((s) => /FIN_WAIT|CLOSING|TIME_WAIT/.test(s))).toEqual([]);
    // The echo service listens again.
    expect(steps.at(-1)).toMatch(/->LISTEN$/);
  }, 60000);

  // nftables (package nftables) makes the kernel deaf to the board's FINs.
  describeIf(interopMissingReason(['nft']), 'with the board\'s FINs dropped on the kernel\'s ingress', () => {
    it('kernel silent after the board\'s FIN: the FIN is repeated, then a RST, and TCP_EVENT_ABORT', async () => {
      const netns = interopNamespace(namespaces, 'silent');
      const scratch = scratchDir();
      const pcap = join(scratch.path, 'silent.pcap');
      try {
        // Every TCP segment with FIN from the board is dropped on the kernel's ingress, so the
        // kernel never learns of our close; anything else (data, the RST) still arrives.
        nft(netns, [
          'table netdev xstcp_silent {',
          '  chain ingress {',
          `    type filter hook ingress device "${TAP_DEVICE}" priority 0;`,
          `    ip saddr ${BOARD_IP} tcp flags & fin == fin counter drop`,
          '  }',
          '}',
        ].join('\n'));
        const board = track(await startBoard(netns, ['--app', 'http', '--pcap', pcap]));
        const peer = kernelPeer(netns, ['fin-silent', '200000'], 45000);
        const body = await peer.waitFor('body', 15000);
        expect(body.problem).toBeNull();
        const done = await peer.waitFor('done', 40000);
        // Our RST was in the kernel's window: its socket is reset and gone.
        expect(done).toMatchObject({ how: 'error', code: 'ECONNRESET' });
        expect(done.statesAfter).toEqual([]);
        expect(peer.events.some((e) => e.event === 'eof')).toBe(false);

        const socket = servingSocket(board);
        await board.waitUntil(() => closeSteps(board!, socket).some((s) => s.startsWith('TCP_EVENT_ABORT@')), 5000, 'TCP_EVENT_ABORT');
        const steps = closeSteps(board, socket);
        const fw1 = steps.indexOf('ESTABLISHED->FIN_WAIT_1');
        expect(fw1).toBeGreaterThan(0);
        // The abort is reported with the socket already CLOSED (spec: TCP_EVENT_ABORT, state CLOSED); HTTP listens again.
        expect(steps.slice(fw1 + 1)).toEqual(['FIN_WAIT_1->CLOSED', 'TCP_EVENT_ABORT@CLOSED', 'CLOSED->LISTEN']);
        expect(steps.filter((s) => /FIN_WAIT_2|CLOSING|TIME_WAIT|TCP_EVENT_CLOSED/.test(s))).toEqual([]);
        const lines = board.socketTrace(socket);
        const finWait1At = lines.find((l) => l.to === 'FIN_WAIT_1')!.t;
        const abortAt = lines.find((l) => l.event === 'TCP_EVENT_ABORT')!.t;

        const dropped = (await runInNetns(netns, 'nft', ['list', 'chain', 'netdev', 'xstcp_silent', 'ingress'], 10000)).stdout;
        expect(dropped).toMatch(new RegExp(`counter packets ${1 + TCP_FIN_RETRIES} bytes`));

        expect((await board.stop()).code).toBe(0);
        const segments = connectionSegments(tcpSegments(pcap), done.localPort as number, 80);
        const fins = segments.filter((s) => s.src === BOARD_IP && has(s, FIN));
        // The FIN and TCP_FIN_RETRIES repeats of it, unchanged, each after a longer wait (back-off).
        expect(fins).toHaveLength(1 + TCP_FIN_RETRIES);
        for (const fin of fins) expect(fin).toMatchObject({ seq: fins[0].seq, ack: fins[0].ack, flags: fins[0].flags, length: 0 });
        const gaps = fins.slice(1).map((fin, i) => fin.t - fins[i].t);
        expect(gaps[0]).toBeGreaterThanOrEqual(900); // RFC 6298: at least 1 s (less the clock's rounding)
        for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1] * 1.5);
        // Then a RST at SND.NXT (the FIN's sequence number + 1). The kernel never saw the FIN,
        // so its RCV.NXT is the FIN's own number; RFC 5961 makes it answer that in-window but
        // inexact RST with a challenge ACK (ack = the FIN's number), which reaches the socket
        // back in LISTEN and is answered by a RST at exactly that number, which resets the
        // kernel's socket. Nothing but RSTs from us after the last FIN.
        const tail = segments.slice(segments.indexOf(fins.at(-1)!) + 1);
        const ours = tail.filter((s) => s.src === BOARD_IP);
        expect(ours.length).toBeGreaterThanOrEqual(1);
        expect(ours.length).toBeLessThanOrEqual(2);
        for (const s of ours) expect(s.flags & ~ACK).toBe(RST);
        expect(ours[0].seq).toBe(seqPlus(fins[0].seq, 1));
        expect(ours[0].t - fins.at(-1)!.t).toBeGreaterThanOrEqual(gaps.at(-1)!);
        if (ours.length === 2) {
          const challenge = tail.slice(tail.indexOf(ours[0]) + 1, tail.indexOf(ours[1])).filter((s) => s.src === KERNEL_IP);
          expect(challenge).toHaveLength(1);
          expect(challenge[0]).toMatchObject({ flags: ACK, ack: fins[0].seq, length: 0 });
          expect(ours[1].seq).toBe(challenge[0].ack);
        }
        console.log(`interop: FIN at 0, repeats after ${gaps.map((g) => Math.round(g)).join(', ')} ms, RST after ${Math.round(ours[0].t - fins.at(-1)!.t)} ms more (${ours.length} RST(s)); ` +
          `trace: FIN_WAIT_1 -> TCP_EVENT_ABORT in ${abortAt - finWait1At} ms`);
      } finally {
        scratch.rm();
      }
    }, 90000);
  });
});
