/**
 * xsc-fw, the firmware's JavaScript compiler (targets/firmware/compiler/xsc-fw.c: XS 13.3's
 * parser and code generator built for the PC with the image's XS options): it turns a
 * module into the three tables the image embeds (code, symbols, hosts), names every
 * identifier the code uses in the symbol table, and refuses bad input with the file, the
 * line and exit code 1, so a broken module stops the firmware build instead of the board.
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

  it('compiles modules into code and a symbol table that names their identifiers', () => {
    const a = join(dir, 'a.js');
    const b = join(dir, 'b.js');
    writeFileSync(a, "import { twice } from './b.js';\nexport const answerOfModuleA = twice(21);\n");
    writeFileSync(b, 'export function twice(valueToDouble) { return valueToDouble * 2; }\n');
    const r = spawnSync(tool, [a, `${a}.xsfw`, b, `${b}.xsfw`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [codeA, symbolsA, hostsA] = tables(`${a}.xsfw`);
    const [codeB, symbolsB, hostsB] = tables(`${b}.xsfw`);
    expect(codeA.length).toBeGreaterThan(0);
    expect(codeB.length).toBeGreaterThan(0);
    expect(hostsA.length + hostsB.length).toBe(0);
    // The symbol table: a count, then NUL-terminated names.
    const names = (t: Buffer) => t.subarray(2).toString('latin1').split('\0');
    expect(names(symbolsA)).toEqual(expect.arrayContaining(['twice', 'answerOfModuleA']));
    expect(names(symbolsB)).toEqual(expect.arrayContaining(['twice', 'valueToDouble']));
    // Not the source: no string of b's body survives except the names.
    expect(codeB.toString('latin1')).not.toContain('return');
  });

  it('refuses a syntax error with the file and line, exit code 1, and writes nothing', () => {
    const bad = join(dir, 'bad.js');
    writeFileSync(bad, 'export const ok = 1;\nconst = 2;\nexport const after = 3;\n');
    const r = spawnSync(tool, [bad, `${bad}.xsfw`], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: error: `));
    expect(() => readFileSync(`${bad}.xsfw`)).toThrow(/ENOENT/);
  });

  it('prints its usage and exits 2 without a pair of files', () => {
    const r = spawnSync(tool, [join(dir, 'only-one.js')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: xsc-fw IN.js OUT.xsfw');
  });
});
