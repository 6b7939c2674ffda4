#!/usr/bin/env node
/**
 * Builds a firmware image: XS 13.3 (the sources in @agoric/xsnap), the firmware core
 * (targets/firmware/*.c), the native Ethernet core (targets/common), a target's board
 * files (targets/<target>/target.json names them, its CPU flags and linker script), and
 * the board's JavaScript (dist/, tsc output) as XS byte code: xsc-fw (compiler/xsc-fw.c,
 * XS's own parser and code generator built for the PC with the image's XS options)
 * compiles each module here, so the board parses nothing at boot, and numbers its keys
 * as the board's XS will, so that the byte code runs from flash without a copy in RAM.
 *
 *   node targets/firmware/build.mjs [--target mps2-an500] [--jobs N] [--quiet] [--force]
 *   -> build/fw/<target>/xstcp-fw.elf
 *
 * Cached by content: an object is recompiled only when its flags or the contents of its
 * source or any header it includes (gcc -MMD) changed; the image is relinked only when
 * an object changed. Exits 1 with an install hint when arm-none-eabi-gcc is missing.
 * -Os by default, -O2 for XS's byte-code interpreter (xsRun.c: most of the CPU time of a
 * segment, README "Firmware"); XSTCP_FW_OPT=-O2 builds everything at -O2.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
const xsRoot = join(repoRoot, 'node_modules', '@agoric', 'xsnap', 'moddable', 'xs');
const CC = process.env.ARM_CC || 'arm-none-eabi-gcc';
/** The PC's C compiler, for xsc-fw. */
const HOST_CC = process.env.CC || 'gcc';
/** The board program: what the image runs (tsc output of targets/firmware/ts). */ 
export const ENTRY = 'dist/targets/firmware/ts/board-firmware.js';
/** Bare module names the JavaScript imports, and the files that provide them. */
const BARE_MODULES = { 'xstcp/ethernet': 'targets/common/ethernet.js' };

const XS_DEFINES = ['-DINCLUDE_XSPLATFORM', '-DXSPLATFORM="xstcp_fw_platform.h"', '-DmxParse=1', '-DmxRun=1', '-DmxNoConsole=1', '-DmxBoundsCheck=1'];
const OPTIMIZE = ['-Os', '-ffunction-sections', '-fdata-sections'];
/** Sources built for speed rather than size (later -O2 overrides -Os). */
const SPEED_SOURCES = new Set(['xsRun.c']);

export function imagePath(target = 'mps2-an500') {
  return join(repoRoot, 'build', 'fw', target, 'xstcp-fw.elf');
}

export function checkToolchain() {
  const probe = spawnSync(CC, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`building the firmware needs ${CC}, which cannot be run. ` +
      'Install it (Debian/Ubuntu: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi) or set ARM_CC.');
  }
}

