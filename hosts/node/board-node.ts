/**
 * `xstcp board` on Node: the board of hosts/common/board.ts on a TAP device, a real clock
 * and the OS's CSPRNG, until SIGINT/SIGTERM. Prints `ready` on stderr once the interface is
 * up; with --trace, one JSON line per state change and listener event on stdout; on
 * SIGUSR2 a `figures` line on stderr (what the board holds: sockets, buffers, ARP, timers).
 */
import { captureMac } from '../common/capture.js';
import { boardImpairment } from '../common/impaired-mac.js';
import { startBoard } from '../common/board.js';
import { figuresLine } from '../common/board-figures.js';
import type { MacDriver } from '../../src/host/mac.js';
import { boardSettings, type BoardArgs } from '../common/cli-args.js';
import { PcapFile } from './pcap-file.js';
import { RealClock } from './real-clock.js';
import { CryptoRandom } from './random.js';
import { TapMac } from './tap-mac.js';
import { registerEmbeddedSpecifiers } from './embedded-specifiers.js';
import { syncLineWriter } from './sync-output.js';

/**
 * XSTCP_TAP_TX_SLOTS sizes the TAP driver's transmit ring (hosts/node/tap-mac.ts); 0 writes
 * every frame on the event loop's thread, as before the transmit thread (for comparisons).
 */
function txSlotsFromEnvironment(): number | undefined {
  const text = process.env.XSTCP_TAP_TX_SLOTS;
  return text === undefined || text === '' ? undefined : Number(text);
}

export function runBoardOnNode(args: BoardArgs): Promise<number> {
  const clock = new RealClock();
  let tap: TapMac;
  let stopped = false;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finish = resolve));
  try {
    tap = TapMac.open(args.tap, args.mac, {
      txSlots: txSlotsFromEnvironment(),
      onError: (error) => {
        process.stderr.write(`xstcp: TAP device ${args.tap} failed: ${error.message}\n`);
        shutdown(1);
      },
    });
  } catch (error) {
    process.stderr.write(`xstcp: cannot open TAP device ${args.tap}: ${(error as Error).message}\n`);
    return Promise.resolve(1);
  }

  let pcap: PcapFile | undefined;
  let mac: MacDriver = tap;
  if (args.pcap) {
    // Wall-clock timestamps: the real clock counts from process start.
    pcap = new PcapFile(args.pcap, { epochMs: Date.now() - clock.now() });
    const file = pcap;
    mac = captureMac(tap, clock, (t, frame) => file.write(t, frame));
  }
  // Inside the capture: the pcap shows what crossed the wire, not what the impairment dropped.
  const impaired = boardImpairment(mac, clock, args.impair);
  if (impaired !== undefined) mac = impaired;

  let board: ReturnType<typeof startBoard>;
  // Trace and log lines are written synchronously (bounded, as on XS), not queued by Node.
  const traceLine = syncLineWriter(1);
  const logLine = syncLineWriter(2);
  if (args.apps.includes('ecma419-echo')) registerEmbeddedSpecifiers();
  try {
    board = startBoard({
      mac,
      clock,
      random: new CryptoRandom(),
      log: (level, message) => {
        if (level !== 'debug') logLine(`xstcp: ${level}: ${message}`);
      },
      ...boardSettings(args),
      ...(args.retries !== undefined ? { tcp: { retries: args.retries } } : {}),
      trace: args.trace ? traceLine : undefined,
    });
  } catch (error) {
    process.stderr.write(`xstcp: ${(error as Error).message}\n`);
    tap.close();
    pcap?.close();
    return Promise.resolve(2);
  }

  // What the board holds now, for leak checks after floods (hosts/common/board-figures.ts).
  const printFigures = () => logLine(`xstcp: ${figuresLine(board.stack, clock.pendingTimers())}`);
  function shutdown(code: number): void {
    if (stopped) return;
    stopped = true;
    process.off('SIGUSR2', printFigures);
    board.stop();
    if (impaired !== undefined) logLine(`xstcp: ${impaired.summary()}`);
    tap.close();
    pcap?.close();
    clock.clearAll();
    finish(code);
  }
  process.once('SIGINT', () => shutdown(0));
  process.once('SIGTERM', () => shutdown(0));
  process.on('SIGUSR2', printFigures);
  board.ready.then(() => {
    if (!stopped) process.stderr.write('ready\n');
  }, (error: unknown) => {
    process.stderr.write(`xstcp: an app failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
    shutdown(1);
  });
  return done;
}
