#!/usr/bin/env node
/**
 * Compiles the TCP scenario tests (test/tcp) with the jest-compatible runner for XS and
 * runs them on the XS host, on Node, or on both:
 *
 *   node hosts/xs/test-runner/run.mjs [--engine xs|v8|both] [--no-build] [--json DIR] [FILTER...]
 *
 * FILTER keeps the test files whose name contains it. Node-side helper (not engine-neutral);
 * test/xs/tcp-scenarios.test.ts uses its exports.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const OUT_DIR = join(REPO_ROOT, 'dist', 'xs-tests');
export const ENTRY = join(OUT_DIR, 'hosts', 'xs', 'test-runner', 'entry.js');
export const TESTS_DIR = join(OUT_DIR, 'test', 'tcp');
/** Bare modules for the XS host (--modules): fast-check and the pure-rand parts it imports. */
export const MODULES_DIR = join(OUT_DIR, 'modules');
export const XS_BINARY = join(REPO_ROOT, 'build', 'xs', 'release', 'xstcp-xs');
export const NODE_SHIM = join(REPO_ROOT, 'hosts', 'xs', 'node-shim.mjs');

/** tsc -p hosts/xs/test-runner/tsconfig.json; returns tsc's status and output. */
export function compileTests() {
  rmSync(OUT_DIR, { recursive: true, force: true });
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join('hosts', 'xs', 'test-runner', 'tsconfig.json')], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

/** A module that re-exports an ESM file by absolute path (XS resolves "/..." as is). */
function reexport(target, withDefault) {
  const spec = JSON.stringify(target);
  return `export * from ${spec};\n${withDefault ? `export { default } from ${spec};\n` : ''}`;
}

/**
 * Writes MODULES_DIR so bare imports resolve on XS like Node's "import" conditions:
 * fast-check -> its ESM build (after xs-timers.js); pure-rand/<subpath> -> pure-rand's ESM
 * files; timer, time -> hosts/xs/modules.
 */
export function writeModuleMap() {
  mkdirSync(MODULES_DIR, { recursive: true });
  const nm = join(REPO_ROOT, 'node_modules');
  // The host's own bare modules stay reachable ("timer", "time").
  const hostModules = join(REPO_ROOT, 'hosts', 'xs', 'modules');
  for (const f of readdirSync(hostModules).filter((f) => f.endsWith('.js'))) {
    writeFileSync(join(MODULES_DIR, f), reexport(join(hostModules, f), /export default/.test(readFileSync(join(hostModules, f), 'utf8'))));
  }
  // fast-check captures setTimeout when evaluated: install the XS one first.
  const timers = JSON.stringify(join(REPO_ROOT, 'hosts', 'xs', 'test-runner', 'xs-timers.js'));
  writeFileSync(join(MODULES_DIR, 'fast-check.js'), `import ${timers};\n${reexport(join(nm, 'fast-check', 'lib', 'fast-check.js'), true)}`);
  const pureRand = JSON.parse(readFileSync(join(nm, 'pure-rand', 'package.json'), 'utf8'));
  for (const [subpath, conditions] of Object.entries(pureRand.exports ?? {})) {
    const target = typeof conditions === 'object' && conditions !== null ? conditions.import : undefined;
    if (typeof target !== 'string' || !target.endsWith('.js') || subpath === '.') continue;
    const file = join(MODULES_DIR, 'pure-rand', `${subpath.replace(/^\.\//, '')}.js`);
    mkdirSync(dirname(file), { recursive: true });
    const source = readFileSync(join(nm, 'pure-rand', target), 'utf8');
    writeFileSync(file, reexport(join(nm, 'pure-rand', target), /export\s*\{[^}]*\bas default\b|export default/.test(source)));
  }
}

/** The compiled test files (absolute paths), optionally those whose name contains a filter. */
export function testFiles(filters = []) {
  if (!existsSync(TESTS_DIR)) return [];
  return readdirSync(TESTS_DIR)
    .filter((f) => f.endsWith('.test.js') && (filters.length === 0 || filters.some((x) => f.includes(x))))
    .sort()
    .map((f) => join(TESTS_DIR, f));
}

/** Runs the runner on one engine; `json` receives every result. */
export function runTests(engine, files, json, { timeoutMs = 120000, entry = ENTRY } = {}) {
  const args = [entry, '--quiet', '--json', json, ...files];
  const started = performance.now();
  const r = engine === 'xs'
    ? spawnSync(XS_BINARY, ['--modules', MODULES_DIR, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs })
    : spawnSync(process.execPath, [NODE_SHIM, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: timeoutMs });
  const wallMs = performance.now() - started;
  const report = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : undefined;
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}`, wallMs, report };
}

async function main(argv) {
  let engines = ['xs', 'v8'];
  let build = true;
  let jsonDir = join(OUT_DIR, 'results');
  const filters = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--engine') {
      const e = argv[++i];
      engines = e === 'both' ? ['xs', 'v8'] : [e];
    } else if (a === '--no-build') build = false;
    else if (a === '--json') jsonDir = resolve(argv[++i]);
    else filters.push(a);
  }
  if (build) {
    const c = compileTests();
    if (c.status !== 0) {
      process.stderr.write(c.output);
      return 1;
    }
    if (!existsSync(XS_BINARY) && engines.includes('xs')) {
      const b = spawnSync(process.execPath, [join(REPO_ROOT, 'hosts', 'xs', 'build.mjs'), 'release', '--quiet'], { cwd: REPO_ROOT, stdio: 'inherit' });
      if (b.status !== 0) return 1;
    }
  }
  writeModuleMap();
  mkdirSync(jsonDir, { recursive: true });
  const files = testFiles(filters);
  if (files.length === 0) {
    process.stderr.write(`no compiled test files${filters.length > 0 ? ` match ${filters.join(', ')}` : ''} in ${TESTS_DIR}\n`);
    return 1;
  }
  let code = 0;
  for (const engine of engines) {
    const r = runTests(engine, files, join(jsonDir, `${engine}.json`));
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.stdout.write(`${engine}: exit ${r.status}, ${Math.round(r.wallMs)} ms wall (process start-up included)\n`);
    if (r.status !== 0) code = 1;
  }
  return code;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
