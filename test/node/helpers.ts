/**
 * Support for the Node host tests: whether this machine can run TAP tests, network
 * namespaces named xstcp-tap-<pid>-<tag> (removed afterwards, also those left behind by a
 * killed run), the compiled dist/ the child fixtures import, and the fixture processes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withBuildLock } from '../support/build-lock.js';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const TAP_FIXTURE = join(REPO_ROOT, 'test', 'node', 'fixtures', 'tap-fixture.mjs');
const ADDON_BINARY = join(REPO_ROOT, 'hosts', 'node', 'tap', 'build', 'Release', 'tap.node');
const NETNS_PREFIX = 'xstcp-tap-';

// ---- can this machine run them? --------------------------------------------------------

/** Why the native addon cannot be used here, or undefined when it can. */
export function addonMissingReason(): string | undefined {
  if (process.platform !== 'linux') return `TAP devices are Linux only (this is ${process.platform})`;
  if (!existsSync(ADDON_BINARY)) return `the TAP addon is not built (${ADDON_BINARY}); run: node hosts/node/tap/build.cjs`;
  return undefined;
}

/** Why TAP devices in namespaces cannot be tested here, or undefined when they can. */
export function tapMissingReason(): string | undefined {
  const addon = addonMissingReason();
  if (addon !== undefined) return addon;
  if (process.getuid?.() !== 0) return 'needs root (CAP_NET_ADMIN) to create network namespaces and TAP devices';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing';
  const ip = spawnSync('ip', ['-V'], { encoding: 'utf8', timeout: 5000 });
  if (ip.status !== 0) return 'the ip command (iproute2) is missing';
  return undefined;
}

/**
 * `describe` when the facility is there. Elsewhere the block is skipped with the reason
 * printed, except on CI (CI set), where a missing facility is a failing test.
 */
export function describeIf(reason: string | undefined, name: string, body: () => void): void {
  if (reason === undefined) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('has what these tests need (required on CI)', () => {
        throw new Error(`cannot run "${name}": ${reason}`);
      });
    });
  } else {
    console.log(`skipping "${name}": ${reason}`);
    describe.skip(name, body);
  }
}

// ---- commands -----------------------------------------------------------------------------

