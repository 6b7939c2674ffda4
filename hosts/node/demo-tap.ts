/**
 * `xstcp demo` against the Linux kernel: a network namespace `xstcp-demo` with a TAP
 * device (kernel side 198.18.0.1/24), a board with the HTTP server at 198.18.0.2, a real
 * HTTP client (curl, or Node's http) fetching `/` from inside the namespace, and the close
 * sequence read from the board's trace. Everything it creates is removed on the way out.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const DEMO_NS = 'xstcp-demo';
const DEMO_TAP = 'xdemo0';
const KERNEL_IP = '198.18.0.1';
const BOARD_IP = '198.18.0.2';

/** Why the demo cannot use a TAP device here, or undefined when it can. */
export function tapUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not running as root (network namespaces need it)';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return "the 'ip' command (iproute2) is missing";
  return undefined;
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${(r.stderr || '').trim()}`);
}

function inNamespace(command: string, args: string[], timeoutMs: number) {
  return spawnSync('ip', ['netns', 'exec', DEMO_NS, command, ...args], { encoding: 'utf8', timeout: timeoutMs });
}

function createNamespace(): void {
  removeNamespace();
  ip('netns', 'add', DEMO_NS);
  ip('-n', DEMO_NS, 'link', 'set', 'lo', 'up');
  ip('-n', DEMO_NS, 'tuntap', 'add', 'dev', DEMO_TAP, 'mode', 'tap');
  spawnSync('ip', ['netns', 'exec', DEMO_NS, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
  ip('-n', DEMO_NS, 'addr', 'add', `${KERNEL_IP}/24`, 'dev', DEMO_TAP);
  ip('-n', DEMO_NS, 'link', 'set', DEMO_TAP, 'up');
}

export function removeNamespace(): void {
  spawnSync('ip', ['netns', 'del', DEMO_NS], { stdio: 'ignore' });
}

/** GET url from inside the namespace with curl, or Node's http client when curl is missing. */
function fetchInNamespace(url: string): { ok: boolean; body: string; client: string } {
  const curl = inNamespace('curl', ['-sS', '-m', '10', url], 15_000);
  if (!curl.error) return { ok: curl.status === 0, body: curl.status === 0 ? curl.stdout : curl.stderr, client: 'curl' };
  const script = `require('http').get(process.argv[1], (r) => { let b = ''; r.setEncoding('latin1'); r.on('data', (d) => b += d); r.on('end', () => process.stdout.write(b)); }).on('error', (e) => { process.stderr.write(String(e)); process.exit(1); }).setTimeout(10000, function () { this.destroy(new Error('timeout')); });`;
  const node = inNamespace(process.execPath, ['-e', script, url], 15_000);
  return { ok: node.status === 0, body: node.status === 0 ? node.stdout : node.stderr, client: 'node http' };
}

interface TraceLine {
  t: number;
  socket: number;
  from?: string;
  to?: string;
  event?: string;
  state?: string;
}

function describe(l: TraceLine): string {
  return l.event ? `${l.event} (in ${l.state})` : `${l.from} -> ${l.to}`;
}

export async function runTapDemo(o: { once: boolean; pcap?: string; print: (line: string) => void }): Promise<number> {
  const { print } = o;
  let board: ChildProcess | undefined;
  const trace: TraceLine[] = [];
  const cleanup = () => {
    if (board && board.exitCode === null) board.kill('SIGTERM');
    removeNamespace();
  };
  try {
    createNamespace();
    const bin = resolve(process.argv[1] ?? 'bin/xstcp.js');
    const boardArgs = [bin, 'board', '--tap', DEMO_TAP, '--ip', `${BOARD_IP}/24`, '--trace', ...(o.pcap ? ['--pcap', resolve(o.pcap)] : [])];
    board = spawn('ip', ['netns', 'exec', DEMO_NS, process.execPath, ...boardArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    board.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        try {
          trace.push(JSON.parse(line) as TraceLine);
        } catch {
          // not a trace line
        }
      }
    });
    const ready = await new Promise<boolean>((resolveReady) => {
      const timer = setTimeout(() => resolveReady(false), 15_000);
      board!.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        if (chunk.includes('ready')) {
          clearTimeout(timer);
          resolveReady(true);
        } else process.stderr.write(chunk);
      });
      board!.once('exit', () => {
        clearTimeout(timer);
        resolveReady(false);
      });
    });
    if (!ready) {
      print('the board did not start');
      cleanup();
      return 1;
    }
    print(`board up at ${BOARD_IP} on TAP device ${DEMO_TAP} in network namespace ${DEMO_NS} (kernel side ${KERNEL_IP})`);
    const url = `http://${BOARD_IP}/`;
    const response = fetchInNamespace(url);
    print(`GET ${url} with ${response.client} from inside the namespace:`);
    for (const line of response.body.split('\n')) print(`  ${line}`);
    await new Promise((r) => setTimeout(r, 300));
    const served = trace.find((l) => l.event === 'TCP_EVENT_DATA');
    if (served) {
      const from = trace.indexOf(served);
      print(`close sequence of socket ${served.socket} (from the board's --trace):`);
      for (const l of trace.slice(from).filter((x) => x.socket === served.socket)) {
        print(`  ${String(l.t).padStart(6)} ms  ${describe(l)}`);
        if (l.event === 'TCP_EVENT_CLOSED' || l.event === 'TCP_EVENT_ABORT') break;
      }
    }
    print('reach the board yourself:');
    print(`  ip netns exec ${DEMO_NS} curl http://${BOARD_IP}/`);
    print(`  ip netns exec ${DEMO_NS} curl -o /dev/null http://${BOARD_IP}/bytes/10000000`);
    if (!response.ok) {
      cleanup();
      return 1;
    }
    if (o.once) {
      cleanup();
      return 0;
    }
    print('serving until Ctrl-C');
    await new Promise<void>((r) => {
      process.once('SIGINT', () => r());
      process.once('SIGTERM', () => r());
      board!.once('exit', () => r());
    });
    cleanup();
    return 0;
  } catch (error) {
    print(`demo failed: ${(error as Error).message}`);
    cleanup();
    return 1;
  }
}
