/**
 * Echo (RFC 862), discard (RFC 863) and chargen (RFC 864) on the board, with clients of
 * the Linux kernel (fixtures/kernel-peer.mjs, Node `net` in the namespace), and ping.
 * Byte counts are checked on both sides: the client's, and the board's own socket table
 * (the status page's bytes in/out counters, which count each byte once, not repeats).
 */
import {
  BOARD_IP,
  describeIf,
  interopMissingReason,
  interopNamespace,
  interopTransferLimitMs,
  kernelPeer,
  runInNetns,
  startBoard,
  statusPage,
  useInteropLifecycle,
} from './helpers.js';

const MIB = 1024 * 1024;
/** Bytes each way of the bulk test: 50 MiB on every engine (the emulated board too, since it announces what its FIFO holds). */
const BULK = (Number(process.env.XSTCP_BULK_MIB) || 50) * MIB; // XSTCP_BULK_MIB: a smaller size when chasing a fault
/** How long the two concurrent transfers may take (148 s; longer on the emulated board). */
const BULK_LIMIT_MS = interopTransferLimitMs(BULK, 148000);

describeIf(interopMissingReason(['curl']), 'interop: echo, discard, chargen and ping against the kernel', () => {
  const { namespaces, track } = useInteropLifecycle();

  it('echoes 1 MiB byte-exact (port 7)', async () => {
    const netns = interopNamespace(namespaces, 'echo');
    track(await startBoard(netns, ['--app', 'http,echo']));
    const done = await kernelPeer(netns, ['echo', String(MIB)], 60000).waitFor('done', 58000);
    expect(done).toMatchObject({ bytes: MIB, overflow: 0, equal: true });
    const echo = (await statusPage(netns)).rows.filter((r) => r.localPort === 7);
    expect(echo.reduce((n, r) => n + r.bytesIn, 0)).toBe(MIB);
    expect(echo.reduce((n, r) => n + r.bytesOut, 0)).toBe(MIB);
    console.log(`interop: echo of 1 MiB in ${done.ms} ms`);
  }, 90000);

  it(`discards ${BULK / MIB} MiB (port 9) and generates ${BULK / MIB} MiB (port 19) at the same time, every byte counted and the pattern checked`, async () => {
    const netns = interopNamespace(namespaces, 'bulk');
    track(await startBoard(netns, ['--app', 'http,discard,chargen'], BULK_LIMIT_MS + 30000));
    // Both bulk transfers at once: each is bounded by one round trip per window, not by CPU.
    const discard = kernelPeer(netns, ['discard', String(BULK)], BULK_LIMIT_MS + 2000);
    const chargen = kernelPeer(netns, ['chargen', String(BULK)], BULK_LIMIT_MS + 2000);
    const [sent, generated] = await Promise.all([discard.waitFor('done', BULK_LIMIT_MS), chargen.waitFor('done', BULK_LIMIT_MS)]);
    expect(sent).toMatchObject({ bytes: BULK, answered: 0 });
    expect(generated.mismatch).toBe(-1);
    expect(generated.bytes as number).toBeGreaterThanOrEqual(BULK);

    const rows = (await statusPage(netns)).rows;
    // Discard took in exactly what the kernel sent, and sent nothing back.
    const discardRows = rows.filter((r) => r.localPort === 9);
    expect(discardRows.reduce((n, r) => n + r.bytesIn, 0)).toBe(BULK);
    expect(discardRows.reduce((n, r) => n + r.bytesOut, 0)).toBe(0);
    // Chargen stopped when we closed; everything it sent reached us before its FIN.
    const chargenRows = rows.filter((r) => r.localPort === 19);
    expect(chargenRows.reduce((n, r) => n + r.bytesOut, 0)).toBe(generated.bytes);
    // Both services listen again.
    expect([...discardRows, ...chargenRows].map((r) => r.state)).toEqual(['LISTEN', 'LISTEN', 'LISTEN', 'LISTEN']);
    console.log(`interop: discard of ${BULK / MIB} MiB in ${sent.ms} ms, chargen of ${generated.bytes} bytes in ${generated.ms} ms (concurrently)`);
  }, BULK_LIMIT_MS + 32000);

  // ping comes with iputils-ping.
  describeIf(interopMissingReason(['ping']), 'with ping', () => {
    it('answers the kernel\'s pings, small and full-size, with the payload intact', async () => {
      const netns = interopNamespace(namespaces, 'ping');
      track(await startBoard(netns, ['--app', 'http']));
      // ping itself checks every reply's payload against what it sent ("wrong data byte" otherwise).
      for (const size of ['56', '1472']) {
        const r = await runInNetns(netns, 'ping', ['-n', '-c', '3', '-i', '0.2', '-W', '2', '-s', size, BOARD_IP], 15000);
        expect(r.status).toBe(0);
        expect(r.stdout).toContain('3 packets transmitted, 3 received, 0% packet loss');
        expect(r.stdout).not.toContain('wrong data');
        expect(r.stdout).not.toContain('DUP!');
        expect(r.stdout).toContain(`${Number(size) + 8} bytes from ${BOARD_IP}: icmp_seq=1`);
      }
      // The kernel learnt the board's MAC through ARP.
      expect((await runInNetns(netns, 'ip', ['neigh', 'show', BOARD_IP], 5000)).stdout).toContain('lladdr 02:00:00:00:00:02');
    }, 60000);
  });
});