/** Runs `ip ARGS`; throws with its stderr when it fails. */
export function ip(...args: string[]): string {
  const result = spawnSync('ip', args, { encoding: 'utf8', timeout: 10000 });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${result.stderr || result.error?.message || `status ${result.status}`}`);
  return result.stdout;
}

/** Runs a command inside a namespace; returns stdout, throws when it fails. */
export function inNetns(netns: string, command: string, ...args: string[]): string {
  return ip('netns', 'exec', netns, command, ...args);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---- namespaces ---------------------------------------------------------------------------

export interface TapSetup {
  /** `tap` (default) or `tun`. */
  mode?: 'tap' | 'tun';
  /** Kernel-side address, e.g. 198.18.0.1/24; none when omitted. */
  address?: string;
  /** Set the link up (default true). */
  up?: boolean;
}

/** The namespaces one test file creates; `removeAll` in afterAll. */
export class Namespaces {
  private readonly created: string[] = [];

  /** Creates `xstcp-tap-<pid>-<tag>` with lo up and IPv6 off (no MLD/RS noise on the TAP). */
  create(tag: string): string {
    const name = `${NETNS_PREFIX}${process.pid}-${tag}`;
    ip('netns', 'add', name);
    this.created.push(name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    inNetns(name, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1');
    return name;
  }

  /** A persistent TAP (or TUN) device in `netns`, optionally with an address and up. */
  addDevice(netns: string, device: string, setup: TapSetup = {}): void {
    ip('-n', netns, 'tuntap', 'add', 'dev', device, 'mode', setup.mode ?? 'tap');
    if (setup.address !== undefined) ip('-n', netns, 'addr', 'add', setup.address, 'dev', device);
    if (setup.up ?? true) ip('-n', netns, 'link', 'set', device, 'up');
  }

  /** Deletes every namespace made here (their devices go with them). */
  removeAll(): void {
    while (this.created.length > 0) {
      const name = this.created.pop()!;
      spawnSync('ip', ['netns', 'del', name], { timeout: 10000 });
    }
  }
}

/** Deletes xstcp-tap-<pid>-* namespaces whose creating process is gone (a run that was killed). */
export function removeStaleNamespaces(): void {
  const listing = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10000 });
  if (listing.status !== 0) return;
  for (const line of listing.stdout.split('\n').slice(0, 1000)) {
    const name = line.split(' ')[0];
    const match = /^xstcp-tap-(\d+)-/.exec(name);
    if (match !== null && !processAlive(Number(match[1]))) spawnSync('ip', ['netns', 'del', name], { timeout: 10000 });
  }
}

/** A device's counter as the kernel in `netns` sees it (e.g. rx_packets). */
export function deviceCounter(netns: string, device: string, counter: string): number {
  return Number(inNetns(netns, 'cat', `/sys/class/net/${device}/statistics/${counter}`).trim());
}

// ---- the compiled code the fixtures import ------------------------------------------------

function olderThan(output: string, source: string): boolean {
  return !existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs;
}

function distStale(): { wire: boolean; host: boolean } {
  const wireDir = join(REPO_ROOT, 'src', 'net', 'wire');
  const wire = readdirSync(wireDir)
    .filter((file) => file.endsWith('.ts'))
    .some((file) => olderThan(join(REPO_ROOT, 'dist', 'src', 'net', 'wire', file.replace(/\.ts$/, '.js')), join(wireDir, file)));
  const host = ['tap-mac', 'real-clock', 'random'].some((name) =>
    olderThan(join(REPO_ROOT, 'dist', 'hosts', 'node', `${name}.js`), join(REPO_ROOT, 'hosts', 'node', `${name}.ts`)));
  return { wire, host };
}



/**
 * The fixtures run the tsc output (dist/) under plain Node, as the CLI does. `npm test`
 * builds first; when run on their own these tests rebuild whatever is missing or stale.
 */
export function ensureDistBuilt(): void {
  if (distStale().wire || distStale().host) {
    withBuildLock(() => {
      const stale = distStale(); // another worker may have built it meanwhile
      const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      // tsc emits even when other files have type errors; only missing output is fatal here.
      if (stale.wire) spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: REPO_ROOT, timeout: 180000 });
      if (stale.host) spawnSync(process.execPath, [tsc, '-p', 'tsconfig.hosts.json'], { cwd: REPO_ROOT, timeout: 180000 });
    });
  }
  for (const file of ['dist/hosts/node/tap-mac.js', 'dist/hosts/node/real-clock.js', 'dist/src/net/wire/index.js']) {
    if (!existsSync(join(REPO_ROOT, file))) throw new Error(`build did not produce ${file}`);
  }
}

// ---- fixture processes --------------------------------------------------------------------

export type FixtureEvent = { event: string } & Record<string, unknown>;

export interface FixtureExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() at exit. */
  at: number;
}

const running = new Set<FixtureProcess>();

/** A child process (usually in a namespace) printing one JSON event per line. */
export class FixtureProcess {
  readonly child: ChildProcess;
  readonly events: FixtureEvent[] = [];
  readonly exited: Promise<FixtureExit>;
  stderr = '';
  private exit: FixtureExit | undefined;
  private waiters: (() => void)[] = [];
  private partial = '';

  /** Starts `command args`; it is SIGKILLed if still running after `limitMs`. */
  constructor(command: string, args: string[], limitMs: number) {
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this);
    const killer = setTimeout(() => this.kill(), limitMs);
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.onOutput(chunk));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      if (this.stderr.length < 65536) this.stderr += chunk;
    });
    this.exited = new Promise((resolveExit) => {
      this.child.once('close', (code, signal) => {
        clearTimeout(killer);
        running.delete(this);
        this.exit = { code, signal, at: Date.now() };
        this.wake();
        resolveExit(this.exit);
      });
    });
  }

  /** The first event named `name`, waiting up to `timeoutMs`; rejects with what was seen. */
  async waitFor(name: string, timeoutMs: number): Promise<FixtureEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === name);
      if (found !== undefined) return found;
      if (this.exit !== undefined || Date.now() >= deadline) {
        throw new Error(`no "${name}" event (exit ${JSON.stringify(this.exit)}); events ${JSON.stringify(this.events)}; stderr ${this.stderr}`);
      }
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  /** Waits for the exit; rejects if it takes longer than `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<FixtureExit> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms; events ${JSON.stringify(this.events)}; stderr ${this.stderr}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.exit === undefined) this.child.kill('SIGKILL');
  }

  private onOutput(chunk: string): void {
    this.partial += chunk;
    let newline: number;
    while ((newline = this.partial.indexOf('\n')) >= 0) {
      const line = this.partial.slice(0, newline);
      this.partial = this.partial.slice(newline + 1);
      try {
        this.events.push(JSON.parse(line) as FixtureEvent);
      } catch {
        this.events.push({ event: 'unparsed', line });
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

/** Runs the TAP fixture inside `netns`: `tap-fixture.mjs MODE DEVICE ARGS...`. */
export function tapFixture(netns: string, args: string[], limitMs = 20000): FixtureProcess {
  return new FixtureProcess('ip', ['netns', 'exec', netns, process.execPath, TAP_FIXTURE, ...args], limitMs);
}

/** Kills every fixture still running (afterAll, before the namespaces go). */
export async function killAllFixtures(): Promise<void> {
  const left = [...running];
  for (const fixture of left) fixture.kill();
  await Promise.all(left.map((fixture) => fixture.waitExit(5000).catch(() => undefined)));
}
