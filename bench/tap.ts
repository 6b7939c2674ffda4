/**
 * Throughput against the Linux kernel over a TAP device: curl inside a namespace fetching
 * /bytes/10000000 from a board (Node engine and XS engine), against the same bytes served
 * by a Node HTTP server on the kernel's own loopback in that namespace (the baseline: the
 * kernel's TCP with no TAP and no userspace stack in the path). Needs root and
 * /dev/net/tun; otherwise it says why and measures nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const NS = `xstcp-bench-${process.pid}`;
const SIZE = 10_000_000;
const RUNS = 5;
const ROOT = process.cwd();

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
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

function curlSeconds(url: string): number {
  const r = spawnSync('ip', ['netns', 'exec', NS, 'curl', '-sS', '-m', '120', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', url], { encoding: 'utf8' });
  const [seconds, size] = r.stdout.trim().split(' ').map(Number);
  if (r.status !== 0 || size !== SIZE) throw new Error(`curl ${url}: ${r.stderr}`);
  return seconds;
}

function medianRate(url: string): number {
  curlSeconds(url); // warm-up
  const times = Array.from({ length: RUNS }, () => curlSeconds(url)).sort((a, b) => a - b);
  return SIZE / times[Math.floor(RUNS / 2)];
}

async function started(child: ChildProcess, marker: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${marker}' within 20 s`)), 20_000);
    const look = (chunk: Buffer) => {
      if (chunk.toString().includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on('data', look);
    child.stdout?.on('data', look);
  });
}

async function boardRate(engine: 'node' | 'xs'): Promise<number> {
  const board = spawn('ip', ['netns', 'exec', NS, process.execPath, join(ROOT, 'bin', 'xstcp.js'), 'board', '--engine', engine, '--tap', 'tap0', '--ip', '198.18.0.2/24'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  try {
    await started(board, 'ready');
    return medianRate('http://198.18.0.2/bytes/10000000');
  } finally {
    try { process.kill(-board.pid!, 'SIGTERM'); } catch { /* gone */ }
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function kernelRate(): Promise<number> {
  // The same pattern (byte i = i % 251) from Node's http server, on the namespace's loopback.
  const script = `const b=Buffer.alloc(${SIZE});for(let i=0;i<b.length;i++)b[i]=i%251;require('http').createServer((q,r)=>{r.writeHead(200,{'Content-Length':b.length});r.end(b)}).listen(8080,'127.0.0.1',()=>process.stderr.write('ready\\n'))`;
  const server = spawn('ip', ['netns', 'exec', NS, process.execPath, '-e', script], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  try {
    await started(server, 'ready');
    return medianRate('http://127.0.0.1:8080/');
  } finally {
    try { process.kill(-server.pid!, 'SIGTERM'); } catch { /* gone */ }
  }
}

export async function runTapBenchmarks(): Promise<string[]> {
  if (process.getuid?.() !== 0 || !existsSync('/dev/net/tun')) return ['(TAP benchmarks skipped: they need root and /dev/net/tun)'];
  if (spawnSync('curl', ['--version'], { stdio: 'ignore' }).status !== 0) return ['(TAP benchmarks skipped: curl is missing)'];
  try {
    benchNamespace(NS);
    const kernel = await kernelRate();
    const node = await boardRate('node');
    const xs = await boardRate('xs');
    const mb = (v: number) => `${(v / 1e6).toFixed(1)} MB/s`;
    return [
      `| HTTP GET of 10 MB by curl (median of ${RUNS}) | rate | ratio |`,
      '|---|---|---|',
      `| kernel → kernel on loopback (Node http server) | ${mb(kernel)} | (baseline) |`,
      `| board on Node over TAP | ${mb(node)} | ${(node / kernel).toFixed(3)} × kernel |`,
      `| board on XS over TAP | ${mb(xs)} | ${(xs / kernel).toFixed(3)} × kernel |`,
    ];
  } finally {
    spawnSync('ip', ['netns', 'del', NS]);
  }
}
