/**
 * `xstcp board` as firmware: the board of hosts/common/board.ts (the stack with its apps)
 * on the board's Ethernet controller, the SysTick clock and the firmware's entropy.
 * Embedded in the image by targets/firmware/build.mjs and started by main.c with the
 * configuration line's words in fw.args (the same flags as `xstcp board`; --tap, --engine,
 * --pcap, --xsbug and --memory are the host's: the PC side handles them).
 *
 * Console protocol (one line each): trace lines are JSON objects (`{...}`), everything
 * else is a message for stderr: `ready`, `xstcp: ...`. Console commands from the host:
 * `stop` (stop the board, exit 0), `cpu` and `memory` (one figures line each).
 */
import { boardSettings, parseArgs, USAGE } from '../../../hosts/common/cli-args.js';
import { startBoard, type Board } from '../../../hosts/common/board.js';
import type { RandomSource } from '../../../src/host/random.js';
import { installByteNatives } from '../../../src/net/wire/natives.js';
import { FwClock } from './fw-clock.js';
import Ethernet from 'xstcp/ethernet';
import { EthernetMac } from '../../../hosts/xs/ts/ethernet-mac.js';

/**
 * Receive slots of 1536 bytes in the C queue (24 KiB of RAM; the XS host takes 1024). The
 * LAN9118 driver leaves frames in the controller's RX FIFO while the queue is full, so a
 * short queue loses nothing under bursts.
 */
const FW_RX_QUEUE_FRAMES = 16;

/**
 * The services' receive window unless --window says otherwise: six full-size segments,
 * what the LAN9118's RX FIFO holds while JavaScript handles a segment (the driver drains
 * it from the main loop). With the hosts' 65,535 the kernel sent 44 segments at once, the
 * FIFO overflowed, and discard ran at 35-68 KB/s; with 16 segments still at 68 KB/s; with
 * six at 277 KB/s (5 MB beside chargen, test/interop/services).
 */
const FW_SERVICE_WINDOW = 6 * 1460;

const random: RandomSource = { nextU32: () => fw.random32() >>> 0 };

function memoryLine(label: string): string {
  fw.gc();
  const m = fw.memory();
  return `xstcp: memory ${label}: chunks ${m.chunks} bytes (peak ${m.chunksPeak}), slots ${m.slots} x ${m.slotSize} bytes (peak ${m.slotsPeak}), heap ${m.heapUsed} of ${m.heapSize} bytes; reserved: chunks ${m.chunksReserved}, slots ${m.slotsReserved} x ${m.slotSize}; malloc in use ${m.heapInUse}, C stack peak ${m.stackPeak}\n`;
}

// XS 17's Native API, which hosts/xs/src/native.c (linked into the image) provides as a global.
declare function native(name: string): unknown;

function cpuLine(): string {
  const c = fw.cpu();
  return `xstcp: cpu: total ${c.totalNs} ns, idle ${c.idleNs} ns, busy ${c.totalNs - c.idleNs} ns, boot ${c.bootNs} ns, deliveries ${c.deliveries}\n`;
}

function main(argv: readonly string[]): void {
  const parsed = parseArgs(['board', '--tap', 'eth0', ...argv]);
  if (!parsed.ok || parsed.args.command !== 'board') {
    fw.write(`xstcp: ${parsed.ok ? 'board options expected' : parsed.error}\n${USAGE}\n`);
    fw.exit(2);
    return;
  }
  const args = parsed.args;
  // The byte helpers in C (targets/common/bytes_xs.c), as the XS host does (hosts/xs/ts/accelerators.ts).
  installByteNatives(native);
  const clock = new FwClock();
  let mac: EthernetMac;
  try {
    // The board has one controller: the device name means nothing to its driver.
    mac = EthernetMac.open(Ethernet, '', args.mac, {
      queue: FW_RX_QUEUE_FRAMES,
      onError: (error) => fw.write(`xstcp: the Ethernet controller failed: ${error.message}\n`),
    });
  } catch (error) {
    fw.write(`xstcp: cannot open the Ethernet controller: ${(error as Error).message}\n`);
    fw.exit(1);
    return;
  }
  let board: Board;
  try {
    board = startBoard({
      mac,
      clock,
      random,
      log: (level, message) => {
        if (level !== 'debug') fw.write(`xstcp: ${level}: ${message}\n`);
      },
      ...boardSettings(args),
      receiveWindow: args.receiveWindow ?? FW_SERVICE_WINDOW,
      trace: args.trace ? (line) => fw.write(`${line}\n`) : undefined,
    });
  } catch (error) {
    fw.write(`xstcp: ${(error as Error).message}\n`);
    mac.close();
    fw.exit(2);
    return;
  }
  let stopped = false;
  fw.onCommand = (line) => {
    if (line === 'stop' && !stopped) {
      stopped = true;
      let code = 0;
      try {
        board.stop();
        mac.close();
        clock.clearAll();
        if (args.memory) fw.write(memoryLine('at stop'));
      } catch (error) {
        fw.write(`xstcp: stopping failed: ${(error as Error).message}\n`);
        code = 1;
      }
      fw.exit(code); // whatever happened: the host is waiting for QEMU to go
    } else if (line === 'cpu') fw.write(cpuLine());
    else if (line === 'memory') fw.write(memoryLine('now'));
  };
  if (args.memory) fw.write(memoryLine('after start'));
  fw.write('ready\n');
}

main(fw.args);
