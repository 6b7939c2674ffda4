/**
 * The board connecting out (fnTCP_Connect) to a listener of the Linux kernel and
 * exchanging data both ways, byte-exact, then closing: first with the board closing
 * first, then with the kernel half-closing first while the board still sends (CLOSE_WAIT).
 * The CLI has no flag for an outgoing connection, so fixtures/board-connect.mjs runs a
 * board of hosts/common/board.ts (from dist/) on the TAP device with a client socket.
 */
import { describeIf, ensureBuilt, interopMissingReason, interopNamespace, killAllFixtures, Namespaces, removeStaleNamespaces, BOARD_CONNECT, TAP_DEVICE, traceStep, type TraceLine } from './helpers.js';
import { FixtureProcess, type FixtureEvent } from '../node/helpers.js';

function runConnect(netns: string, up: number, down: number, order: 'board-first' | 'kernel-first'): FixtureProcess {
  return new FixtureProcess('ip', ['netns', 'exec', netns, process.execPath, BOARD_CONNECT, TAP_DEVICE, String(up), String(down), order], 40000);
}

/** The client socket's trace (lines with a socket number) from SYN_SENT on, without data/ack events. */
function steps(events: readonly FixtureEvent[], socket: number): string[] {
  const lines = events.filter((e) => typeof e.t === 'number' && e.socket === socket) as unknown as TraceLine[];
  const from = lines.findIndex((l) => l.to === 'SYN_SENT');
  return lines.slice(from).map(traceStep).filter((s) => !/^TCP_EVENT_(DATA|ACK|PARTIAL_ACK)@|^TCP_WINDOW_UPDATE@/.test(s));
}

describeIf(interopMissingReason(), 'interop: the board connects out to the kernel', () => {
  const namespaces = new Namespaces();

  beforeAll(() => {
    removeStaleNamespaces();
    ensureBuilt();
  }, 300000);

  afterAll(async () => {
    await killAllFixtures();
    namespaces.removeAll();
  }, 30000);

  it('connects, sends 300 000 bytes and receives 200 000, byte-exact, and closes first: FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT', async () => {
    const netns = interopNamespace(namespaces, 'connect');
    const fixture = runConnect(netns, 300000, 200000, 'board-first');
    const connect = await fixture.waitFor('connect', 10000);
    expect(connect.result).toBe(connect.socket); // fnTCP_Connect returns the socket
    const kernel = await fixture.waitFor('kernel-done', 30000);
    expect(kernel).toMatchObject({ received: 300000, mismatch: -1 });
    const board = await fixture.waitFor('board-done', 30000);
    expect(board).toMatchObject({ how: 'TCP_EVENT_CLOSED', queued: 300000, received: 200000, mismatch: -1, closeCalled: true, peerClosed: false });
    await fixture.waitFor('done', 5000);
    expect((await fixture.waitExit(5000)).code).toBe(0);
    expect(steps(fixture.events, connect.socket as number)).toEqual([
      'RESERVED->SYN_SENT', 'SYN_SENT->ESTABLISHED', 'TCP_EVENT_CONNECTED@ESTABLISHED',
      'ESTABLISHED->FIN_WAIT_1', 'FIN_WAIT_1->FIN_WAIT_2', 'FIN_WAIT_2->TIME_WAIT', 'TCP_EVENT_CLOSED@TIME_WAIT',
    ]);
  }, 60000);

  it('keeps sending in CLOSE_WAIT after the kernel half-closes, then closes: CLOSE_WAIT -> LAST_ACK -> CLOSED', async () => {
    const netns = interopNamespace(namespaces, 'halfclose');
    const fixture = runConnect(netns, 300000, 20000, 'kernel-first');
    const connect = await fixture.waitFor('connect', 10000);
    const kernel = await fixture.waitFor('kernel-done', 30000);
    expect(kernel).toMatchObject({ received: 300000, mismatch: -1 });
    const board = await fixture.waitFor('board-done', 30000);
    expect(board).toMatchObject({ how: 'TCP_EVENT_CLOSED', queued: 300000, received: 20000, mismatch: -1, closeCalled: true, peerClosed: true });
    expect((await fixture.waitExit(10000)).code).toBe(0);
    expect(steps(fixture.events, connect.socket as number)).toEqual([
      'RESERVED->SYN_SENT', 'SYN_SENT->ESTABLISHED', 'TCP_EVENT_CONNECTED@ESTABLISHED',
      'TCP_EVENT_CLOSE@ESTABLISHED', 'ESTABLISHED->CLOSE_WAIT', 'CLOSE_WAIT->LAST_ACK', 'LAST_ACK->CLOSED', 'TCP_EVENT_CLOSED@CLOSED',
    ]);
    // Our bytes were still being acknowledged after the kernel's FIN: the half close carried data.
    const acksInCloseWait = fixture.events.filter((e) => e.event === 'TCP_EVENT_ACK' && e.state === 'CLOSE_WAIT').length;
    expect(acksInCloseWait).toBeGreaterThan(0);
  }, 60000);
});
