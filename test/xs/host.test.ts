/**
 * The XS host program: module loading, the Moddable-style timer module, the event loop
 * (sleeps, exits when idle, reports uncaught exceptions), the native checksum and copy
 * against the stack's JavaScript, the random source and the memory figures.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DIST_XS, distModule, runXs, useXsFixtures, xsBinary } from './helpers.js';

const files = useXsFixtures();

describe('modules', () => {
  it('imports relative, parent-relative and bare specifiers and passes the arguments', () => {
    files.write('lib/value.js', 'export const value = 41;\n');
    files.write('lib/deep/more.js', "import { value } from '../value.js';\nexport const more = value + 1;\n");
    const entry = files.write(
      'main.js',
      "import { more } from './lib/deep/more.js';\nimport Timer from 'timer';\nimport Time from 'time';\n" +
        "print('more', more, typeof Timer.set, typeof Time.ticks, xsHost.args.join('|'), xsHost.engine);\n",
    );
    const result = runXs(entry, ['a b', '--x']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('more 42 function number a b|--x xs\n');
    expect(result.status).toBe(0);
  });

  it('fails with exit code 1 and the module named when an import is missing', () => {
    const entry = files.write('missing.js', "import { x } from './nowhere.js';\nprint(x);\n");
    const result = runXs(entry);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('nowhere.js');
  });

  it('reports a syntax error with the file and line', () => {
    const entry = files.write('bad.js', 'const a = 1;\nconst = 2;\n');
    const result = runXs(entry);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/bad\.js:2: error/);
  });

  it('exits with the usage and code 2 without an entry', () => {
    const result = spawnSync(xsBinary('release'), [], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: xstcp-xs');
  });

  it('runs top-level await and promise jobs before exiting', () => {
    const entry = files.write('tla.js', "await Promise.resolve();\nPromise.resolve(7).then((v) => print('then', v));\nprint('after await');\n");
    const result = runXs(entry);
    expect(result.stdout).toBe('after await\nthen 7\n');
    expect(result.status).toBe(0);
  });
});

describe('timer module and event loop', () => {
  it('fires timers in deadline order, repeats, reschedules and clears', () => {
    const entry = files.write(
      'timers.js',
      `import Timer from 'timer';
const t0 = xsHost.now();
const log = [];
const at = () => Math.round((xsHost.now() - t0) / 10) * 10;
Timer.set(() => log.push('b60'), 60);
Timer.set(() => log.push('a20'), 20);
Timer.set(() => log.push('immediate'));
const cleared = Timer.set(() => log.push('never'), 30);
Timer.clear(cleared);
Timer.clear(undefined);
let n = 0;
Timer.repeat((t) => { log.push('r' + ++n); if (n === 3) Timer.clear(t); }, 25);
const moved = Timer.set(() => log.push('moved'), 10);
Timer.schedule(moved, 90);
const once = Timer.set((t) => { log.push('once'); if (log.filter((x) => x === 'once').length < 2) Timer.schedule(t, 5); }, 100);
Timer.set(() => print(log.join(',')), 200);
`,
    );
    const result = runXs(entry);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('immediate,a20,r1,r2,b60,r3,moved,once,once\n');
    expect(result.status).toBe(0);
  });

  it('sleeps instead of spinning while a timer is pending, then exits when nothing is left', () => {
    // bash's `times` prints the children's user and system CPU time on its second line.
    const cpuOfWait = (ms: number): number => {
      const entry = files.write(`sleep${ms}.js`, `import Timer from 'timer';\nconst t0 = xsHost.now();\nTimer.set(() => print(Math.round(xsHost.now() - t0) >= ${ms}), ${ms});\n`);
      const result = spawnSync('bash', ['-c', `"${xsBinary('release')}" "${entry}"; times`], { encoding: 'utf8', timeout: 20000 });
      const lines = result.stdout.trim().split('\n');
      expect(lines[0]).toBe('true');
      const [user, system] = lines[2].split(/\s+/).map((t) => {
        const m = /^(\d+)m([\d.]+)s$/.exec(t)!;
        return Number(m[1]) * 60 + Number(m[2]);
      });
      return user + system;
    };
    // The difference cancels start-up, whose CPU time a loaded machine inflates (a fixed
    // bound failed there); spinning through the extra 1.4 s would take well over 0.5 s of it.
    const short = cpuOfWait(100);
    const long = cpuOfWait(1500);
    expect(long - short).toBeLessThan(0.5);
  });

  it('ends with exit code 1 and the message when a timer callback throws', () => {
    const entry = files.write('throws.js', "import Timer from 'timer';\nTimer.set(() => { throw new Error('boom in timer'); }, 5);\nTimer.set(() => print('not reached'), 50);\n");
    const result = runXs(entry);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('boom in timer');
    expect(result.stdout).toBe('');
  });

  it('xsHost.exit ends the loop with the code although timers are pending', () => {
    const entry = files.write('exit.js', "import Timer from 'timer';\nTimer.repeat(() => {}, 10);\nTimer.set(() => xsHost.exit(3), 30);\n");
    const result = runXs(entry, [], { timeoutMs: 10000 });
    expect(result.status).toBe(3);
  });
});

describe('native helpers', () => {
  it('checksum gives what the stack computes in JavaScript, for random buffers, ranges and initial sums', () => {
    const checksum = distModule('src/net/wire/checksum.js');
    const entry = files.write(
      'checksum.js',
      `import { softwareOnesComplementSum } from ${JSON.stringify(checksum)};
let x = 0x12345678;
const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x >>> 0; };
let mismatches = 0, runs = 0, zeros = 0;
for (let i = 0; i < 3000; i++) {
  const n = next() % 1600;
  const buf = new Uint8Array(n);
  const fill = next() % 4;
  for (let j = 0; j < n; j++) buf[j] = fill === 0 ? 0 : fill === 1 ? 0xff : next() & 0xff;
  const start = n === 0 ? 0 : next() % (n + 1);
  const end = start + (n === 0 ? 0 : next() % (n - start + 2));
  const initial = [0, 0xffff, next() & 0xffff, next() % 0x3ffff][next() % 4];
  const a = xsHost.checksum(buf, start, end, initial);
  const b = softwareOnesComplementSum(buf, start, end, initial);
  if (a === 0) zeros++;
  if (a !== b) mismatches++;
  runs++;
}
// A view into a larger buffer: offsets count from the view.
const big = new Uint8Array([9, 9, 0x45, 0x00, 0x00, 0x1c]);
print(runs, mismatches, zeros > 0, xsHost.checksum(big.subarray(2), 0, 4, 0).toString(16));
`,
    );
    const result = runXs(entry);
    expect(result.stderr).toBe('');
    // 0x4500 + 0x001c = 0x451c, by hand.
    expect(result.stdout).toBe('3000 0 true 451c\n');
  });

  it('copy moves bytes like TypedArray.set, clamped to both buffers', () => {
    const entry = files.write(
      'copy.js',
      `const dst = new Uint8Array(6);
const src = new Uint8Array([1, 2, 3, 4, 5]);
const a = xsHost.copy(dst, 1, src, 1, 4);
const b = xsHost.copy(dst, 4, src, 0, 5);
const c = xsHost.copy(dst, 9, src, 0, 5);
const d = xsHost.copy(dst, 0, src, 3, 2);
const view = dst.subarray(2);
const e = xsHost.copy(view, 0, src, 4, 5);
print(a, b, c, d, e, dst.join(','));
`,
    );
    const result = runXs(entry);
    expect(result.stdout).toBe('3 2 0 0 1 0,2,5,4,1,2\n');
  });

  it('the shared byte natives (targets/common/bytes_xs.c) give what the JavaScript fallbacks give', () => {
    const bytes = distModule('src/net/wire/bytes.js');
    const checksum = distModule('src/net/wire/checksum.js');
    const natives = distModule('src/net/wire/natives.js');
    const entry = files.write(
      'byte-natives.js',
      `import { softwareCopyBytes } from ${JSON.stringify(bytes)};
import { copyAndSum, softwareOnesComplementSum } from ${JSON.stringify(checksum)};
import { installByteNatives, removeByteNatives } from ${JSON.stringify(natives)};
const nativeCopy = native('xs_xstcp_copy'), nativeSum = native('xs_xstcp_checksum'), nativeCopySum = native('xs_xstcp_copy_checksum');
let x = 0x2468ace1;
const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x >>> 0; };
let mismatches = 0;
for (let i = 0; i < 2000; i++) {
  const src = new Uint8Array(next() % 1600);
  for (let j = 0; j < src.length; j++) src[j] = next() & 0xff;
  const n = next() % 1700;
  const a = new Uint8Array(n), b = new Uint8Array(n), c = new Uint8Array(n), d = new Uint8Array(n);
  const at = next() % (n + 3) - 1, start = next() % (src.length + 3) - 1, end = next() % (src.length + 3) - 1;
  const initial = [0, 0xffff, next() & 0xffff, next() % 0x3ffff][next() % 4];
  if (nativeCopy(a, at, src, start, end) !== softwareCopyBytes(b, at, src, start, end) || a.join() !== b.join()) mismatches++;
  if (nativeSum(src, start, end, initial) !== softwareOnesComplementSum(src, start, end, initial)) mismatches++;
  removeByteNatives();
  const js = copyAndSum(c, at, src, start, end, initial);
  if (nativeCopySum(d, at, src, start, end, initial) !== js || c.join() !== d.join()) mismatches++;
}
// Overlapping copies within one buffer behave like TypedArray#set (a memmove).
const o = new Uint8Array([1, 2, 3, 4, 5, 6]);
nativeCopy(o, 2, o, 0, 4);
print(mismatches, o.join(), installByteNatives(native));
`,
    );
    const result = runXs(entry);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('0 1,2,1,2,3,4 6\n');
  });

  it('randomU32 gives unsigned 32-bit integers that differ', () => {
    const entry = files.write('random.js', "const v = [];\nfor (let i = 0; i < 64; i++) v.push(xsHost.randomU32());\nprint(v.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff), new Set(v).size > 60, v.some((x) => x > 0x7fffffff));\n");
    expect(runXs(entry).stdout).toBe('true true true\n');
  });

  it('now() is monotonic milliseconds', () => {
    const entry = files.write('now.js', "const a = xsHost.now();\nlet b = a;\nfor (let i = 0; i < 100000; i++) b = xsHost.now();\nprint(b >= a, typeof a);\n");
    expect(runXs(entry).stdout).toBe('true number\n');
  });
});

describe('memory figures', () => {
  it('--memory prints chunks and slots in use and at peak when the host exits', () => {
    const entry = files.write('mem.js', "const m = xsHost.memory();\nprint(m.chunks > 0, m.slots > 0, m.chunksPeak >= m.chunks, m.slotsPeak >= m.slots, m.slotSize, xsHost.memoryFlag);\n");
    const result = runXs(entry, [], { hostOptions: ['--memory'] });
    expect(result.stdout).toMatch(/^true true true true (16|32) true\n$/);
    expect(result.stderr).toMatch(/^xstcp-xs memory \(at exit\): chunks \d+ bytes \(peak \d+\), slots \d+ x (16|32) bytes \(peak \d+\)/);
  });

  it('counts what a program holds: 1000 objects raise the slot count by at least 1000', () => {
    const entry = files.write(
      'grow.js',
      "xsHost.gc();\nconst before = xsHost.memory();\nconst keep = [];\nfor (let i = 0; i < 1000; i++) keep.push({ i });\nxsHost.gc();\nconst after = xsHost.memory();\nprint(after.slots - before.slots >= 1000, keep.length);\n",
    );
    expect(runXs(entry).stdout).toBe('true 1000\n');
  });

  it('the memory bench reports bytes per pool socket, listening socket and established connection', () => {
    const result = runXs(join(DIST_XS, 'memory-bench.js'), ['--sockets', '8']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const figures = JSON.parse(result.stdout);
    expect(figures).toMatchObject({ engine: 'xs', sockets: 8 });
    // A pool socket is a control block with several fields and buffers: well above 100 bytes.
    expect(figures.bytesPerPoolSocket).toBeGreaterThan(100);
    for (const key of ['bytesPerListeningSocket', 'bytesPerEstablishedConnection', 'bytesPerEstablishedConnectionBothEnds']) {
      expect(Number.isInteger(figures[key])).toBe(true);
      expect(figures[key]).toBeGreaterThanOrEqual(0);
    }
    expect(figures.bytesPerEstablishedConnectionBothEnds).toBeGreaterThanOrEqual(figures.bytesPerEstablishedConnection);
    expect(runXs(join(DIST_XS, 'memory-bench.js'), ['--sockets', '0']).status).toBe(2);
  });
});
