/**
 * `xstcp board --engine moddable`: the same board as the Moddable app in moddable/,
 * built with the SDK that $MODDABLE names (mcconfig, cached by content under
 * build/moddable/) and run in Moddable's simulator (mcsim; under a private Xvfb display
 * when $DISPLAY is unset), in the caller's network namespace. The board's settings reach
 * the app as mcconfig config (tap=, ip=, ...).
 *
 * The app talks through trace(), and this process sorts its lines as moddable/main.ts
 * documents: trace JSON to stdout, `ready` and messages to stderr, `exit N` ends the run.
 * Where the lines come from depends on the build:
 *   default        release build (-O3): XS prints trace() on the simulator's standard
 *                  output, read line-buffered (stdbuf)
 *   --xsbug H:P    debug build connected to that xsbug; the lines are read from standard
 *                  output as well (XS prints them there too)
 *   --memory       debug build connected to this process, which speaks enough of xsbug
 *                  (hosts/node/xsbug-listener.ts) to take the lines from its <log>s and
 *                  the heap and stack peaks from its instrumentation samples
 * Debug builds are slow for bulk traffic: a connected XS machine polls its xsbug socket
 * (one recv() per line of JavaScript run) and the engine is built -O0.
 * SIGINT/SIGTERM end the simulator (and the display) and exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIpv4 } from '../../src/net/wire/ipv4-address.js';
import type { BoardArgs } from '../common/cli-args.js';
import { packageRoot } from './package-root.js';
import { XsbugListener, type XsbugLog } from './xsbug-listener.js';

/** The SDK tools this engine needs, or why they cannot be used. */
export interface ModdableSdk {
  root: string;
  bin: string;
  mcconfig: string;
  mcsim: string;
}

const TOOLS = ['mcconfig', 'mcrez', 'xsc', 'xsl', 'mcsim'] as const;

/** Finds the SDK of $MODDABLE with its Linux tools built; a message when it cannot. */
export function findModdableSdk(env: NodeJS.ProcessEnv = process.env): ModdableSdk | string {
  const root = env.MODDABLE;
  if (root === undefined || root === '') {
    return '--engine moddable needs $MODDABLE: the path of a Moddable SDK whose Linux tools are built (cd $MODDABLE/build/makefiles/lin && make)';
  }
  if (!existsSync(join(root, 'tools', 'mcconfig')) && !existsSync(join(root, 'build', 'makefiles', 'lin'))) {
    return `$MODDABLE is ${root}, which is not a Moddable SDK (no build/makefiles/lin)`;
  }
  const bin = join(root, 'build', 'bin', 'lin', 'release');
  const missing = TOOLS.filter((tool) => !existsSync(join(bin, tool)));
  if (missing.length > 0) {
    return `the Moddable SDK in $MODDABLE (${root}) has no ${missing.join(', ')} in build/bin/lin/release: build its tools first (cd $MODDABLE/build/makefiles/lin && make)`;
  }
  return { root, bin, mcconfig: join(bin, 'mcconfig'), mcsim: join(bin, 'mcsim') };
}

/** mcconfig's config for the app: the board flags as moddable/main.ts reads them. */
export function appConfig(args: BoardArgs): string[] {
  const mac = Array.from(args.mac, (b) => b.toString(16).padStart(2, '0')).join(':');
  const config = [`tap=${args.tap}`, `ip=${formatIpv4(args.address)}/${args.prefixLength}`, `mac=${mac}`, `app=${args.apps.join(',')}`];
  if (args.gateway !== undefined) config.push(`gateway=${formatIpv4(args.gateway)}`);
  if (args.sockets !== undefined) config.push(`sockets=${args.sockets}`);
  if (args.mslSeconds !== undefined) config.push(`msl=${args.mslSeconds}`);
  if (args.reuseTimeWait !== undefined) config.push(`reuse=${args.reuseTimeWait ? 'on' : 'off'}`);
  config.push(`trace=${args.trace ? 1 : 0}`, `memory=${args.memory ? 1 : 0}`);
  return config;
}

/** What the app is built from (relative to the package root). */
const APP_SOURCES = ['manifest.json', 'moddable', 'src', 'hosts/common', 'hosts/sim', 'hosts/xs/ts/ethernet-mac.ts', 'hosts/xs/ts/scripted-transfer.ts', 'hosts/xs/ts/hotpath-run.ts', 'targets/common', 'targets/lin'];

