/**
 * Throughput against the Linux kernel over a TAP device, for the xstcp board on Node and
 * on XS, each as a ratio to lwIP serving the same things on the same TAP device in the same
 * run (bench/lwip/server.c on Debian's liblwip), plus the kernel-to-kernel ceiling over a
 * veth pair. Tests: upload into discard (9), chargen download (19), curl of
 * `/bytes/N` (80), and ApacheBench HTTP/1.0 requests per second with one client. Each
 * figure is the median of several runs. Needs root and /dev/net/tun, else it says why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = process.cwd();
const NS = `xstcp-bench-${process.pid}`;
const PEER_NS = `xstcp-bench-${process.pid}-k`;
const LWIP_SOURCE = join(ROOT, 'bench', 'lwip', 'server.c');
export const LWIP_BINARY = join(ROOT, 'build', 'bench', 'lwip-server');
const CLIENT = join(ROOT, 'dist', 'bench', 'tap-client.js');
const KERNEL_SERVER = join(ROOT, 'dist', 'bench', 'kernel-server.js');

export interface TapSizes {
  runs: number;
  uploadBytes: number;
  downloadBytes: number;
  httpBytes: number;
  abRequests: number;
}

// ab: 1000 requests, as Linux started reusing ports of a 10,000-port range after about 1,100
// connections, meeting lwIP's TIME_WAIT sockets (see abRate).
export const FULL_SIZES: TapSizes = { runs: 3, uploadBytes: 100_000_000, downloadBytes: 50_000_000, httpBytes: 100_000_000, abRequests: 1000 };
export const QUICK_SIZES: TapSizes = { runs: 1, uploadBytes: 2_000_000, downloadBytes: 2_000_000, httpBytes: 2_000_000, abRequests: 100 };

/** One test's figures: rate per server (undefined where the server could not be measured). */
export interface TapResult {
  test: string;
  unit: string;
  rates: Record<string, number | undefined>;
}

const TESTS = [
  { key: 'upload', test: 'upload into discard (9)', unit: 'MB/s' },
  { key: 'chargen', test: 'chargen download (19)', unit: 'MB/s' },
  { key: 'http', test: 'curl of /bytes/N (80)', unit: 'MB/s' },
  { key: 'ab', test: '`ab -c 1` HTTP/1.0 GET /bytes/100', unit: 'req/s' },
] as const;