function readTarget(target) {
  const file = join(repoRoot, 'targets', target, 'target.json');
  if (!/^[a-z0-9-]+$/.test(target) || !existsSync(file)) throw new Error(`no firmware target '${target}' (targets/${target}/target.json)`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

// ---- the embedded JavaScript --------------------------------------------------------------

// Static imports and re-exports as tsc writes them: at the start of a line, possibly over several lines.
const IMPORT = /^(?:(?:import|export)\s[^;'"]*?\sfrom\s*|import\s*)['"]([^'"]+)['"]/gm;

/** Every module the entry reaches (relative imports and BARE_MODULES), keyed as the firmware looks them up. */
export function moduleGraph(entry = ENTRY) {
  const modules = new Map();
  const pending = [[`/${entry}`, join(repoRoot, entry)]];
  while (pending.length > 0 && modules.size < 1000) {
    const [key, file] = pending.pop();
    if (modules.has(key)) continue;
    if (!existsSync(file)) throw new Error(`the firmware's JavaScript imports ${key}, which is missing: run npm run build`);
    // Source maps stay on the PC: they would only take flash.
    const source = readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
    modules.set(key, source);
    for (const m of source.matchAll(IMPORT)) {
      const specifier = m[1];
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        pending.push([`/${relative(repoRoot, target)}`, target]);
      } else if (BARE_MODULES[specifier] !== undefined) {
        pending.push([specifier, join(repoRoot, BARE_MODULES[specifier])]);
      } else {
        throw new Error(`${key} imports '${specifier}', which the firmware does not provide`);
      }
    }
  }
  return modules;
}

/** Bytes as a C string literal (octal escapes where needed); the array's size is length + 1. */
function cBytes(bytes) {
  let out = '';
  let line = '"';
  for (const b of bytes) {
    // Escapes are always three octal digits, so a digit after one stays a character; '?' would start trigraphs.
    const plain = b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c && b !== 0x3f;
    line += plain ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
    if (line.length > 100) {
      out += `${line}"\n`;
      line = '"';
    }
  }
  return `${out}${line}"`;
}

/** The module table (each module's byte code, numbered for the flash) and the keys the modules add. */
function modulesSource({ modules, keys }) {
  const names = Object.keys(modules).sort();
  let c = '/* Generated by targets/firmware/build.mjs: the board program\'s modules as XS byte code. */\n#include "fw_core.h"\n\n';
  names.forEach((name, i) => {
    c += `static const uint8_t code${i}[] =\n${cBytes(modules[name])};\n\n`;
  });
  c += 'const fwModule gFwModules[] = {\n';
  names.forEach((name, i) => {
    c += `\t{ ${JSON.stringify(name)}, code${i}, sizeof(code${i}) - 1 },\n`;
  });
  c += `};\nconst uint32_t gFwModuleCount = ${names.length};\nconst char gFwEntry[] = ${JSON.stringify(`/${ENTRY}`)};\n\n`;
  c += `const uint32_t gFwKeyFirst = ${keys.first};\nconst uint32_t gFwKeyCount = ${keys.names.length};\nconst char* const gFwKeys[] = {\n`;
  for (const name of keys.names) c += `\t${cBytes(name)},\n`;
  c += '};\n';
  return c;
}

// ---- compiling and linking ----------------------------------------------------------------

function sha1(...parts) {
  const h = createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

function contentsOf(path) {
  try {
    return readFileSync(path);
  } catch {
    return 'missing';
  }
}

/** The key of an object: its flags and the contents of every file its last compile read. */
function objectKey(flags, depFile, source) {
  let deps = [source];
  if (existsSync(depFile)) {
    const text = readFileSync(depFile, 'utf8').replace(/\\\n/g, ' ');
    deps = text.slice(text.indexOf(': ') + 2).split(/\s+/).filter((s) => s && !s.endsWith(':'));
  }
  return sha1(flags.join('\0'), ...deps.flatMap((d) => [d, contentsOf(d)]));
}

function runCompiler(cc, args) {
  return new Promise((done) => {
    const child = spawn(cc, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => done({ ok: false, stderr: String(e) }));
    child.on('close', (code) => done({ ok: code === 0, stderr }));
  });
}

function sourcesOf(target, spec, generated) {
  const xs = readdirSync(join(xsRoot, 'sources')).filter((f) => f.endsWith('.c') && f !== 'xsSnapshot.c').sort()
    .map((f) => ({ path: join(xsRoot, 'sources', f), ours: false }));
  const core = readdirSync(here).filter((f) => f.endsWith('.c')).sort().map((f) => ({ path: join(here, f), ours: true }));
  const common = ['xstcp_ethernet.c', 'xstcp_frame_queue.c', 'ethernet_xs.c', 'xstcp_bytes.c', 'xstcp_headers.c', 'bytes_xs.c'].map((f) => ({ path: join(repoRoot, 'targets', 'common', f), ours: true }));
  // XS 17's Native/native for XS 13.3, as the XS host provides them (nothing in it is Linux's).
  common.push({ path: join(repoRoot, 'hosts', 'xs', 'src', 'native.c'), ours: true });
  const board = spec.sources.map((f) => ({ path: join(repoRoot, 'targets', target, f), ours: true }));
  return [...xs, ...core, ...common, ...board, { path: generated, ours: true }];
}

/** Compiles `sources` (objects cached by content in objDir); resolves to the object paths or throws. */
async function compileAll(cc, sources, flagsOf, objDir, jobs, force, log, what) {
  const objects = [];
  const tasks = [];
  for (const source of sources) {
    const name = basename(source.path, '.c');
    const object = join(objDir, `${name}.o`);
    const depFile = join(objDir, `${name}.d`);
    const keyFile = join(objDir, `${name}.key`);
    const flags = flagsOf(source);
    objects.push(object);
    if (!force && existsSync(object) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === objectKey(flags, depFile, source.path)) continue;
    tasks.push(async () => {
      const temp = `${object}.${process.pid}.tmp`;
      const result = await runCompiler(cc, ['-c', ...flags, '-MMD', '-MF', depFile, source.path, '-o', temp]);
      if (!result.ok) return `${relative(repoRoot, source.path)}:\n${result.stderr}`;
      renameSync(temp, object);
      if (result.stderr.trim()) log(result.stderr.trim());
      writeFileSync(keyFile, objectKey(flags, depFile, source.path));
      return undefined;
    });
  }
  if (tasks.length > 0) log(`${what}: compiling ${tasks.length} of ${objects.length} files`);
  const errors = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, tasks.length)) }, async () => {
    while (next < tasks.length) {
      const error = await tasks[next++]();
      if (error !== undefined) errors.push(error);
    }
  }));
  if (errors.length > 0) throw new Error(`building ${what} failed:\n${errors.join('\n')}`);
  return { objects, compiled: tasks.length };
}

