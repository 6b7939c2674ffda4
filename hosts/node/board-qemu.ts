/**
 * `xstcp board --engine qemu`: the same board as firmware on an emulated Cortex-M7 board
 * (Arm MPS2 AN500 with its LAN9118 Ethernet controller) in qemu-system-arm, attached to
 * the TAP device --tap names in the caller's network namespace.
 *
 * - The image (targets/firmware/build.mjs) is built when missing or stale, by content.
 * - The board's flags reach the firmware as the semihosting command line, with a fresh
 *   random seed (the board has no RNG); --pcap becomes QEMU's own capture of the NIC
 *   (filter-dump), --memory asks the firmware for its memory lines.
 * - XSTCP_FW_HEAP_KB=N caps the firmware's malloc heap at N KiB (its --heap-kb), to run
 *   as on a part with that much RAM; the interop suite runs the board so (512).
 * - The firmware's console is QEMU's serial port on our pipes: JSON lines (the trace) go
 *   to stdout, every other line (`ready`, messages) to stderr.
 * - SIGINT/SIGTERM: `stop` on the console (the board stops, prints its memory figures
 *   with --memory, and exits through semihosting); QEMU is killed if it is still there
 *   after STOP_GRACE_MS. The exit code is the firmware's.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { BoardArgs } from '../common/cli-args.js';
import { formatMac } from '../../src/net/wire/ethernet.js';
import { formatIpv4 } from '../../src/net/wire/ipv4-address.js';
import { packageRoot } from './package-root.js';

export const QEMU = process.env.XSTCP_QEMU || 'qemu-system-arm';
/**
 * How long the firmware gets to take `stop` from its console and exit: 5 s was exceeded
 * under CI load (QEMU then killed, exit code 1), so the grace is generous; a wedged
 * board is still killed.
 */
const STOP_GRACE_MS = 15000;

export interface QemuOptions {
  /** Firmware options before the board's: --heap-kb N caps the C heap (an ESP32-class part). */
  heapKb?: number;
  /** Run with -icount shift=0: one instruction per virtual nanosecond (CPU figures). */
  icount?: boolean;
}

/** The board's flags as the firmware's command line (the host-side flags left out). */
export function firmwareArgs(args: BoardArgs, options: QemuOptions = {}): string[] {
  const out = ['xstcp-fw', '--seed', randomBytes(8).toString('hex')];
  if (options.heapKb !== undefined) out.push('--heap-kb', String(options.heapKb));
  out.push('--', '--ip', `${formatIpv4(args.address)}/${args.prefixLength}`, '--mac', formatMac(args.mac), '--app', args.apps.join(','));
  if (args.gateway !== undefined) out.push('--gateway', formatIpv4(args.gateway));
  if (args.sockets !== undefined) out.push('--sockets', String(args.sockets));
  if (args.mslSeconds !== undefined) out.push('--msl', String(args.mslSeconds));
  if (args.reuseTimeWait !== undefined) out.push('--reuse-time-wait', args.reuseTimeWait ? 'on' : 'off');
  if (args.receiveWindow !== undefined) out.push('--window', String(args.receiveWindow));
  if (args.trace) out.push('--trace');
  if (args.memory) out.push('--memory');
  return out;
}

/** QEMU's option syntax doubles commas inside a value. */
const qemuValue = (s: string) => s.replace(/,/g, ',,');

/** The qemu-system-arm arguments that run `image` on the board of `args`. */
export function qemuArgs(image: string, args: BoardArgs, options: QemuOptions = {}): string[] {
  const semihosting = ['enable=on', 'target=native', ...firmwareArgs(args, options).map((a) => `arg=${qemuValue(a)}`)].join(',');
  const out = [
    '-M', 'mps2-an500', '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
    '-kernel', image,
    '-semihosting-config', semihosting,
    '-netdev', `tap,id=net0,ifname=${args.tap},script=no,downscript=no`,
    '-net', `nic,netdev=net0,model=lan9118,macaddr=${formatMac(args.mac)}`,
  ];
  if (args.pcap !== undefined) out.push('-object', `filter-dump,id=dump0,netdev=net0,file=${qemuValue(args.pcap)}`);
  if (options.icount) out.push('-icount', 'shift=0');
  return out;
}

