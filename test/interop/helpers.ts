/**
 * Support for the interop tests: the board (`xstcp board`, the compiled CLI) on a TAP
 * device in a namespace of its own, the kernel as its peer through the TAP device's other
 * side (198.18.0.1), kernel-side clients (fixtures/kernel-peer.mjs), the board's trace,
 * its status page, and the TCP segments of its pcap. Namespaces, skip rules and child
 * processes come from the Node host tests' helpers (test/node/helpers.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withBuildLock } from '../support/build-lock.js';
import { readPcap } from '../../hosts/common/pcap.js';
import { FixtureProcess, killAllFixtures, Namespaces, REPO_ROOT, removeStaleNamespaces, tapMissingReason } from '../node/helpers.js';

export { describeIf, ip, inNetns, killAllFixtures, Namespaces, removeStaleNamespaces, REPO_ROOT } from '../node/helpers.js';
export type { FixtureEvent } from '../node/helpers.js';

export const BOARD_IP = '198.18.0.2';
export const KERNEL_IP = '198.18.0.1';
/** The TAP device every interop namespace holds (one per namespace, so one name does). */
export const TAP_DEVICE = 'xi0';
const CLI = join(REPO_ROOT, 'bin', 'xstcp.js');
const KERNEL_PEER = join(REPO_ROOT, 'test', 'interop', 'fixtures', 'kernel-peer.mjs');
export const BOARD_CONNECT = join(REPO_ROOT, 'test', 'interop', 'fixtures', 'board-connect.mjs');

// ---- can this machine run them? --------------------------------------------------------

function commandMissing(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 10000 });
  return r.error !== undefined;
}

/** Why the interop tests cannot run here (TAP, root, the named tools), or undefined. */
export function interopMissingReason(tools: readonly ('curl' | 'ss' | 'nft' | 'ping')[] = []): string | undefined {
  const tap = tapMissingReason();
  if (tap !== undefined) return tap;
  const versionArgs: Record<string, string[]> = { curl: ['--version'], ss: ['-V'], nft: ['--version'], ping: ['-V'] };
  const packages: Record<string, string> = { curl: 'curl', ss: 'iproute2', nft: 'nftables', ping: 'iputils-ping' };
  const missing = tools.filter((tool) => commandMissing(tool, versionArgs[tool]));
  if (missing.length > 0) return `missing ${missing.join(', ')} (apt-get install ${missing.map((t) => packages[t]).join(' ')})`;
  return undefined;
}

// ---- the compiled code the board runs -----------------------------------------------------

/** Every .ts under `dir` (bounded walk) paired with the .js tsc writes for it. */
function sourcesWithOutputs(dir: string, out: [string, string][], depth = 0): void {
  if (depth > 8 || !existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'build') sourcesWithOutputs(path, out, depth + 1);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      out.push([path, join(REPO_ROOT, 'dist', path.slice(REPO_ROOT.length + 1).replace(/\.ts$/, '.js'))]);
    }
  }
}

function distStale(): boolean {
  const pairs: [string, string][] = [];
  for (const dir of ['src', 'hosts/common', 'hosts/node', 'hosts/sim']) sourcesWithOutputs(join(REPO_ROOT, dir), pairs);
  return pairs.some(([source, output]) => !existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs);
}

/**
 * The board runs the tsc output (dist/) as `xstcp` does. `npm test` builds first; run on
 * their own these tests rebuild what is stale, holding the lock the TAP tests use so that
 * parallel workers do not build at once.
 */
export function ensureBuilt(): void {
  if (distStale()) {
    withBuildLock(() => {
      if (!distStale()) return;
      const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      // tsc emits even when some file has a type error; only missing output is fatal.
      for (const project of ['tsconfig.json', 'tsconfig.hosts.json']) {
        spawnSync(process.execPath, [tsc, '-p', project], { cwd: REPO_ROOT, timeout: 180000 });
      }
    });
  }
  for (const file of ['dist/hosts/node/cli.js', 'dist/hosts/common/board.js', 'dist/hosts/node/tap-mac.js']) {
    if (!existsSync(join(REPO_ROOT, file))) throw new Error(`build did not produce ${file}`);
  }
}

// ---- namespaces with the kernel side of a TAP device ---------------------------------------

/** A namespace `xstcp-tap-<pid>-<tag>` holding TAP_DEVICE with the kernel at 198.18.0.1/24. */
export function interopNamespace(namespaces: Namespaces, tag: string): string {
  const netns = namespaces.create(tag);
  namespaces.addDevice(netns, TAP_DEVICE, { address: `${KERNEL_IP}/24` });
  return netns;
}

