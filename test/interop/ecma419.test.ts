/**
 * The ECMA-419 echo (examples/ecma419-echo.ts, `--app ecma419-echo`: a Listener and TCP
 * sockets on the board) against clients of the Linux kernel on port 7: 1 MB echoed
 * byte-exact while both directions are flow-controlled, a half close (the kernel's FIN
 * right behind its data: onError once everything is echoed, then the board's FIN), and
 * every socket of the board back to listening afterwards.
 */
import {
  describeIf,
  interopMissingReason,
  interopNamespace,
  kernelPeer,
  startBoard,
  statusPage,
  useInteropLifecycle,
} from './helpers.js';

const MB = 1_000_000;

describeIf(interopMissingReason(['curl']), 'interop: the ECMA-419 echo against the kernel', () => {
  const { namespaces, track } = useInteropLifecycle();

  it('echoes 1 MB byte-exact, then takes a half close: data echoed, FIN answered, nothing left open', async () => {
    const netns = interopNamespace(namespaces, 'ecma');
    const board = track(await startBoard(netns, ['--app', 'http,ecma419-echo']));
    const done = await kernelPeer(netns, ['echo', String(MB)], 60000).waitFor('done', 58000);
    expect(done).toMatchObject({ bytes: MB, overflow: 0, equal: true });
    console.log(`interop: ECMA-419 echo of 1 MB in ${done.ms} ms`);

    const half = await kernelPeer(netns, ['half-close-echo', '100000'], 30000).waitFor('done', 28000);
    expect(half).toMatchObject({ echoed: 100000, equal: true });
    // The kernel's socket ended in TIME-WAIT: the board's FIN came after the echo (a passive close).
    expect(half.afterEof).toContain('TIME-WAIT');

    // On the board: the echo's connections ended with TCP_EVENT_CLOSED (none aborted), and
    // its sockets (the Listener's backlog of 2) listen on port 7 again.
    await board.waitUntil(() => board.trace.filter((l) => l.event === 'TCP_EVENT_CLOSED').length >= 2, 5000, 'two closes');
    expect(board.trace.filter((l) => l.event === 'TCP_EVENT_ABORT')).toEqual([]);
    const echo = (await statusPage(netns)).rows.filter((r) => r.localPort === 7);
    expect(echo.map((r) => r.state)).toEqual(['LISTEN', 'LISTEN']);
  }, 120000);
});
