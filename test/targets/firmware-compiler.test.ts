/**
 * xsc-fw, the firmware's JavaScript compiler (targets/firmware/compiler/xsc-fw.c: XS 13.3's
 * parser and code generator built for the PC with the image's XS options): it turns a
 * module into the byte code the image embeds, numbers every name the modules use after
 * XS's built-in keys (the keys file the firmware's fxBuildKeys follows), and refuses bad
 * input with the file, the line and exit code 1, so a broken module stops the firmware
 * build instead of the board.
 * That the board runs the byte code is what the interop suite on the emulated board shows
 * (test/interop/qemu-engine.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** Builds xsc-fw through build.mjs (cached) and returns its path. */
function compilerPath(): string {
  const script = "import('./targets/firmware/build.mjs').then((m) => m.buildCompiler({ jobs: 2, force: false, log: () => {} })).then((p) => process.stdout.write(p))";
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 300000 });
  if (r.status !== 0) throw new Error(`building xsc-fw failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** The code, symbols and hosts tables of an .xsfw file (each a 32-bit little-endian length, then the bytes). */
function tables(file: string): Buffer[] {
  const bytes = readFileSync(file);
  const out: Buffer[] = [];
  let at = 0;
  while (out.length < 3) {
    const size = bytes.readUInt32LE(at);
    out.push(bytes.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  expect(at).toBe(bytes.length);
  return out;
}

describe('xsc-fw (the firmware\'s JavaScript compiler)', () => {
  let tool: string;
  let dir: string;
  beforeAll(() => {
    tool = compilerPath();
    dir = mkdtempSync(join(tmpdir(), 'xstcp-xsc-'));
  }, 300000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The keys file: the first key number the modules add, then their names in order. */
  function keys(file: string): { first: number; names: string[] } {
    const bytes = readFileSync(file);
    const names = bytes.subarray(4).toString('latin1').split('\0');
    expect(names.pop()).toBe(''); // every name ends with a NUL
    return { first: bytes.readUInt32LE(0), names };
  }

  it('numbers the names of all modules once, after XS\'s built-in keys, and leaves no symbol table', () => {
    const a = join(dir, 'a.js');
    const b = join(dir, 'b.js');
    const c = join(dir, 'c.js');
    const k = join(dir, 'keys.bin');
    writeFileSync(a, "import { twice } from './b.js';\nexport const answerOfModuleA = twice(21);\n");
    writeFileSync(b, 'export function twice(valueToDouble) { return valueToDouble * 2; }\n');
    // Only built-in names (Math, max) besides its own export.
    writeFileSync(c, 'export const largestOfModuleC = Math.max(1, 2);\n');
    const r = spawnSync(tool, [k, a, `${a}.xsfw`, b, `${b}.xsfw`, c, `${c}.xsfw`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [codeA, symbolsA, hostsA] = tables(`${a}.xsfw`);
    const [codeB, symbolsB, hostsB] = tables(`${b}.xsfw`);
    expect(codeA.length).toBeGreaterThan(0);
    expect(codeB.length).toBeGreaterThan(0);
    expect(symbolsA.length + symbolsB.length + hostsA.length + hostsB.length).toBe(0);
    const { first, names } = keys(k);
    // XS 13.3 has some hundreds of built-in keys; the modules' own names follow, each once, in first-use order.
    expect(first).toBeGreaterThan(300);
    expect(names.filter((n) => ['twice', 'answerOfModuleA', 'valueToDouble', 'largestOfModuleC'].includes(n)))
      .toEqual(['twice', 'answerOfModuleA', 'valueToDouble', 'largestOfModuleC']);
    expect(names).not.toContain('Math');
    expect(names).not.toContain('max');
    expect(new Set(names).size).toBe(names.length);
    // Not the source: no string of b's body survives (the names are in the keys file, not the code).
    expect(codeB.toString('latin1')).not.toContain('return');
    expect(codeB.toString('latin1')).not.toContain('valueToDouble');
  });

  it('numbers names across the whole run: a module\'s code depends on the names other modules took first', () => {
    const b = join(dir, 'b2.js');
    const other = join(dir, 'other.js');
    writeFileSync(b, 'export function twice(valueToDouble) { return valueToDouble * 2; }\n');
    writeFileSync(other, 'export const unrelatedName = 1;\n');
    const alone = spawnSync(tool, [join(dir, 'k1.bin'), b, `${b}.1.xsfw`], { encoding: 'utf8' });
    const after = spawnSync(tool, [join(dir, 'k2.bin'), other, `${other}.xsfw`, b, `${b}.2.xsfw`], { encoding: 'utf8' });
    expect(alone.status).toBe(0);
    expect(after.status).toBe(0);
    // b's names get higher numbers after other's: its code differs only where it names them.
    expect(tables(`${b}.1.xsfw`)[0].length).toBe(tables(`${b}.2.xsfw`)[0].length);
    expect(tables(`${b}.1.xsfw`)[0]).not.toEqual(tables(`${b}.2.xsfw`)[0]);
    expect(keys(join(dir, 'k2.bin')).names.slice(0, 1)).toEqual(['unrelatedName']);
  });

  it('refuses a syntax error with the file and line, exit code 1, and writes nothing', () => {
    const bad = join(dir, 'bad.js');
    writeFileSync(bad, 'export const ok = 1;\nconst = 2;\nexport const after = 3;\n');
    const r = spawnSync(tool, [join(dir, 'bad-keys.bin'), bad, `${bad}.xsfw`], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: error: `));
    expect(() => readFileSync(`${bad}.xsfw`)).toThrow(/ENOENT/);
    expect(() => readFileSync(join(dir, 'bad-keys.bin'))).toThrow(/ENOENT/);
  });

  it('prints its usage and exits 2 without a keys file and a pair of files', () => {
    const r = spawnSync(tool, [join(dir, 'keys.bin'), join(dir, 'only-one.js')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: xsc-fw KEYS.bin IN.js OUT.xsfw');
  });
});
