#!/usr/bin/env node
/**
 * Builds the xstcp XS host from the XS 13.3 sources that ship in the npm package
 * @agoric/xsnap plus our C files in hosts/xs/src and the native Ethernet module that
 * Moddable builds too (targets/common, with the TAP driver of targets/lin):
 *
 *   build/xs/release/xstcp-xs   -O2, no debugger
 *   build/xs/debug/xstcp-xs     -O2 -g with mxDebug (xsbug, `debugger;`)
 *
 * Cached: each object is rebuilt only when its flags or the contents of its source or
 * any header it includes (gcc -MMD) changed; the binary is relinked only when an object
 * changed. Compiles `--jobs` files at a time (default 2).
 *
 *   node hosts/xs/build.mjs [release|debug|all] [--jobs N] [--quiet] [--force]
 *
 * Exits 1 with a clear message when no C compiler is found (set CC to choose one).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
const xsRoot = join(repoRoot, 'node_modules', '@agoric', 'xsnap', 'moddable', 'xs');
const hostSources = join(here, 'src');
const targetSources = [join(repoRoot, 'targets', 'common'), join(repoRoot, 'targets', 'lin')];
/* Of targets/lin only the driver: Moddable's own glue files there are not ours to link. */
const TARGET_FILES = new Set(['xstcp_frame_queue.c', 'xstcp_ethernet.c', 'ethernet_xs.c', 'xstcp_bytes.c', 'xstcp_headers.c', 'bytes_xs.c', 'ethernet_tap.c']);
const buildRoot = join(repoRoot, 'build', 'xs');

const GOALS = {
  release: { optimize: ['-O2'], defines: [] },
  debug: { optimize: ['-O2', '-g'], defines: ['-DmxDebug=1'] },
};

const COMMON_DEFINES = [
  '-DINCLUDE_XSPLATFORM',
  '-DXSPLATFORM="xstcp_platform.h"',
  '-DmxParse=1',
  '-DmxRun=1',
  // The console stays off: exceptions caught inside the stack must not print to stdout.
  '-DmxNoConsole=1',
  '-Dmx32bitID=1',
  '-DmxBoundsCheck=1',
  '-DmxRegExpUnicodePropertyEscapes=1',
  '-DmxStringNormalize=1',
  '-DmxMinusZero=1',
];
const INCLUDES = [hostSources, targetSources[0], join(xsRoot, 'includes'), join(xsRoot, 'platforms'), join(xsRoot, 'sources')].map((d) => `-I${d}`);
// XS's own sources compile with warnings off (they are not ours to fix); ours with them on.
const XS_WARNINGS = ['-w'];
const HOST_WARNINGS = ['-Wall', '-Wno-unused-variable', '-Wno-unused-function', '-Werror=implicit-function-declaration'];
const LIBS = ['-lm', '-lpthread', '-ldl'];

/** Path of the host binary for a goal. */
export function binaryPath(goal = 'release') {
  return join(buildRoot, goal, 'xstcp-xs');
}

function compilerName() {
  return process.env.CC || 'gcc';
}

/** Throws an Error with an install hint when the C compiler cannot be run. */
export function checkCompiler() {
  const cc = compilerName();
  const probe = spawnSync(cc, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.code ?? probe.error.message : `exit ${probe.status}`;
    throw new Error(
      `building the XS host needs a C compiler, and '${cc}' cannot be run (${why}). ` +
        'Install gcc (Debian/Ubuntu: apt-get install gcc libc6-dev) or set CC to a compiler.',
    );
  }
  if (!existsSync(join(xsRoot, 'sources', 'xsAll.c'))) {
    throw new Error(`the XS sources are missing at ${xsRoot}: run npm install (devDependency @agoric/xsnap@0.15.0)`);
  }
}

function sourceList() {
  const xs = readdirSync(join(xsRoot, 'sources'))
    .filter((f) => f.endsWith('.c') && f !== 'xsSnapshot.c')
    .sort()
    .map((f) => ({ path: join(xsRoot, 'sources', f), ours: false }));
  const ours = readdirSync(hostSources)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => ({ path: join(hostSources, f), ours: true }));
  const targets = targetSources.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => TARGET_FILES.has(f))
      .sort()
      .map((f) => ({ path: join(dir, f), ours: true })),
  );
  return [...xs, ...ours, ...targets];
}

const fileHashes = new Map();
function hashFile(path) {
  let h = fileHashes.get(path);
  if (h === undefined) {
    try {
      h = createHash('sha1').update(readFileSync(path)).digest('hex');
    } catch {
      h = 'missing';
    }
    fileHashes.set(path, h);
  }
  return h;
}

/** Files an object depends on, from gcc's .d file (the source itself when none exists yet). */
function dependencies(depFile, source) {
  if (!existsSync(depFile)) return [source];
  const text = readFileSync(depFile, 'utf8').replace(/\\\n/g, ' ');
  const colon = text.indexOf(': ');
  const list = text.slice(colon + 2).split(/\s+/).filter((s) => s && !s.endsWith(':'));
  return list.length > 0 ? list : [source];
}

