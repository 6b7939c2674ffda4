/**
 * Figures of the firmware image (targets/firmware, board mps2-an500) for a firmware
 * developer: image size (arm-none-eabi-size), RAM after boot and after traffic, boot
 * time to `ready`, whether the board with its four apps runs with malloc's heap capped
 * (an ESP32-class part), and, with `-icount shift=0` (one instruction per virtual
 * nanosecond), Cortex-M instructions per full-size TCP segment received and sent: the
 * CPU time the firmware reports busy over two transfer sizes, differenced, so that
 * fixed costs (connection set-up, the HTTP request, timers) cancel. Last, without
 * -icount, the throughput the emulated board reaches on this machine (what bounds the
 * interop tests' sizes in CI), one transfer at a time.
 *
 * Needs root, /dev/net/tun, curl, qemu-system-arm and arm-none-eabi-gcc; otherwise it
 * says why and measures nothing. Runs QEMU directly (not through `xstcp board`) so that
 * it can ask the firmware for its `cpu` and `memory` lines on the console.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type BoardArgs } from '../hosts/common/cli-args.js';
import { benchNamespace } from './tap.js';
import { prepareImage, QEMU, qemuArgs, qemuMissingReason, type QemuOptions } from '../hosts/node/board-qemu.js';

const NS = `xstcp-bench-fw-${process.pid}`;
const ROOT = process.cwd();
const MSS = 1460;
/** Two sizes per direction; the difference is what the per-segment figure divides. */
const SMALL = 1_000_000;
const LARGE = 3_000_000;
/** A 240 MHz MCU at 100BASE-TX line rate: 8,127 full-size frames/s leave 29,500 cycles each. */
const BUDGET_CYCLES = 29_500;

/** The firmware in QEMU with its console on our pipes: lines in, commands out. */
class Firmware {
  readonly child: ChildProcess;
  private text = '';
  private readonly started = Date.now();

  constructor(image: string, args: BoardArgs, options: QemuOptions) {
    this.child = spawn('ip', ['netns', 'exec', NS, QEMU, ...qemuArgs(image, args, options)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin!.on('error', () => {}); // QEMU gone: the next line() says so
    this.child.stdout!.setEncoding('latin1').on('data', (d: string) => (this.text += d));
    this.child.stderr!.setEncoding('latin1').on('data', (d: string) => (this.text += d));
  }

  /** Resolves with the first console line matching `pattern` after `from`, and the ms it took. */
  async line(pattern: RegExp, timeoutMs: number, from = 0): Promise<{ match: RegExpMatchArray; ms: number; end: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.text.slice(from);
      const match = rest.match(pattern);
      if (match !== null) return { match, ms: Date.now() - this.started, end: from + match.index! + match[0].length };
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`firmware: no ${pattern} (console: ${this.text.slice(-400)})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  get length(): number {
    return this.text.length;
  }

  /** Sends a console command and waits for its answer line. */
  async ask(command: 'cpu' | 'memory', pattern: RegExp): Promise<RegExpMatchArray> {
    const from = this.length;
    this.child.stdin!.write(`${command}\n`);
    return (await this.line(pattern, 30000, from)).match;
  }

  async busyNs(): Promise<number> {
    const m = await this.ask('cpu', /xstcp: cpu: total (\d+) ns, idle (\d+) ns, busy (\d+) ns, boot (\d+) ns/);
    return Number(m[3]);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin!.write('stop\n');
    const exited = new Promise((r) => this.child.once('exit', r));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  }
}

function curl(path: string, size: number): void {
  const r = spawnSync('ip', ['netns', 'exec', NS, 'curl', '-sS', '-m', '600', '-o', '/dev/null', '-w', '%{size_download}', `http://198.18.0.2${path}`], { encoding: 'utf8', timeout: 620000 });
  if (r.status !== 0 || Number(r.stdout) !== size) throw new Error(`curl ${path}: ${r.stderr} ${r.stdout}`);
}

/** Receives `size` bytes from the board's chargen port on the kernel side, then closes. */
function chargen(size: number): void {
  const script = `const s=require('net').connect(19,'198.18.0.2');let n=0;s.on('data',(d)=>{n+=d.length;if(n>=${size}){s.destroy();process.exit(0)}});s.on('error',(e)=>{console.error(String(e));process.exit(1)})`;
  const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, '-e', script], { encoding: 'utf8', timeout: 620000 });
  if (r.status !== 0) throw new Error(`chargen ${size}: ${r.stderr}`);
}

/** Sends `size` bytes to the board's discard port from the kernel side and waits for the close. */
function discard(size: number): void {
  const script = `const s=require('net').connect(9,'198.18.0.2',()=>{const b=Buffer.alloc(65536);let left=${size};const go=()=>{while(left>0){const n=Math.min(left,b.length);left-=n;if(!s.write(b.subarray(0,n)))return s.once('drain',go)}s.end()};go()});s.on('close',()=>process.exit(0));s.on('error',(e)=>{console.error(String(e));process.exit(1)});s.resume()`;
  const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, '-e', script], { encoding: 'utf8', timeout: 620000 });
  if (r.status !== 0) throw new Error(`discard ${size}: ${r.stderr}`);
}

