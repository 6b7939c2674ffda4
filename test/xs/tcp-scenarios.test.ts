/**
 * The TCP scenario tests (test/tcp) on XS and on V8 with the engine-neutral runner of
 * hosts/xs/test-runner: both engines must run the same tests jest runs, under the same
 * names, and pass them all. The runner itself is checked against jest: its matchers give
 * jest's verdicts on a table of cases (jest's own `expect` is the oracle), its `.each`
 * titles and hook order are jest's, failures give exit code 1, and fast-check loads on XS.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Fixtures, prepareXs, REPO_ROOT, runNodeShim, runXs } from './helpers.js';

const RUN_SCRIPT = join(REPO_ROOT, 'hosts', 'xs', 'test-runner', 'run.mjs');
const ENTRY = join(REPO_ROOT, 'dist', 'xs-tests', 'hosts', 'xs', 'test-runner', 'entry.js');
const MODULES = join(REPO_ROOT, 'dist', 'xs-tests', 'modules');

/**
 * test/tcp files not run on XS, with the reason. None: every file compiles without Node
 * types and its bare imports (fast-check) resolve through the runner's module map.
 */
const LEFT_OUT: { file: string; why: string }[] = [];

interface Result {
  file: string;
  fullName: string;
  status: 'passed' | 'failed' | 'skipped' | 'todo';
  errors: string[];
}
interface Report {
  summary: { engine: string; files: number; passed: number; failed: number; skipped: number; todo: number; elapsedMs: number };
  results: Result[];
}