function objectKey(flags, deps) {
  const h = createHash('sha1').update(flags.join('\0'));
  for (const d of deps) h.update(`\0${d}\0${hashFile(d)}`);
  return h.digest('hex');
}

function run(cc, args) {
  return new Promise((resolvePromise) => {
    const child = spawn(cc, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => resolvePromise({ ok: false, stderr: String(error) }));
    child.on('close', (code) => resolvePromise({ ok: code === 0, stderr }));
  });
}

/** Runs `tasks` (functions returning promises) with at most `jobs` at a time. */
async function pool(tasks, jobs) {
  const results = [];
  let next = 0;
  async function worker() {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, tasks.length)) }, worker));
  return results;
}

/**
 * Builds one goal; resolves to { binary, rebuilt: number of objects compiled, linked }.
 * Rejects with an Error carrying the compiler's message on failure.
 */
export async function buildGoal(goal, { jobs = 2, log = () => {}, force = false } = {}) {
  const spec = GOALS[goal];
  if (!spec) throw new Error(`unknown goal ${goal} (release or debug)`);
  checkCompiler();
  const cc = compilerName();
  const dir = join(buildRoot, goal);
  const objDir = join(dir, 'obj');
  mkdirSync(objDir, { recursive: true });
  const sources = sourceList();
  const objects = [];
  const tasks = [];
  let linkNeeded = force || !existsSync(binaryPath(goal));
  for (const source of sources) {
    const name = basename(source.path, '.c');
    const object = join(objDir, `${name}.o`);
    const depFile = join(objDir, `${name}.d`);
    const keyFile = join(objDir, `${name}.key`);
    const flags = [...spec.optimize, ...COMMON_DEFINES, ...spec.defines, ...INCLUDES, ...(source.ours ? HOST_WARNINGS : XS_WARNINGS)];
    objects.push(object);
    const key = objectKey([cc, ...flags], dependencies(depFile, source.path));
    const upToDate = !force && existsSync(object) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key;
    if (upToDate) continue;
    linkNeeded = true;
    tasks.push(async () => {
      const temp = `${object}.${process.pid}.tmp`;
      const result = await run(cc, ['-c', ...flags, '-MMD', '-MF', depFile, source.path, '-o', temp]);
      if (!result.ok) return { source: source.path, error: result.stderr };
      renameSync(temp, object);
      if (result.stderr.trim()) log(result.stderr.trim());
      // The key covers what this compile actually read (its fresh .d list).
      fileHashes.clear();
      writeFileSync(keyFile, objectKey([cc, ...flags], dependencies(depFile, source.path)));
      return { source: source.path };
    });
  }
  if (tasks.length > 0) log(`xstcp-xs ${goal}: compiling ${tasks.length} of ${sources.length} files (${jobs} at a time)`);
  const results = await pool(tasks, jobs);
  const failed = results.filter((r) => r.error !== undefined);
  if (failed.length > 0) {
    throw new Error(`building the XS host (${goal}) failed:\n${failed.map((f) => `${f.source}:\n${f.error}`).join('\n')}`);
  }
  if (linkNeeded) {
    const temp = `${binaryPath(goal)}.${process.pid}.tmp`;
    const result = await run(cc, [...objects, '-o', temp, ...LIBS]);
    if (!result.ok) throw new Error(`linking the XS host (${goal}) failed:\n${result.stderr}`);
    renameSync(temp, binaryPath(goal));
    log(`xstcp-xs ${goal}: linked ${binaryPath(goal)} (${Math.round(statSync(binaryPath(goal)).size / 1024)} KiB)`);
  } else {
    log(`xstcp-xs ${goal}: up to date`);
  }
  return { binary: binaryPath(goal), rebuilt: tasks.length, linked: linkNeeded };
}

/** Builds both goals (or those named); resolves to the binaries' paths. */
export async function buildXsHost({ goals = ['release', 'debug'], jobs = 2, log = () => {}, force = false } = {}) {
  const out = {};
  for (const goal of goals) out[goal] = (await buildGoal(goal, { jobs, log, force })).binary;
  return out;
}

async function main(argv) {
  let goals = ['release', 'debug'];
  let jobs = Number(process.env.XSTCP_XS_JOBS) || 2;
  let quiet = false;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === 'release' || a === 'debug') goals = [a];
    else if (a === 'all') goals = ['release', 'debug'];
    else if (a === '--quiet') quiet = true;
    else if (a === '--force') force = true;
    else if (a === '--jobs' && i + 1 < argv.length) jobs = Math.max(1, Number(argv[++i]) || 1);
    else {
      process.stderr.write(`usage: node hosts/xs/build.mjs [release|debug|all] [--jobs N] [--quiet] [--force]\n`);
      return 2;
    }
  }
  const started = Date.now();
  try {
    await buildXsHost({ goals, jobs, force, log: quiet ? () => {} : (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    process.stderr.write(`xstcp: ${error.message}\n`);
    return 1;
  }
  if (!quiet) process.stderr.write(`xstcp-xs: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