/** The heap cap XSTCP_FW_HEAP_KB asks for: undefined when unset, an error message when it is not a size. */
export function heapKbFromEnv(value = process.env.XSTCP_FW_HEAP_KB): number | string | undefined {
  if (value === undefined || value === '') return undefined;
  const kb = Number(value);
  return /^[0-9]+$/.test(value) && kb >= 64 && kb <= 4096 ? kb : `XSTCP_FW_HEAP_KB must be a whole number of KiB from 64 to 4096, not '${value}'`;
}

/** Why QEMU cannot run here, or undefined. */
export function qemuMissingReason(): string | undefined {
  const probe = spawnSync(QEMU, ['--version'], { stdio: 'ignore', timeout: 10000 });
  if (probe.error !== undefined || probe.status !== 0) return `${QEMU} cannot be run (Debian/Ubuntu: apt-get install qemu-system-arm)`;
  return undefined;
}

/** Splits the console into lines: the trace (JSON) to `out`, the rest to `err`. */
function routeConsole(child: ChildProcess, out: (line: string) => void, err: (line: string) => void): void {
  let partial = '';
  child.stdout!.setEncoding('latin1').on('data', (chunk: string) => {
    partial += chunk;
    let newline: number;
    while ((newline = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, newline + 1);
      partial = partial.slice(newline + 1);
      (line.startsWith('{') ? out : err)(line);
    }
  });
}

/** Builds the image if needed; resolves to its path, or undefined after printing why not. */
export async function prepareImage(root: string, log: (line: string) => void = () => {}): Promise<string | undefined> {
  const build = await import(join(root, 'targets', 'firmware', 'build.mjs')) as { buildImage(o?: object): Promise<{ image: string }> };
  try {
    return (await build.buildImage({ jobs: 2, log })).image;
  } catch (error) {
    process.stderr.write(`xstcp: building the firmware failed: ${(error as Error).message}\n`);
    return undefined;
  }
}

export async function runBoardOnQemu(args: BoardArgs, options: QemuOptions = {}): Promise<number> {
  if (args.xsbug !== undefined) {
    process.stderr.write('xstcp: --xsbug works with --engine xs or moddable only\n');
    return 2;
  }
  const root = packageRoot(join('targets', 'firmware', 'build.mjs'));
  if (root === undefined) {
    process.stderr.write('xstcp: cannot find targets/firmware (run from the xstcp package)\n');
    return 1;
  }
  const heapKb = options.heapKb ?? heapKbFromEnv();
  if (typeof heapKb === 'string') {
    process.stderr.write(`xstcp: ${heapKb}\n`);
    return 2;
  }
  const missing = qemuMissingReason();
  if (missing !== undefined) {
    process.stderr.write(`xstcp: ${missing}\n`);
    return 1;
  }
  const image = await prepareImage(root);
  if (image === undefined) return 1;

  const child = spawn(QEMU, qemuArgs(image, args, { ...options, heapKb }), { stdio: ['pipe', 'pipe', 'inherit'] });
  routeConsole(child, (line) => process.stdout.write(line), (line) => process.stderr.write(line));
  child.stdin!.on('error', () => {}); // QEMU gone: nothing more to tell it
  let killer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (killer !== undefined) return;
    child.stdin!.write('stop\n');
    killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise((resolveExit) => {
    child.once('error', (error) => {
      process.stderr.write(`xstcp: cannot start ${QEMU}: ${error.message}\n`);
      resolveExit(1);
    });
    child.once('exit', (code, signal) => {
      if (killer !== undefined) clearTimeout(killer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveExit(code ?? (signal ? 1 : 0));
    });
  });
}