function run(command: string, args: string[], timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const key = (file: string, fullName: string): string => `${basename(file).replace(/\.(js|ts)$/, '')} › ${fullName}`;
const readReport = (path: string): Report => JSON.parse(readFileSync(path, 'utf8')) as Report;

describe('test/tcp on XS and on V8', () => {
  let files: Fixtures;
  let xs: Report;
  let v8: Report;
  let jestNames: string[];

  beforeAll(async () => {
    prepareXs(['release']);
    files = new Fixtures();
    const jestJson = files.path('jest.json');
    // Jest's own run of test/tcp (the reference list of names) alongside ours.
    const [ours, reference] = await Promise.all([
      run(process.execPath, [RUN_SCRIPT, '--json', files.dir], 120000),
      run(process.execPath, [join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--silent', '--json', '--outputFile', jestJson, '--testPathPattern', 'test/tcp/[^/]+\\.test\\.ts$'], 120000),
    ]);
    if (ours.status !== 0) throw new Error(`run.mjs exited ${ours.status}\n${ours.stdout}${ours.stderr}`);
    if (reference.status !== 0) throw new Error(`jest test/tcp exited ${reference.status}\n${reference.stderr.slice(-4000)}`);
    xs = readReport(files.path('xs.json'));
    v8 = readReport(files.path('v8.json'));
    const jest = JSON.parse(readFileSync(jestJson, 'utf8')) as { testResults: { name: string; assertionResults: { fullName: string }[] }[] };
    const left = new Set(LEFT_OUT.map((l) => l.file));
    jestNames = jest.testResults
      .filter((s) => /\/test\/tcp\/[^/]+\.test\.ts$/.test(s.name) && !left.has(basename(s.name)))
      .flatMap((s) => s.assertionResults.map((a) => key(s.name, a.fullName)));
  }, 300000);
  afterAll(() => files?.remove());

  it('runs every test jest runs in test/tcp, under the same names, on both engines', () => {
    const sorted = (r: Report) => r.results.map((t) => key(t.file, t.fullName)).sort();
    expect(jestNames.length).toBeGreaterThan(100);
    expect(sorted(xs)).toEqual([...jestNames].sort());
    expect(sorted(v8)).toEqual([...jestNames].sort());
    expect(xs.summary.engine).toBe('xs');
    expect(v8.summary.engine).toBe('v8');
  });

  it('all of them pass on XS and on V8', () => {
    const failures = (r: Report) => r.results.filter((t) => t.status !== 'passed').map((t) => `${key(t.file, t.fullName)}: ${t.status} ${t.errors.join('\n')}`);
    expect({ xs: failures(xs), v8: failures(v8) }).toEqual({ xs: [], v8: [] });
    expect(xs.summary.passed).toBe(jestNames.length);
    expect(v8.summary.passed).toBe(jestNames.length);
  });
});

/** Matcher cases; each body either passes or throws, and jest's own `expect` says which. */
const MATCHER_CASES: string[] = [
  'expect({ a: 1, b: undefined }).toEqual({ a: 1 })',
  'expect({ a: 1 }).toStrictEqual({ a: 1, b: undefined })',
  'expect({ a: 1, b: undefined }).toStrictEqual({ a: 1, b: undefined })',
  'expect([1, 2]).toEqual(new Uint8Array([1, 2]))',
  'expect(new Uint8Array([1, 2])).toEqual(new Uint8Array([1, 2]))',
  'expect(new Uint8Array([1, 2])).toEqual(new Uint8Array([1, 3]))',
  'expect(new Uint8Array([1, 2])).toEqual(new Uint16Array([1, 2]))',
  'expect(new Uint8Array([9, 2, 3]).subarray(1)).toEqual(new Uint8Array([2, 3]))',
  'expect(NaN).toBe(NaN)',
  'expect(0).toBe(-0)',
  'expect({ n: 0 }).toEqual({ n: -0 })',
  'expect([[1, "a"], [2, "b"]]).toEqual([[1, "a"], [2, "b"]])',
  'expect([1, [2, [3]]]).toEqual([1, [2, [4]]])',
  'expect([1, 2]).toEqual([1, 2, undefined])',
  'expect([1, 2]).toStrictEqual([1, 2, undefined])',
  'expect([undefined, 1]).toEqual([null, 1])',
  'expect([{ a: 1, b: undefined }]).toEqual([{ a: 1 }])',
  'expect(new Map([[1, { a: 1 }]])).toEqual(new Map([[1, { a: 1 }]]))',
  'expect(new Map([[1, { a: 1 }]])).toEqual(new Map([[1, { a: 2 }]]))',
  'expect(new Set([1, 2])).toEqual(new Set([2, 1]))',
  'expect(new Set([{ a: 1 }])).toEqual(new Set([{ a: 2 }]))',
  'expect({ a: 1, b: { c: 2, d: 3 } }).toMatchObject({ b: { c: 2 } })',
  'expect({ a: 1 }).toMatchObject({ a: 1, b: undefined })',
  'expect({ list: [1, 2, 3] }).toMatchObject({ list: [1, 2] })',
  'expect({ list: [{ x: 1, y: 2 }] }).toMatchObject({ list: [{ x: 1 }] })',
  'expect([1, 2, 3]).toContain(2)',
  'expect([{ a: 1 }]).toContain({ a: 1 })',
  'expect("hello").toContain("ell")',
  'expect(new Uint8Array([4, 5])).toContain(5)',
  'expect([{ a: 1 }]).toContainEqual({ a: 1 })',
  'expect([1, 2, 3]).toHaveLength(3)',
  'expect("ab").toHaveLength(3)',
  'expect(2).toBeGreaterThan(1)',
  'expect(1).toBeGreaterThan(1)',
  'expect(1).toBeGreaterThanOrEqual(1)',
  'expect(2).toBeLessThanOrEqual(1)',
  'expect(1).toBeLessThan(2)',
  'expect(2n).toBeGreaterThan(1n)',
  'expect(undefined).toBeUndefined()',
  'expect(null).toBeUndefined()',
  'expect(0).toBeDefined()',
  'expect(null).toBeNull()',
  'expect("").toBeFalsy()',
  'expect(() => { throw new Error("boom here"); }).toThrow("boom")',
  'expect(() => { throw new Error("boom here"); }).toThrow(/^boom/)',
  'expect(() => { throw new Error("boom"); }).toThrow(TypeError)',
  'expect(() => { throw new TypeError("t"); }).toThrow(TypeError)',
  'expect(() => { throw new Error("a"); }).toThrow(new Error("a"))',
  'expect(() => 1).toThrow()',
  'expect(() => 1).not.toThrow()',
  'expect(() => { throw new RangeError("x"); }).not.toThrow()',
  'expect({ a: 1 }).not.toEqual({ a: 2 })',
  'expect([1]).not.toEqual([1])',
  'expect(3).not.toBe(3)',
  'expect({ n: 5, s: "x" }).toEqual({ n: expect.any(Number), s: expect.anything() })',
  'expect({ n: null }).toEqual({ n: expect.anything() })',
  'expect({ a: [1, 2, 3] }).toEqual(expect.objectContaining({ a: expect.arrayContaining([3, 1]) }))',
  'expect(0.1 + 0.2).toBeCloseTo(0.3)',
  'expect(0.1).toBeCloseTo(0.2)',
  'expect("abc").toMatch(/b/)',
  'expect("abc").toMatch("x")',
  'expect({ a: { b: [0, 7] } }).toHaveProperty("a.b[1]", 7)',
  'expect({ a: { b: [0, 7] } }).toHaveProperty("a.c")',
  'expect(new Date(5)).toEqual(new Date(5))',
  'expect(/a/g).toEqual(/a/i)',
  'expect(Object.create(null)).toEqual({})',
  'class A { constructor() { this.x = 1; } } expect(new A()).toEqual({ x: 1 })',
  'class A { constructor() { this.x = 1; } } expect(new A()).toStrictEqual({ x: 1 })',
  'expect([, 1]).toEqual([undefined, 1])',
  'expect([, 1]).toStrictEqual([undefined, 1])',
  'expect({ [Symbol.for("k")]: 1 }).toEqual({ [Symbol.for("k")]: 2 })',
  'const a = {}; a.self = a; const b = {}; b.self = b; expect(a).toEqual(b)',
  'expect(new Error("m")).toEqual(new Error("m"))',
  'expect([]).toBeInstanceOf(Array)',
  'return expect(Promise.resolve(3)).resolves.toBe(3)',
  'return expect(Promise.reject(new Error("no"))).rejects.toThrow("no")',
  'return expect(Promise.resolve(3)).rejects.toBe(3)',
];

/** A test module for the runner: the matcher cases, `.each` titles, hooks, skip/todo. */
function runnerFixture(): string {
  const cases = MATCHER_CASES.map((body, i) => `  test('case ${i}', () => { ${body}; });`).join('\n');
  return `
describe('matchers', () => {
${cases}
});
describe('titles', () => {
  test.each([[1, 'a'], [2, 'b']])('row %# : %d and %s', () => {});
  test.each([5000, 0xfffff000])('iss %d', () => {});
  test.each\`
    a    | b
    \${1} | \${'x'}
    \${2} | \${'y'}
  \`('$a with $b', ({ a, b }) => { expect(typeof a).toBe('number'); expect(typeof b).toBe('string'); });
  test.each([{ n: 3 }])('object $n', ({ n }) => { expect(n).toBe(3); });
  test.each([['str', { a: 1 }]])('%p and %j', () => {});
  test.each([['x']])('100%% of %s', () => {});
  it.each([[2, 3, 5]])('%i + %i = %i', (x, y, sum) => { expect(x + y).toBe(sum); });
});
const log = [];
describe('hooks', () => {
  beforeAll(() => log.push('ba'));
  beforeEach(() => log.push('be'));
  afterEach(() => log.push('ae'));
  describe('inner', () => {
    beforeEach(() => log.push('ibe'));
    afterEach(() => log.push('iae'));
    test('first', () => { log.push('t1'); });
  });
  test('second', async () => { await null; log.push('t2'); });
  afterAll(() => log.push('aa'));
});
test('hooks ran in jest order', () => { expect(log).toEqual(['ba', 'be', 'ibe', 't1', 'iae', 'ae', 'be', 't2', 'ae', 'aa']); });
test.skip('skipped', () => { throw new Error('must not run'); });
test.todo('to do');
`;
}

const FAST_CHECK_FIXTURE = `
import fc from 'fast-check';
test('fast-check finds and shrinks a counterexample', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 32 }), (a) => Uint8Array.from(a).length === a.length), { numRuns: 100, seed: 42 });
  expect(() => fc.assert(fc.property(fc.integer(), (n) => n < 1000), { numRuns: 300, seed: 7 })).toThrow('Counterexample: [1000]');
});
`;

/** What jest's own expect says about a case: true when it passes. */
async function jestVerdict(body: string): Promise<boolean> {
  try {
    await (new Function('expect', body) as (e: typeof expect) => unknown)(expect);
    return true;
  } catch {
    return false;
  }
}

describe('the runner agrees with jest', () => {
  let files: Fixtures;
  let fixture: string;
  const reports: Partial<Record<'xs' | 'v8', { status: number | null; report: Report }>> = {};

  beforeAll(() => {
    prepareXs(['release']);
    files = new Fixtures();
    fixture = files.write('runner.test.js', runnerFixture());
    // The first describe's run.mjs compiled the runner and wrote the module map; when this
    // block runs alone (-t), let run.mjs do that here.
    if (!existsSync(ENTRY) || !existsSync(join(MODULES, 'fast-check.js'))) {
      const c = spawnSync(process.execPath, [RUN_SCRIPT, '--engine', 'v8', 'active-window'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180000 });
      if (c.status !== 0) throw new Error(`run.mjs failed: ${c.stdout}${c.stderr}`);
    }
    for (const engine of ['xs', 'v8'] as const) {
      const json = files.path(`${engine}.json`);
      const r = engine === 'xs' ? runXs(ENTRY, ['--quiet', '--json', json, fixture], { hostOptions: ['--modules', MODULES] }) : runNodeShim(ENTRY, ['--quiet', '--json', json, fixture]);
      reports[engine] = { status: r.status, report: readReport(json) };
    }
  }, 300000);
  afterAll(() => files?.remove());

  it.each(['xs', 'v8'] as const)('%s: every matcher case gives jest\'s verdict', async (engine) => {
    const results = reports[engine]!.report.results;
    const got: string[] = [];
    const want: string[] = [];
    for (let i = 0; i < MATCHER_CASES.length; i++) {
      const r = results.find((t) => t.fullName === `matchers case ${i}`);
      got.push(`${MATCHER_CASES[i]} => ${r?.status}`);
      want.push(`${MATCHER_CASES[i]} => ${(await jestVerdict(MATCHER_CASES[i])) ? 'passed' : 'failed'}`);
    }
    expect(got).toEqual(want);
    // The table holds both outcomes, so a runner that always passes (or fails) is caught.
    expect(want.filter((w) => w.endsWith('failed')).length).toBeGreaterThan(10);
    expect(want.filter((w) => w.endsWith('passed')).length).toBeGreaterThan(10);
  });

  it.each(['xs', 'v8'] as const)('%s: .each titles, hooks, skip and todo as in jest; exit code 1 on failures', (engine) => {
    const { status, report } = reports[engine]!;
    const others = report.results.filter((t) => !t.fullName.startsWith('matchers ')).map((t) => [t.fullName, t.status]);
    expect(others).toEqual([
      ['titles row 0 : 1 and a', 'passed'],
      ['titles row 1 : 2 and b', 'passed'],
      ['titles iss 5000', 'passed'],
      ['titles iss 4294963200', 'passed'],
      ['titles 1 with x', 'passed'],
      ['titles 2 with y', 'passed'],
      ['titles object 3', 'passed'],
      ['titles "str" and {"a":1}', 'passed'],
      ['titles 100% of x', 'passed'],
      ['titles 2 + 3 = 5', 'passed'],
      ['hooks inner first', 'passed'],
      ['hooks second', 'passed'],
      ['hooks ran in jest order', 'passed'],
      ['skipped', 'skipped'],
      ['to do', 'todo'],
    ]);
    expect(report.summary.failed).toBeGreaterThan(0);
    expect(status).toBe(1);
  });

  it('fast-check resolves and runs on XS through the module map', () => {
    const test = files.write('fc.test.js', FAST_CHECK_FIXTURE);
    const json = files.path('fc.json');
    const r = runXs(ENTRY, ['--json', json, test], { hostOptions: ['--modules', MODULES] });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readReport(json).results.map((t) => [t.fullName, t.status])).toEqual([['fast-check finds and shrinks a counterexample', 'passed']]);
  });

  it('rejects relative paths without --root and empty runs (exit code 2)', () => {
    expect(runXs(ENTRY, ['relative.test.js']).status).toBe(2);
    expect(runXs(ENTRY, []).status).toBe(2);
    expect(runNodeShim(ENTRY, ['--bogus', fixture]).status).toBe(2);
  });
});