/** A temporary directory for pcaps and downloads; `rm` it in a finally. */
export function scratchDir(): { path: string; rm(): void } {
  const path = mkdtempSync(join(tmpdir(), 'xstcp-interop-'));
  return { path, rm: () => rmSync(path, { recursive: true, force: true }) };
}

// ---- the board ------------------------------------------------------------------------------

/** One line of `--trace`: a state change (from/to) or a listener event (event/state). */
export interface TraceLine {
  t: number;
  socket: number;
  from?: string;
  to?: string;
  event?: string;
  state?: string;
}

export interface BoardExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const boards = new Set<BoardProcess>();

/** `xstcp board --tap TAP_DEVICE --ip 198.18.0.2/24 --trace ...` inside a namespace. */
export class BoardProcess {
  readonly child: ChildProcess;
  readonly trace: TraceLine[] = [];
  readonly exited: Promise<BoardExit>;
  stderr = '';
  private exit: BoardExit | undefined;
  private partial = '';
  private waiters: (() => void)[] = [];

  /** Starts the board; it is SIGKILLed if still running after `limitMs`. */
  constructor(netns: string, extraArgs: string[], limitMs: number) {
    const args = ['netns', 'exec', netns, process.execPath, CLI, 'board', '--tap', TAP_DEVICE, '--ip', `${BOARD_IP}/24`, '--trace', ...engineArgs(), ...extraArgs];
    // Its own process group, so a kill also reaches the XS host the CLI starts for --engine xs.
    this.child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    boards.add(this);
    const killer = setTimeout(() => this.kill(), limitMs);
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.onOutput(chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      if (this.stderr.length < 65536) this.stderr += chunk;
      this.wake();
    });
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        clearTimeout(killer);
        boards.delete(this);
        this.exit = { code, signal };
        this.wake();
        resolve(this.exit);
      });
    });
  }

  /** Waits until `ready` is on stderr. */
  async ready(timeoutMs = 15000): Promise<void> {
    await this.waitUntil(() => this.stderr.includes('ready'), timeoutMs, 'ready on stderr');
  }

  /** Waits until `predicate` holds (checked on every output); rejects with what was seen. */
  async waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (predicate()) return;
      if (this.exit !== undefined || Date.now() >= deadline) {
        throw new Error(`board: no ${what} (exit ${JSON.stringify(this.exit)}); stderr ${this.stderr}; last trace ${JSON.stringify(this.trace.slice(-10))}`);
      }
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, Math.min(200, Math.max(1, deadline - Date.now())));
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  /**
   * SIGTERM, then the exit (the board closes its pcap and TAP device on the way out). The
   * emulated board takes the stop through its console, which under load can take seconds.
   */
  async stop(timeoutMs = interopEngine() === 'qemu' ? 20000 : 5000): Promise<BoardExit> {
    if (this.exit === undefined) this.child.kill('SIGTERM');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`board still running ${timeoutMs} ms after SIGTERM`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.exit !== undefined || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  /** The trace lines of one socket, in order. */
  socketTrace(socket: number): TraceLine[] {
    return this.trace.filter((line) => line.socket === socket);
  }

  private onOutput(chunk: string): void {
    this.partial += chunk;
    let newline: number;
    while ((newline = this.partial.indexOf('\n')) >= 0) {
      const line = this.partial.slice(0, newline);
      this.partial = this.partial.slice(newline + 1);
      try {
        this.trace.push(JSON.parse(line) as TraceLine);
      } catch {
        this.trace.push({ t: -1, socket: -1, event: `unparsed: ${line}` });
      }
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * The engine boards run on: node, or what XSTCP_INTEROP_ENGINE names (xs:
 * test/interop/xs-engine.test.ts, qemu: test/interop/qemu-engine.test.ts, moddable:
 * test/moddable/interop.test.ts).
 */
export function interopEngine(): 'node' | 'xs' | 'moddable' | 'qemu' {
  const engine = process.env.XSTCP_INTEROP_ENGINE;
  return engine === 'xs' || engine === 'moddable' || engine === 'qemu' ? engine : 'node';
}

function engineArgs(): string[] {
  const engine = interopEngine();
  return engine === 'node' ? [] : ['--engine', engine];
}

/**
 * The bytes a bulk transfer test moves: `full` on node and xs. The emulated board runs
 * about 100-250 KB/s on a 2-core CI machine, so on qemu the default is a smaller size
 * (`qemuDefault`) that still spans thousands of full-size segments and several windows;
 * XSTCP_QEMU_FULL=1 runs the full sizes there too (README, "Firmware").
 */
export function interopTransferSize(full: number, qemuDefault: number): number {
  return interopEngine() === 'qemu' && process.env.XSTCP_QEMU_FULL !== '1' ? qemuDefault : full;
}

/** The slowest the emulated board moves a bulk transfer on a loaded machine (about 250 KB/s), with a margin (bytes/s). */
const QEMU_FLOOR_BYTES_PER_S = 100_000;

/** Milliseconds a transfer of `bytes` may take: `baseMs`, or on qemu what it needs at the floor rate if longer. */
export function interopTransferLimitMs(bytes: number, baseMs: number): number {
  return interopEngine() === 'qemu' ? Math.max(baseMs, Math.ceil((bytes / QEMU_FLOOR_BYTES_PER_S) * 1000)) : baseMs;
}

/** Starts a board in `netns` and waits for `ready` (an emulated board boots more slowly). */
export async function startBoard(netns: string, extraArgs: string[], limitMs = 120000): Promise<BoardProcess> {
  const board = new BoardProcess(netns, extraArgs, limitMs);
  await board.ready(interopEngine() === 'qemu' ? 60000 : 15000);
  return board;
}

/**
 * Registers the hooks every interop suite needs (stale namespaces removed and dist/ built
 * first; the test's board stopped after each test; fixtures, boards and namespaces removed
 * at the end) and returns the suite's namespaces and `track`, which marks a board as the
 * current test's.
 */
export function useInteropLifecycle(): { namespaces: Namespaces; track(board: BoardProcess): BoardProcess } {
  const namespaces = new Namespaces();
  let current: BoardProcess | undefined;
  beforeAll(() => {
    removeStaleNamespaces();
    ensureBuilt();
  }, 300000);
  afterEach(async () => {
    const board = current;
    current = undefined;
    if (board !== undefined) await board.stop().catch(() => board.kill());
  }, 30000); // longer than stop()'s own limit, so a late board is killed, not left behind
  afterAll(async () => {
    await killAllFixtures();
    await killAllBoards();
    namespaces.removeAll();
  }, 30000);
  return {
    namespaces,
    track(board) {
      current = board;
      return board;
    },
  };
}

/** Kills every board still running (afterAll, before the namespaces go). */
export async function killAllBoards(): Promise<void> {
  const left = [...boards];
  for (const board of left) board.kill();
  await Promise.all(left.map((board) => board.exited));
}

/** A trace line in a short form for comparisons: "A->B" or "EVENT@STATE". */
export function traceStep(line: TraceLine): string {
  return line.event !== undefined ? `${line.event}@${line.state}` : `${line.from}->${line.to}`;
}

// ---- the kernel's side ----------------------------------------------------------------------

/** Runs fixtures/kernel-peer.mjs MODE ARGS inside `netns` (killed after `limitMs`). */
export function kernelPeer(netns: string, args: string[], limitMs = 60000): FixtureProcess {
  return new FixtureProcess('ip', ['netns', 'exec', netns, 'env', `XSTCP_PEER_LIMIT_MS=${limitMs - 2000}`, process.execPath, KERNEL_PEER, ...args], limitMs);
}

/**
 * Runs a command in `netns` without throwing: status, stdout, stderr. Asynchronous on
 * purpose: while it runs, this process keeps reading the boards' trace pipes (a blocked
 * reader would stall a board whose host writes its trace synchronously, as XS does).
 */
export function runInNetns(netns: string, command: string, args: string[], timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', netns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 16 << 20) stdout += d;
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 1 << 20) stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ status: null, stdout, stderr: stderr + String(e) });
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export interface StatusRow {
  socket: number;
  state: string;
  localPort: number;
  peer: string;
  bytesIn: number;
  bytesOut: number;
  retransmissions: number;
}

/** GET / from the kernel side with curl and reads the board's socket table. */
export async function statusPage(netns: string): Promise<{ head: string; rows: StatusRow[]; body: string }> {
  const r = await runInNetns(netns, 'curl', ['-sS', '-m', '10', '-D', '-', `http://${BOARD_IP}/`], 15000);
  if (r.status !== 0) throw new Error(`curl / failed: ${r.stderr}`);
  const split = r.stdout.indexOf('\r\n\r\n');
  const head = r.stdout.slice(0, split + 4);
  const body = r.stdout.slice(split + 4);
  const rows: StatusRow[] = [];
  const rowPattern = /<tr><td>(\d+)<\/td><td>([A-Z_0-9]+)<\/td><td>(\d+)<\/td><td>([^<]*)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><\/tr>/g;
  for (const m of body.matchAll(rowPattern)) {
    rows.push({ socket: Number(m[1]), state: m[2], localPort: Number(m[3]), peer: m[4], bytesIn: Number(m[5]), bytesOut: Number(m[6]), retransmissions: Number(m[7]) });
  }
  return { head, rows, body };
}

/** Loads an nftables ruleset into `netns` (nft -f -). */
export function nft(netns: string, ruleset: string): void {
  const r = spawnSync('ip', ['netns', 'exec', netns, 'nft', '-f', '-'], { input: ruleset, encoding: 'utf8', timeout: 10000 });
  if (r.status !== 0) throw new Error(`nft failed: ${r.stderr || r.error}`);
}

// ---- the pcap, read independently of the stack's own codecs --------------------------------

export interface CapturedSegment {
  /** ms since the first frame of the file. */
  t: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** The TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10). */
  flags: number;
  length: number;
  /** The window field as sent (not scaled). */
  window: number;
  /** The window-scale option's shift (RFC 7323), undefined without one. */
  wscale: number | undefined;
}

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const ACK = 0x10;