function hashTree(hash: ReturnType<typeof createHash>, root: string, path: string, depth = 0): void {
  const full = join(root, path);
  if (!existsSync(full) || depth > 8) return;
  if (statSync(full).isDirectory()) {
    for (const name of readdirSync(full).sort()) hashTree(hash, root, join(path, name), depth + 1);
    return;
  }
  hash.update(`${path}\0`);
  const bytes = readFileSync(full);
  hash.update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** The cache key of the sources: SDK and every file the app is made of. */
export function appSourceKey(root: string, sdk: ModdableSdk): string {
  const hash = createHash('sha256');
  hash.update(`${sdk.root}\0${statSync(sdk.mcconfig).mtimeMs}\0`);
  for (const path of APP_SOURCES) hashTree(hash, root, path);
  return hash.digest('hex').slice(0, 16);
}

/** The cache key of one config (the board flags). */
export function appConfigKey(config: readonly string[]): string {
  return createHash('sha256').update(config.join('\0')).digest('hex').slice(0, 16);
}

function findFile(dir: string, name: string, depth = 0): string | undefined {
  if (depth > 6 || !existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return path;
    if (entry.isDirectory()) {
      const found = findFile(path, name, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('error', (error) => resolve({ code: null, output: `${output}${error.message}` }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Holds `dir`/lock (a directory, created atomically) while `work` runs; waits for another holder. */
async function withLock<T>(dir: string, work: () => Promise<T>, limitMs = 3600000): Promise<T> {
  const lock = join(dir, 'lock');
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // being created or removed right now
      }
      if (Number.isInteger(holder) && holder > 0 && !alive(holder)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} is still held after ${limitMs / 60000} minutes`);
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface AppBuild {
  /** The app as the simulator loads it. */
  library: string;
  /** False when the cache had it. */
  built: boolean;
  seconds: number;
}

/**
 * Builds moddable/ for the simulator with `mcconfig -d -m -p lin -t build` (the build
 * target only: mcconfig's default target would also start and kill simulators by name),
 * unless the cache has it. One build tree (build/moddable/tree) serves every source
 * version and config: mcconfig's make recompiles only what changed (a new config: the
 * config module, then the link). Each result is kept as build/moddable/<sources>-<config>.so
 * (results of older sources are removed). A lock directory serialises runs.
 */
export async function buildModdableApp(root: string, sdk: ModdableSdk, config: readonly string[], debug: boolean, app = 'moddable'): Promise<AppBuild> {
  const started = Date.now();
  // Other apps (moddable/scenario) get a cache and tree of their own.
  const cache = join(root, 'build', app === 'moddable' ? 'moddable' : app.replace(/\//g, '-'));
  const sources = appSourceKey(root, sdk);
  const library = join(cache, `${sources}-${appConfigKey(config)}-${debug ? 'debug' : 'release'}.so`);
  if (existsSync(library)) return { library, built: false, seconds: 0 };
  mkdirSync(join(cache, 'tree'), { recursive: true });
  return withLock(cache, async () => {
    if (existsSync(library)) return { library, built: false, seconds: 0 };
    const env = {
      ...process.env,
      MODDABLE: sdk.root,
      // mcconfig runs the tsc it finds first: our transpile-only one (moddable/tools/tsc).
      PATH: [join(root, 'moddable', 'tools'), sdk.bin, process.env.PATH ?? ''].join(':'),
    };
    const tree = join(cache, 'tree');
    const args = [...(debug ? ['-d'] : []), '-m', '-p', 'lin', '-t', 'build', '-o', tree, join(root, app, 'manifest.json'), ...config];
    const result = await run(sdk.mcconfig, args, { cwd: join(root, app), env });
    const built = findFile(join(tree, 'bin', 'lin', 'mc', debug ? 'debug' : 'release'), 'mc.so');
    if (result.code !== 0 || built === undefined) throw new Error(`mcconfig failed (exit ${result.code}):\n${result.output.trim()}`);
    for (const name of readdirSync(cache)) {
      if (name.endsWith('.so') && !name.startsWith(`${sources}-`)) rmSync(join(cache, name), { force: true });
    }
    const partial = `${library}.${process.pid}`;
    copyFileSync(built, partial);
    renameSync(partial, library);
    return { library, built: true, seconds: (Date.now() - started) / 1000 };
  });
}

/** A private X display for the simulator: Xvfb picks a free number and tells it on fd 3. */
export function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '640x480x24'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let number = '';
    let errors = '';
    xvfb.stderr!.on('data', (d: Buffer) => {
      errors = (errors + d.toString()).slice(-2000);
    });
    xvfb.once('error', (error) => reject(new Error(`cannot start Xvfb (apt-get install xvfb): ${error.message}`)));
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${errors.trim()}`)));
    (xvfb.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      number += d.toString();
      if (number.includes('\n')) resolve({ display: `:${number.trim()}`, process: xvfb });
    });
  });
}

export function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** sizeof(txSlot) of XS on a 64-bit host: what the simulator's slot and stack bytes count. */
const SLOT_BYTES = 32;

function memoryPeaks(peaks: ReadonlyMap<string, number>): string {
  const get = (name: string) => peaks.get(name) ?? 0;
  const stack = get('Stack used');
  return `xstcp: memory peaks (XS instrumentation): chunks ${get('Chunk used')} bytes, slots ${get('Slot used')} bytes, stack ${stack} bytes (${stack / SLOT_BYTES} slots)`;
}