/** XS's parser and code generator: what xsc-fw needs of the XS sources. */
const COMPILER_XS_SOURCES = ['xsBigInt', 'xsCode', 'xsCommon', 'xsdtoa', 'xsLexical', 'xsre', 'xsScope', 'xsScript', 'xsSourceMap', 'xsSyntaxical', 'xsTree'];

/** Builds xsc-fw for the PC (cached by content in build/fw/host); resolves to its path. */
export async function buildCompiler({ jobs, force, log }) {
  const probe = spawnSync(HOST_CC, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error(`compiling the firmware's JavaScript needs a C compiler for this PC (${HOST_CC}, or set CC)`);
  const dir = join(repoRoot, 'build', 'fw', 'host');
  const objDir = join(dir, 'obj');
  mkdirSync(objDir, { recursive: true });
  const sources = [{ path: join(here, 'compiler', 'xsc-fw.c'), ours: true },
    ...COMPILER_XS_SOURCES.map((f) => ({ path: join(xsRoot, 'sources', `${f}.c`), ours: false }))];
  // The image's XS options (XS_DEFINES): the byte code must be what the board's XS reads.
  const includes = [here, join(xsRoot, 'includes'), join(xsRoot, 'platforms'), join(xsRoot, 'sources')].map((d) => `-I${d}`);
  const flagsOf = (source) => ['-O2', '-ffunction-sections', '-fdata-sections', ...XS_DEFINES, ...includes, ...(source.ours ? ['-Wall'] : ['-w'])];
  const { objects, compiled } = await compileAll(HOST_CC, sources, flagsOf, objDir, jobs, force, log, 'xsc-fw');
  const tool = join(dir, 'xsc-fw');
  if (force || compiled > 0 || !existsSync(tool)) {
    const temp = `${tool}.${process.pid}.tmp`;
    const result = await runCompiler(HOST_CC, ['-Wl,--gc-sections', ...objects, '-o', temp, '-lm']);
    if (!result.ok) throw new Error(`linking xsc-fw failed:\n${result.stderr}`);
    renameSync(temp, tool);
  }
  return tool;
}

/**
 * Every module to byte code with xsc-fw; returns { modules: { [key]: code }, keys: { first,
 * names } }: the code numbered for the flash and the keys the firmware adds, from key `first` on.
 */
function compileModules(tool, modules, dir) {
  const jsDir = join(dir, 'js');
  mkdirSync(jsDir, { recursive: true });
  const keys = [...modules.keys()].sort();
  const pairs = keys.flatMap((key, i) => {
    // Relative paths that name the module: they end up in template-literal tags only.
    const input = join(jsDir, `${i}-${basename(key)}`);
    writeFileSync(input, modules.get(key));
    return [relative(repoRoot, input), relative(repoRoot, `${input}.xsfw`)];
  });
  const keysFile = join(dir, 'keys.bin');
  const r = spawnSync(tool, [relative(repoRoot, keysFile), ...pairs], { cwd: repoRoot, encoding: 'utf8', timeout: 120000 });
  if (r.error || r.status !== 0) throw new Error(`compiling the firmware's JavaScript failed: ${r.stderr || r.error?.message}`);
  const compiled = {};
  const keyBytes = readFileSync(keysFile);
  const names = [];
  for (let at = 4; at < keyBytes.length; ) {
    const end = keyBytes.indexOf(0, at);
    names.push(keyBytes.subarray(at, end));
    at = end + 1;
  }
  keys.forEach((key, i) => {
    const bytes = readFileSync(join(repoRoot, pairs[2 * i + 1]));
    const tables = [];
    for (let at = 0; tables.length < 3; ) {
      const size = bytes.readUInt32LE(at);
      tables.push(bytes.subarray(at + 4, at + 4 + size));
      at += 4 + size;
    }
    // Host tables come from @-declared host functions, which the firmware does not link.
    if (tables[2].length > 0) throw new Error(`${key} declares host functions, which the firmware does not provide`);
    compiled[key] = tables[0];
  });
  return { modules: compiled, keys: { first: keyBytes.readUInt32LE(0), names } };
}

/** Builds the image of `target`; resolves to { image, compiled, linked }. */
export async function buildImage({ target = 'mps2-an500', jobs = 2, force = false, log = () => {} } = {}) {
  checkToolchain();
  const spec = readTarget(target);
  const dir = join(repoRoot, 'build', 'fw', target);
  const objDir = join(dir, 'obj');
  mkdirSync(objDir, { recursive: true });
  const generated = join(dir, 'modules.c');
  const modulesC = modulesSource(compileModules(await buildCompiler({ jobs, force, log }), moduleGraph(), dir));
  if (!existsSync(generated) || readFileSync(generated, 'utf8') !== modulesC) writeFileSync(generated, modulesC);

  const includes = [here, join(repoRoot, 'targets', 'common'), join(repoRoot, 'targets', target), join(xsRoot, 'includes'), join(xsRoot, 'platforms'), join(xsRoot, 'sources')].map((d) => `-I${d}`);
  const base = [...spec.cpu, ...(process.env.XSTCP_FW_OPT ? [process.env.XSTCP_FW_OPT, '-ffunction-sections', '-fdata-sections'] : OPTIMIZE), ...XS_DEFINES, ...(spec.defines ?? []), ...includes];
  const flagsOf = (source) => [...base, ...(SPEED_SOURCES.has(basename(source.path)) ? ['-O2'] : []),
    ...(source.ours ? ['-Wall', '-Wno-unused-function', '-Werror=implicit-function-declaration'] : ['-w'])];
  const { objects, compiled } = await compileAll(CC, sourcesOf(target, spec, generated), flagsOf, objDir, jobs, force, log, `xstcp-fw ${target}`);

  const image = imagePath(target);
  const linked = force || compiled > 0 || !existsSync(image);
  if (linked) {
    const temp = `${image}.${process.pid}.tmp`;
    const result = await runCompiler(CC, [...spec.cpu, '-nostartfiles', '-Wl,--gc-sections', `-T${join(repoRoot, 'targets', target, spec.linkerScript)}`,
      `-Wl,-Map=${join(dir, 'xstcp-fw.map')}`, ...objects, '-o', temp, '-lm']);
    if (!result.ok) throw new Error(`linking the firmware (${target}) failed:\n${result.stderr}`);
    renameSync(temp, image);
    log(`xstcp-fw ${target}: linked ${relative(repoRoot, image)}`);
  }
  return { image, compiled, linked };
}

/** text/data/bss of an image (arm-none-eabi-size), in bytes. */
export function imageSize(image) {
  const r = spawnSync(CC.replace(/gcc$/, 'size'), [image], { encoding: 'utf8' });
  const row = (r.stdout ?? '').trim().split('\n')[1]?.trim().split(/\s+/).slice(0, 3).map(Number);
  if (!row || row.length < 3 || row.some(Number.isNaN)) throw new Error(`arm-none-eabi-size ${image} failed: ${r.stderr}`);
  return { text: row[0], data: row[1], bss: row[2] };
}

async function main(argv) {
  let target = 'mps2-an500';
  let jobs = 2;
  let quiet = false;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--target' && i + 1 < argv.length) target = argv[++i];
    else if (a === '--jobs' && i + 1 < argv.length) jobs = Math.max(1, Number(argv[++i]) || 1);
    else if (a === '--quiet') quiet = true;
    else if (a === '--force') force = true;
    else {
      process.stderr.write('usage: node targets/firmware/build.mjs [--target NAME] [--jobs N] [--quiet] [--force]\n');
      return 2;
    }
  }
  const log = quiet ? () => {} : (line) => process.stderr.write(`${line}\n`);
  try {
    const { image } = await buildImage({ target, jobs, force, log });
    const size = imageSize(image);
    log(`xstcp-fw ${target}: text ${size.text} data ${size.data} bss ${size.bss} bytes`);
  } catch (error) {
    process.stderr.write(`xstcp: ${error.message}\n`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
