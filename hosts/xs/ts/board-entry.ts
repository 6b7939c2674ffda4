/**
 * `xstcp board` on the XS host: the board of hosts/common/board.ts (the stack with its
 * apps) on a TAP device through the native Ethernet host module (targets/), the host's monotonic clock and
 * timers, and the kernel's CSPRNG. Same flags, trace format and messages as the Node
 * host (hosts/node/board-node.ts):
 *
 *   xstcp-xs [--xsbug HOST:PORT] [--memory] dist/hosts/xs/ts/board-entry.js \
 *            --tap NAME --ip A.B.C.D/N [--gateway ...] [--mac ...] [--app ...] [--sockets N]
 *            [--msl S] [--reuse-time-wait on|off] [--trace] [--pcap FILE] [--retries N]
 *            [--impair loss=P,duplicate=P,reorder=P,delay=MS,seed=N] [--window BYTES]
 *
 * (--engine, --xsbug and --memory are accepted and ignored here: they are the host's.)
 * Prints `ready` on stderr once the interface is up; with --trace one JSON line per state
 * change and listener event on stdout; stops cleanly on SIGINT/SIGTERM (exit code 0); on
 * SIGUSR2 prints a `figures` line on stderr (what the board holds, with the XS heap).
 * Bad arguments: message and exit code 2; a TAP device that cannot be opened: exit 1.
 */
import { boardSettings, parseArgs, USAGE } from '../../common/cli-args.js';
import { captureMac } from '../../common/capture.js';
import { boardImpairment, type ImpairedMac } from '../../common/impaired-mac.js';
import { startBoard, type Board } from '../../common/board.js';
import { figuresLine } from '../../common/board-figures.js';
import { PcapWriter } from '../../common/pcap.js';
import type { MacDriver } from '../../../src/host/mac.js';
import { installXsAccelerators } from './accelerators.js';
import { XsClock } from './xs-clock.js';
import { XsRandom } from './xs-random.js';
import { EthernetMac } from './ethernet-mac.js';
import Ethernet from 'xstcp/ethernet';

/** Linux's number for SIGUSR2 (the host's loop takes it with SIGINT and SIGTERM, main.c). */
const SIGUSR2 = 12;

function printMemory(label: string): void {
  xsHost.gc();
  const m = xsHost.memory();
  xsHost.writeError(`xstcp: memory ${label}: chunks ${m.chunks} bytes (peak ${m.chunksPeak}), slots ${m.slots} x ${m.slotSize} bytes (peak ${m.slotsPeak})\n`);
}

/** XS heap in use after a collection: chunk bytes and slot bytes. */
function heapFigures(): Record<string, number> {
  xsHost.gc();
  const m = xsHost.memory();
  return { chunks: m.chunks, slots: m.slots * m.slotSize };
}

function main(argv: readonly string[]): void {
  const parsed = parseArgs(['board', ...argv]);
  if (!parsed.ok || parsed.args.command !== 'board') {
    xsHost.writeError(`xstcp: ${parsed.ok ? 'board options expected' : parsed.error}\n${USAGE}\n`);
    xsHost.exit(2);
    return;
  }
  const args = parsed.args;
  installXsAccelerators();
  const clock = new XsClock();
  let tap: EthernetMac;
  let board: Board | undefined;
  let impaired: ImpairedMac | undefined;
  let pcapFd = -1;
  let stopped = false;

  function shutdown(code: number): void {
    if (stopped) return;
    stopped = true;
    board?.stop();
    if (impaired !== undefined) xsHost.writeError(`xstcp: ${impaired.summary()}\n`);
    tap.close();
    if (pcapFd >= 0) xsHost.fileClose(pcapFd);
    clock.clearAll();
    if (xsHost.memoryFlag) printMemory('at stop');
    xsHost.exit(code);
  }

  try {
    tap = EthernetMac.open(Ethernet, args.tap, args.mac, {
      onError: (error) => {
        xsHost.writeError(`xstcp: TAP device ${args.tap} failed: ${error.message}\n`);
        shutdown(1);
      },
    });
  } catch (error) {
    xsHost.writeError(`xstcp: cannot open TAP device ${args.tap}: ${(error as Error).message}\n`);
    xsHost.exit(1);
    return;
  }

  let mac: MacDriver = tap;
  if (args.pcap !== undefined) {
    try {
      pcapFd = xsHost.fileCreate(args.pcap);
    } catch (error) {
      xsHost.writeError(`xstcp: ${(error as Error).message}\n`);
      tap.close();
      xsHost.exit(1);
      return;
    }
    // Wall-clock timestamps: the host clock counts from an arbitrary origin.
    const writer = new PcapWriter({ epochMs: Date.now() - clock.now() });
    const fd = pcapFd;
    xsHost.fileWrite(fd, writer.header());
    mac = captureMac(tap, clock, (t, frame) => void xsHost.fileWrite(fd, writer.record(t, frame)));
  }
  // Inside the capture, as on Node: the pcap shows what crossed the wire.
  impaired = boardImpairment(mac, clock, args.impair);
  if (impaired !== undefined) mac = impaired;

  try {
    board = startBoard({
      mac,
      clock,
      random: new XsRandom(),
      log: (level, message) => {
        if (level !== 'debug') xsHost.writeError(`xstcp: ${level}: ${message}\n`);
      },
      ...boardSettings(args),
      ...(args.retries !== undefined ? { tcp: { retries: args.retries } } : {}),
      trace: args.trace ? (line) => xsHost.write(`${line}\n`) : undefined,
    });
  } catch (error) {
    xsHost.writeError(`xstcp: ${(error as Error).message}\n`);
    tap.close();
    if (pcapFd >= 0) xsHost.fileClose(pcapFd);
    clock.clearAll();
    xsHost.exit(2);
    return;
  }

  // SIGUSR2: what the board holds now, for leak checks after floods (hosts/common/board-figures.ts).
  xsHost.onSignal = (signal) => {
    if (signal !== SIGUSR2) shutdown(0);
    else if (board !== undefined) xsHost.writeError(`xstcp: ${figuresLine(board.stack, clock.pendingTimers(), heapFigures())}\n`);
  };
  board.ready.then(() => {
    if (stopped) return;
    if (xsHost.memoryFlag) printMemory('after start');
    xsHost.writeError('ready\n');
  }, (error: unknown) => {
    xsHost.writeError(`xstcp: an app failed to start: ${String(error)}\n`);
    shutdown(1);
  });
}

main(xsHost.args);