function run(command: string, args: string[], timeoutMs = 180_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function ip(...args: string[]): void {
  const r = run('ip', args);
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

/** Namespace `ns` holding TAP device tap0 with the kernel at 198.18.0.1/24 (bench/firmware.ts uses it too). */
export function benchNamespace(ns: string): void {
  ip('netns', 'add', ns);
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  ip('-n', ns, 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap');
  ip('-n', ns, 'addr', 'add', '198.18.0.1/24', 'dev', 'tap0');
  ip('-n', ns, 'link', 'set', 'tap0', 'up');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** One measurement of test `key` (upload, chargen, http, ab) against `host`, from namespace `ns`. */
export function measureOnce(ns: string, sizes: TapSizes, key: string, host: string): number {
  // The single-connection clients take ports that ab's ranges never use: a port that lwIP
  // still holds in TIME_WAIT from an ab run would stall them as it stalls ab (see abRate).
  if (key !== 'ab') run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_local_port_range=60000 64999']);
  switch (key) {
    case 'upload': return sizes.uploadBytes / clientSeconds(ns, 'upload', host, 9, sizes.uploadBytes);
    case 'chargen': return sizes.downloadBytes / clientSeconds(ns, 'download', host, 19, sizes.downloadBytes);
    case 'http': return sizes.httpBytes / curlSeconds(ns, `http://${host}/bytes/${sizes.httpBytes}`, sizes.httpBytes);
    default: return abRate(ns, `http://${host}/bytes/100`, sizes.abRequests);
  }
}

/** Runs one measurement `runs` times (after a warm-up) in NS and returns the median rate. */
function rate(sizes: TapSizes, key: string, host: string): number {
  const once = (): number => measureOnce(NS, sizes, key, host);
  once();
  return median(Array.from({ length: sizes.runs }, once));
}

function clientSeconds(ns: string, mode: string, host: string, port: number, bytes: number): number {
  const r = run('ip', ['netns', 'exec', ns, process.execPath, CLIENT, mode, host, String(port), String(bytes)]);
  const seconds = Number(r.stdout.trim());
  if (r.status !== 0 || !(seconds > 0)) throw new Error(`${mode} ${host}:${port}: ${r.stderr.trim()}`);
  return seconds;
}

function curlSeconds(ns: string, url: string, bytes: number): number {
  const r = run('ip', ['netns', 'exec', ns, 'curl', '-sS', '-m', '120', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', url]);
  const [seconds, size] = r.stdout.trim().split(' ').map(Number);
  if (r.status !== 0 || size !== bytes) throw new Error(`curl ${url}: ${r.stderr.trim()}`);
  return seconds;
}

let abRound = 0;

function abRate(ns: string, url: string, requests: number): number {
  // Each ab run takes its client ports from a range of its own: ab's runs would otherwise
  // reuse the previous run's ports, and lwIP answers a SYN that meets its own TIME_WAIT
  // connection with a bare ACK, so the client stalls for a minute (seen in captures).
  const low = 10_000 + (abRound++ % 5) * 10_000;
  run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv4.ip_local_port_range=${low} ${low + 9_999}`]);
  const r = run('ip', ['netns', 'exec', ns, 'ab', '-q', '-n', String(requests), '-c', '1', '-s', '30', url]);
  const perSecond = /Requests per second:\s+([\d.]+)/.exec(r.stdout);
  const failed = /Failed requests:\s+(\d+)/.exec(r.stdout);
  if (r.status !== 0 || perSecond === null || failed === null || failed[1] !== '0') throw new Error(`ab ${url}: ${r.stderr.trim() || r.stdout.trim()}`);
  return Number(perSecond[1]);
}

async function waitFor(child: ChildProcess, marker: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no '${marker}' within 60 s: ${seen.slice(-300)}`)), 60_000);
    const look = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (!seen.includes(marker)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stderr?.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before '${marker}': ${seen.slice(-300)}`));
    });
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
  const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 3000);
  await exited;
  clearTimeout(timer);
}

/** Starts a server in `ns` (its own process group) and waits for its `ready`. */
export async function startServer(ns: string, argv: string[]): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  try {
    await waitFor(child, 'ready');
  } catch (error) {
    await stopServer(child);
    throw error;
  }
  return child;
}

/** Starts a server in `ns`, measures every test against `host`, stops it. */
async function measureServer(ns: string, argv: string[], host: string, sizes: TapSizes): Promise<Record<string, number | undefined>> {
  // Each server has its own MAC address: forget the previous one's.
  run('ip', ['-n', NS, 'neigh', 'flush', 'dev', 'tap0']);
  const child = await startServer(ns, argv);
  const rates: Record<string, number | undefined> = {};
  try {
    for (const t of TESTS) {
      try {
        rates[t.key] = rate(sizes, t.key, host);
      } catch (error) {
        process.stderr.write(`bench: ${argv[0]} ${t.key}: ${(error as Error).message}\n`);
        rates[t.key] = undefined;
      }
    }
  } finally {
    await stopServer(child);
  }
  return rates;
}

export function buildLwipServer(): string | undefined {
  if (!existsSync('/usr/include/lwip/lwip/tcp.h')) return 'Debian package liblwip-dev is not installed';
  mkdirSync(join(ROOT, 'build', 'bench'), { recursive: true });
  const r = run(process.env.CC || 'gcc', ['-O2', '-Wall', '-I/usr/include/lwip', LWIP_SOURCE, '-o', LWIP_BINARY, '-llwip', '-lpthread']);
  return r.status === 0 ? undefined : `building the lwIP server failed: ${r.stderr}`;
}

function setUpNamespaces(): void {
  benchNamespace(NS);
  // The ceiling: a veth pair to a second namespace where the kernel serves.
  ip('netns', 'add', PEER_NS);
  ip('-n', PEER_NS, 'link', 'set', 'lo', 'up');
  ip('-n', NS, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1', 'netns', PEER_NS);
  ip('-n', NS, 'addr', 'add', '198.18.1.1/24', 'dev', 'veth0');
  ip('-n', PEER_NS, 'addr', 'add', '198.18.1.2/24', 'dev', 'veth1');
  ip('-n', NS, 'link', 'set', 'veth0', 'up');
  ip('-n', PEER_NS, 'link', 'set', 'veth1', 'up');
}

const SERVERS = ['lwIP', 'xstcp node', 'xstcp XS', 'kernel (veth)'] as const;
/**
 * The board's throughput profile: discard and chargen announce 256 KiB with window scaling
 * (RFC 7323), as lwIP here scales its 64-segment window; the board's default stays at 65 535.
 */
const BOARD_WINDOW = 262144;

function format(value: number | undefined, unit: string): string {
  if (value === undefined) return 'failed';
  return unit === 'MB/s' ? (value / 1e6).toFixed(1) : value.toFixed(0);
}

function ratio(value: number | undefined, base: number | undefined): string {
  return value === undefined || base === undefined ? '–' : (value / base).toFixed(2);
}

export function tapTable(results: TapResult[]): string[] {
  const lines = [
    '| over TAP (median) | lwIP | xstcp node | xstcp XS | node / lwIP | XS / lwIP | kernel over veth |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const [lwip, node, xs, kernel] = SERVERS.map((s) => r.rates[s]);
    lines.push(`| ${r.test}, ${r.unit} | ${format(lwip, r.unit)} | ${format(node, r.unit)} | ${format(xs, r.unit)} | ${ratio(node, lwip)} | ${ratio(xs, lwip)} | ${format(kernel, r.unit)} |`);
  }
  return lines;
}

/** Runs the TAP benchmarks; a string says why they were skipped. */
export async function runTapBenchmarks(sizes: TapSizes): Promise<TapResult[] | string> {
  if (process.getuid?.() !== 0 || !existsSync('/dev/net/tun')) return 'TAP benchmarks skipped: they need root and /dev/net/tun';
  for (const tool of ['curl', 'ab']) {
    if (run(tool, ['-V']).status === null) return `TAP benchmarks skipped: ${tool} is missing`;
  }
  const lwipProblem = buildLwipServer();
  if (lwipProblem !== undefined) return `TAP benchmarks skipped: ${lwipProblem}`;
  try {
    setUpNamespaces();
    const board = (engine: string) => [process.execPath, join(ROOT, 'bin', 'xstcp.js'), 'board', '--engine', engine, '--tap', 'tap0', '--ip', '198.18.0.2/24', '--app', 'http,discard,chargen', '--window', String(BOARD_WINDOW)];
    const byServer: Record<string, Record<string, number | undefined>> = {
      'lwIP': await measureServer(NS, [LWIP_BINARY, 'tap0', '198.18.0.2/24'], '198.18.0.2', sizes),
      'xstcp node': await measureServer(NS, board('node'), '198.18.0.2', sizes),
      'xstcp XS': await measureServer(NS, board('xs'), '198.18.0.2', sizes),
      'kernel (veth)': await measureServer(PEER_NS, [process.execPath, KERNEL_SERVER, '198.18.1.2'], '198.18.1.2', sizes),
    };
    return TESTS.map((t) => ({ test: t.test, unit: t.unit, rates: Object.fromEntries(SERVERS.map((s) => [s, byServer[s][t.key]])) }));
  } finally {
    spawnSync('ip', ['netns', 'del', NS]);
    spawnSync('ip', ['netns', 'del', PEER_NS]);
  }
}
