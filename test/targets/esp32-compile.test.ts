/**
 * The ESP32 driver (targets/esp32/ethernet_esp32.c) cannot be built here (no ESP-IDF, no
 * Xtensa toolchain): it is compiled with the host gcc against targets/esp32/check/, the
 * declarations of exactly the ESP-IDF v5 and Moddable names it uses, with warnings as
 * errors, for the default board settings and for the other clock/power choices. The
 * check headers must declare nothing the driver does not use.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const DRIVER = join(ROOT, 'targets', 'esp32', 'ethernet_esp32.c');
const CHECK = join(ROOT, 'targets', 'esp32', 'check');

function compile(defines: string[], check = CHECK): { status: number | null; stderr: string } {
  const result = spawnSync(
    process.env.CC || 'gcc',
    ['-fsyntax-only', '-std=gnu11', '-Wall', '-Wextra', '-Werror', ...defines, `-I${join(ROOT, 'targets', 'common')}`, `-I${check}`, DRIVER],
    // LC_ALL=C: plain ASCII quotes in gcc's messages.
    { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
  );
  if (result.error) throw result.error;
  return { status: result.status, stderr: result.stderr };
}

function headers(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return headers(path);
    return name.endsWith('.h') ? [path] : [];
  });
}

describe('esp32 Ethernet driver compile check', () => {
  it('compiles warning-free for the WT32-ETH01 defaults', () => {
    expect(compile([])).toEqual({ status: 0, stderr: '' });
  });

  it('compiles warning-free with no power pin and the clock driven by the ESP32', () => {
    expect(compile(['-DMODDEF_XSTCP_ETHERNET_POWER_PIN=-1', '-DMODDEF_XSTCP_ETHERNET_CLOCK_GPIO=17'])).toEqual({ status: 0, stderr: '' });
  });

  it('fails when a declaration the driver needs is missing', () => {
    // The same headers without esp_eth_transmit: the check really depends on them.
    const dir = mkdtempSync(join(tmpdir(), 'xstcp-esp32-check-'));
    try {
      cpSync(CHECK, dir, { recursive: true });
      const header = join(dir, 'esp_eth.h');
      const text = readFileSync(header, 'utf8');
      const without = text.replace(/^esp_err_t esp_eth_transmit\(.*$/m, '');
      expect(without).not.toBe(text);
      writeFileSync(header, without);
      const result = compile([], dir);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/implicit declaration of function 'esp_eth_transmit'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declares only functions the driver calls', () => {
    const driver = readFileSync(DRIVER, 'utf8');
    const declared = headers(CHECK).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^[A-Za-z_][\w\s*]*?\b(\w+)\s*\([^;{]*\)\s*;/gm)].map((m) => m[1]),
    );
    expect(declared.length).toBeGreaterThanOrEqual(20);
    const unused = declared.filter((name) => !new RegExp(`\\b${name}\\b`).test(driver));
    expect(unused).toEqual([]);
  });
});