export async function runBoardOnModdable(args: BoardArgs): Promise<number> {
  const fail = (message: string, code: number) => {
    process.stderr.write(`xstcp: ${message}\n`);
    return code;
  };
  if (args.pcap !== undefined) return fail('--pcap is not available with --engine moddable (capture on the TAP device instead: tcpdump -i TAP -w FILE)', 2);
  const sdk = findModdableSdk();
  if (typeof sdk === 'string') return fail(sdk, 2);
  const root = packageRoot(join('moddable', 'manifest.json'));
  if (root === undefined) return fail('cannot find moddable/manifest.json (run from the xstcp package)', 1);

  const debug = args.xsbug !== undefined || args.memory;
  const useListener = args.memory && args.xsbug === undefined;
  let build: AppBuild;
  try {
    build = await buildModdableApp(root, sdk, appConfig(args), debug);
  } catch (error) {
    return fail(`building the Moddable app failed: ${(error as Error).message}`, 1);
  }
  if (build.built) process.stderr.write(`xstcp: built the Moddable app in ${build.seconds.toFixed(1)} s\n`);

  let exitCode: number | undefined;
  let simulator: ChildProcess | undefined;
  let xvfb: ChildProcess | undefined;
  let listener: XsbugListener | undefined;
  let finished: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    finished = resolve;
  });
  const end = (code: number) => {
    if (exitCode === undefined) exitCode = code;
    finished(exitCode);
  };

  // The app's lines, from xsbug's <log> or from the simulator's stdout.
  let partial = '';
  const onText = (text: string) => {
    partial += text;
    let newline: number;
    while ((newline = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, newline);
      partial = partial.slice(newline + 1);
      const exit = /^exit (\d+)$/.exec(line);
      if (exit) end(Number(exit[1]));
      else if (line.startsWith('XS abort')) {
        // The machine is dead; the simulator would stay up with nothing running.
        process.stderr.write(`xstcp: moddable: ${line}\n`);
        end(1);
      }
      else if (line.startsWith('{')) process.stdout.write(`${line}\n`);
      else if (line !== '') process.stderr.write(`${line}\n`);
    }
  };
  const onLog = (log: XsbugLog) => {
    if (log.path !== undefined) process.stderr.write(`xstcp: moddable: ${log.path}:${log.line}: ${log.text.trimEnd()}\n`);
    else onText(log.text);
  };

  const env: NodeJS.ProcessEnv = { ...process.env, MODDABLE: sdk.root };
  try {
    if (args.xsbug !== undefined) {
      const [host, port] = args.xsbug.split(':');
      env.XSBUG_HOST = host;
      env.XSBUG_PORT = port;
    } else if (useListener) {
      listener = new XsbugListener({
        onLog,
        onBreak: (message, path, line, frames) => {
          const stack = frames.map((frame) => `\n    at ${frame}`).join('');
          process.stderr.write(`xstcp: moddable: stopped at ${path}:${line}: ${message.trim()} (continuing)${stack}\n`);
        },
      });
      env.XSBUG_HOST = '127.0.0.1';
      env.XSBUG_PORT = String(await listener.listen('127.0.0.1', 0));
    }
    if (!env.DISPLAY) {
      const x = await startXvfb();
      xvfb = x.process;
      env.DISPLAY = x.display;
    }
  } catch (error) {
    listener?.close();
    await stopChild(xvfb);
    return fail((error as Error).message, 1);
  }

  // Without our listener the lines come from the simulator's stdout, made line-buffered.
  const command = useListener ? sdk.mcsim : 'stdbuf';
  const commandArgs = useListener ? [build.library] : ['-oL', sdk.mcsim, build.library];
  simulator = spawn(command, commandArgs, { env, cwd: root, stdio: ['ignore', useListener ? 'ignore' : 'pipe', 'pipe'] });
  simulator.stdout?.setEncoding('utf8').on('data', onText);
  simulator.stderr!.setEncoding('utf8').on('data', (text: string) => {
    for (const line of text.split('\n')) if (line.trim() !== '' && !/Gtk-WARNING|dbind-WARNING|^\s*$/.test(line)) process.stderr.write(`xstcp: mcsim: ${line}\n`);
  });
  simulator.once('error', (error) => {
    process.stderr.write(`xstcp: cannot start mcsim: ${error.message}\n`);
    end(1);
  });
  simulator.once('exit', (code, signal) => {
    if (exitCode === undefined) process.stderr.write(`xstcp: the simulator ended (${signal ?? `exit ${code}`})\n`);
    end(code === 0 ? 0 : 1);
  });
  const onSignal = () => end(0);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const code = await done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await stopChild(simulator);
  await stopChild(xvfb);
  if (listener !== undefined) {
    if (args.memory) process.stderr.write(`${memoryPeaks(listener.peaks)}\n`);
    listener.close();
  }
  return code;
}
