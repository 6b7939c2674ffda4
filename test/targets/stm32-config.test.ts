/**
 * The Nucleo-F767ZI configuration block: what targets/stm32/config-block.mjs writes is
 * what the firmware's reader (targets/stm32/config_block.c, compiled for the host) reads
 * back from flash sector 1; erased, damaged and oversized blocks read as "none"; bad
 * board flags and PC-only flags are refused with exit 2; the image's fallback line is a
 * valid board line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const TOOL = join(ROOT, 'targets/stm32/config-block.mjs');
let dir = '';
let reader = '';

function read(block: Uint8Array, bufferSize = 1024): string {
  const file = join(dir, `block-${Math.random().toString(16).slice(2)}.bin`);
  writeFileSync(file, block);
  const r = spawnSync(reader, [file, String(bufferSize)], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

function tool(...args: string[]) {
  return spawnSync(process.execPath, [TOOL, ...args], { encoding: 'utf8' });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), `xstcp-stm32-config-${process.pid}-`));
  reader = join(dir, 'stm32-config-host');
  const cc = spawnSync('gcc', ['-std=gnu11', '-Wall', '-Wextra', '-Werror', `-I${join(ROOT, 'targets/stm32')}`,
    join(ROOT, 'test/targets/stm32-config-host.c'), join(ROOT, 'targets/stm32/config_block.c'), '-o', reader], { encoding: 'utf8' });
  expect(cc.stderr).toBe('');
  expect(cc.status).toBe(0);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('STM32 configuration block', () => {
  const flags = ['--ip', '192.0.2.10/24', '--mac', '02:12:34:56:78:9a', '--app', 'http,echo', '--trace'];

  it('reads back exactly the line the tool wrote', () => {
    const out = join(dir, 'config.bin');
    const r = tool('--out', out, '--', ...flags);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('0x08008000');
    const line = ['xstcp', ...flags].join(' ');
    expect(read(new Uint8Array(readFileSync(out)))).toBe(`${line.length} ${line}`);
  });

  it('puts --heap-kb before the board flags, as the firmware reads its own options first', () => {
    const out = join(dir, 'heap.bin');
    expect(tool('--out', out, '--heap-kb', '256', '--', '--ip', '192.0.2.10/24', '--memory').status).toBe(0);
    const line = 'xstcp --heap-kb 256 -- --ip 192.0.2.10/24 --memory';
    expect(read(new Uint8Array(readFileSync(out)))).toBe(`${line.length} ${line}`);
  });

  it('reads an erased sector, a changed byte, a cut-off block and a bad length as no configuration', () => {
    const out = join(dir, 'small.bin');
    expect(tool('--out', out, '--', '--ip', '192.0.2.10/24').status).toBe(0);
    const good = new Uint8Array(readFileSync(out));
    expect(read(good)).toBe('24 xstcp --ip 192.0.2.10/24');
    expect(read(new Uint8Array(0))).toBe('-1');
    const changed = good.slice();
    changed[changed.length - 1] ^= 1;
    expect(read(changed)).toBe('-1');
    expect(read(good.subarray(0, good.length - 3))).toBe('-1');
    const tooLong = good.slice();
    new DataView(tooLong.buffer).setUint32(4, 40000, true);
    expect(read(tooLong)).toBe('-1');
    expect(read(good, 24)).toBe('-1'); // no room for the NUL
    expect(read(good, 25)).toBe('24 xstcp --ip 192.0.2.10/24');
  });

  it('refuses bad flags, PC-only flags and a missing --out with exit 2', () => {
    const out = join(dir, 'refused.bin');
    const refused = [
      ['--out', out, '--', '--ip', '300.1.1.1/24'],
      ['--out', out, '--', '--tap', 'tap0', '--ip', '192.0.2.1/24'],
      ['--out', out, '--', '--ip', '192.0.2.1/24', '--engine', 'xs'],
      ['--out', out, '--', '--ip', '192.0.2.1/24', '--bogus', '1'],
      ['--', '--ip', '192.0.2.1/24'],
      ['--out', out, '--heap-kb', 'lots', '--', '--ip', '192.0.2.1/24'],
      ['--out', out, '--flash', '--', '--ip', '192.0.2.1/24'],
    ];
    for (const args of refused) {
      const r = tool(...args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr).toContain('usage: node targets/stm32/config-block.mjs');
    }
    expect(existsSync(out)).toBe(false);
  });

  it("has a fallback line in the image that the board's parser accepts", () => {
    const source = readFileSync(join(ROOT, 'targets/stm32/stm32_board.c'), 'utf8');
    const m = /gDefaultConfiguration\[\] = "xstcp ([^"]+)"/.exec(source);
    expect(m).not.toBeNull();
    const r = tool('--out', join(dir, 'fallback.bin'), '--', ...m![1].split(' '));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