function boardArgs(apps: string): BoardArgs {
  const parsed = parseArgs(['board', '--tap', 'tap0', '--ip', '198.18.0.2/24', '--app', apps, '--memory']);
  if (!parsed.ok || parsed.args.command !== 'board') throw new Error('bad bench arguments');
  return parsed.args;
}

const memoryPattern = /xstcp: memory (?:after start|now): chunks (\d+) bytes \(peak (\d+)\), slots (\d+) x (\d+) bytes \(peak (\d+)\), heap (\d+) of (\d+) bytes; reserved: chunks (\d+), slots (\d+) x \d+; malloc in use (\d+), C stack peak (\d+)/;
const kib = (n: number) => `${Math.round(n / 1024)} KiB`;

function memoryCell(m: RegExpMatchArray): string {
  const slotSize = Number(m[4]);
  return `XS chunks ${kib(Number(m[1]))} (peak ${kib(Number(m[2]))}, reserved ${kib(Number(m[8]))}), slots ${kib(Number(m[3]) * slotSize)} (peak ${kib(Number(m[5]) * slotSize)}, reserved ${kib(Number(m[9]) * slotSize)}); malloc heap high-water ${kib(Number(m[6]))}, in use ${kib(Number(m[10]))}; C stack peak ${kib(Number(m[11]))}`;
}

/** Transfer size of the throughput row, and the heap caps tried (an ESP32-class part has 520 KB of SRAM). */
const THROUGHPUT = 3_000_000;
const CAPS_KB = [448, 512];

/** KB/s of /bytes, discard and chargen on the board in QEMU without -icount. */
async function throughput(image: string): Promise<string> {
  const fw = new Firmware(image, boardArgs('http,echo,discard,chargen'), {});
  try {
    await fw.line(/^ready$/m, 120000);
    const rate = (run: () => void) => {
      const started = process.hrtime.bigint();
      run();
      return `${Math.round(THROUGHPUT / (Number(process.hrtime.bigint() - started) / 1e9) / 1000)} KB/s`;
    };
    return `/bytes ${rate(() => curl(`/bytes/${THROUGHPUT}`, THROUGHPUT))}, discard ${rate(() => discard(THROUGHPUT))}, chargen ${rate(() => chargen(THROUGHPUT))}`;
  } finally {
    await fw.stop();
  }
}

/** Boots with the heap capped at `heapKb` and runs a little traffic; 'fits' or what failed. */
async function cappedRun(image: string, heapKb: number): Promise<string> {
  const fw = new Firmware(image, boardArgs('http,echo,discard,chargen'), { heapKb });
  try {
    await fw.line(/^ready$/m, 120000);
    curl('/bytes/200000', 200000);
    discard(200000);
    return `fits: ${memoryCell(await fw.ask('memory', memoryPattern))}`;
  } catch (error) {
    return `does not fit: ${(error as Error).message.split('\n')[0].slice(0, 300)}`;
  } finally {
    await fw.stop();
  }
}