const dotted = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** The IPv4/TCP segments in a pcap file (Ethernet II, no VLAN tags), decoded by offset. */
export function tcpSegments(pcapPath: string): CapturedSegment[] {
  const records = readPcap(new Uint8Array(readFileSync(pcapPath)));
  const first = records.length > 0 ? records[0].timestampMs : 0;
  const segments: CapturedSegment[] = [];
  for (const record of records) {
    const f = record.frame;
    if (f.length < 54 || f[12] !== 0x08 || f[13] !== 0x00 || f[23] !== 6) continue;
    const ihl = (f[14] & 0x0f) * 4;
    const total = (f[16] << 8) | f[17];
    const tcp = 14 + ihl;
    if (f.length < tcp + 20) continue;
    const dataOffset = (f[tcp + 12] >> 4) * 4;
    const view = new DataView(f.buffer, f.byteOffset, f.byteLength);
    segments.push({
      t: record.timestampMs - first,
      src: dotted(f, 26),
      dst: dotted(f, 30),
      srcPort: view.getUint16(tcp),
      dstPort: view.getUint16(tcp + 2),
      seq: view.getUint32(tcp + 4),
      ack: view.getUint32(tcp + 8),
      flags: f[tcp + 13],
      length: total - ihl - dataOffset,
      window: view.getUint16(tcp + 14),
      wscale: windowScaleOption(f, tcp + 20, Math.min(f.length, tcp + dataOffset)),
    });
  }
  return segments;
}