export async function runFirmwareBenchmarks(): Promise<string[]> {
  if (process.getuid?.() !== 0 || !existsSync('/dev/net/tun')) return ['(firmware benchmarks skipped: they need root and /dev/net/tun)'];
  const missing = qemuMissingReason();
  if (missing !== undefined) return [`(firmware benchmarks skipped: ${missing})`];
  if (spawnSync('curl', ['--version'], { stdio: 'ignore' }).status !== 0) return ['(firmware benchmarks skipped: curl is missing)'];
  const image = await prepareImage(ROOT);
  if (image === undefined) return ['(firmware benchmarks skipped: the image does not build)'];
  const { imageSize } = await import(join(ROOT, 'targets', 'firmware', 'build.mjs')) as { imageSize(p: string): { text: number; data: number; bss: number } };
  const size = imageSize(image);
  const lines = [
    '| firmware (mps2-an500, Cortex-M7, QEMU) | figure |',
    '|---|---|',
    `| image: text / data / bss (arm-none-eabi-size) | ${size.text} / ${size.data} / ${size.bss} bytes |`,
  ];
  try {
    benchNamespace(NS);

    const fw = new Firmware(image, boardArgs('http,echo,discard,chargen'), { icount: true });
    try {
      const ready = await fw.line(/^ready$/m, 120000);
      const booted = await fw.line(memoryPattern, 1000);
      const boot = await fw.ask('cpu', /boot (\d+) ns/);
      lines.push(`| boot to \`ready\`: Cortex-M instructions (-icount shift=0) / wall time under QEMU | ${(Number(boot[1]) / 1e6).toFixed(1)} M / ${(ready.ms / 1000).toFixed(1)} s |`);
      lines.push(`| RAM after boot (4 apps) | ${memoryCell(booted.match)} |`);
      const perSegment = async (run: (n: number) => void): Promise<number> => {
        const b0 = await fw.busyNs();
        run(SMALL);
        const b1 = await fw.busyNs();
        run(LARGE);
        const b2 = await fw.busyNs();
        return ((b2 - b1) - (b1 - b0)) / ((LARGE - SMALL) / MSS);
      };
      const sent = await perSegment((n) => curl(`/bytes/${n}`, n));
      const received = await perSegment((n) => discard(n));
      const generated = await perSegment((n) => chargen(n));
      const row = (what: string, n: number) => `| instructions per full-size segment ${what} (HTTP /bytes, ${SMALL / 1e6} vs ${LARGE / 1e6} MB) | ${Math.round(n)} (${(n / BUDGET_CYCLES).toFixed(1)} × the ${BUDGET_CYCLES}-cycle budget at 240 MHz / 100BASE-TX) |`;
      lines.push(row('sent', sent));
      lines.push(row('received', received).replace('HTTP /bytes', 'discard'));
      lines.push(row('sent', generated).replace('HTTP /bytes', 'chargen'));
      const after = await fw.ask('memory', memoryPattern);
      lines.push(`| RAM at the peak (after the transfers: the high-water marks) | ${memoryCell(after)} |`);
    } finally {
      await fw.stop();
    }
    lines.push(`| throughput without -icount, one transfer at a time (${THROUGHPUT / 1e6} MB; wall clock, depends on this machine's load) | ${await throughput(image)} |`);
    for (const heapKb of CAPS_KB) lines.push(`| heap capped at ${heapKb} KiB, 4 apps, 200 KB each way | ${await cappedRun(image, heapKb)} |`);
  } catch (error) {
    lines.push(`| (failed) | ${(error as Error).message.split('\n')[0]} |`);
  } finally {
    spawnSync('ip', ['netns', 'del', NS]);
  }
  return lines;
}