/** The shift of a window-scale option among the options in f[start..end), or undefined. */
function windowScaleOption(f: Uint8Array, start: number, end: number): number | undefined {
  // Kind 0 ends the list, kind 1 is one byte, every other kind carries its length.
  for (let i = start; i + 1 < end && f[i] !== 0;) {
    if (f[i] === 1) {
      i++;
      continue;
    }
    if (f[i] === 3 && i + 2 < end) return f[i + 2];
    i += Math.max(2, f[i + 1]);
  }
  return undefined;
}

/** The segments of the connection between the kernel's `kernelPort` and the board's `boardPort`. */
export function connectionSegments(segments: readonly CapturedSegment[], kernelPort: number, boardPort: number): CapturedSegment[] {
  return segments.filter((s) => (s.srcPort === kernelPort && s.dstPort === boardPort && s.src === KERNEL_IP)
    || (s.srcPort === boardPort && s.dstPort === kernelPort && s.src === BOARD_IP));
}

/** a + n modulo 2^32. */
export const seqPlus = (a: number, n: number): number => (a + n) >>> 0;

/** SHA-256 of byte i = i % 251 for i < n (the board's /bytes/N pattern), computed here. */
export async function patternSha256(n: number): Promise<string> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  const period = new Uint8Array(251 * 256); // a whole number of periods per chunk
  for (let i = 0; i < period.length; i++) period[i] = i % 251;
  let left = n;
  while (left > 0) {
    const take = Math.min(left, period.length);
    hash.update(period.subarray(0, take));
    left -= take;
  }
  return hash.digest('hex');
}
