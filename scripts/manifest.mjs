#!/usr/bin/env node
// Writes manifest.json: the Moddable manifest listing every module of src/ under the
// specifier "xstcp/<path>", so a Moddable project can include this one and import
// e.g. "xstcp/stack", the ECMA-419 socket modules under their standard specifiers (through
// the entries in src/io/embedded/), and the native Ethernet module "xstcp/ethernet"
// (targets/) with the driver of each platform that has one. `node scripts/manifest.mjs
// --check` exits 1 when the file is stale.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// XS stack slots (creation.stack): a stock ESP32 target's 512. A board serving the kernel
// peaks at 413 on XS 17 (README "Moddable"); the two-board simulation, whose simulated LAN
// nests one board's input inside the other's output, states more in its own manifest.
const STACK_SLOTS = 512;

function modules(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...modules(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(relative(join(root, 'src'), path).replace(/\.ts$/, ''));
  }
  return out.sort();
}

/** ECMA-419 specifiers served by xstcp's sockets. */
const EMBEDDED = ['io/socket/tcp', 'io/socket/listener'];
// The C core every platform links (frame queue, device helpers, the class's host functions).
const ETHERNET_CORE = [
  './targets/common/ethernet_xs', './targets/common/xstcp_ethernet', './targets/common/xstcp_frame_queue',
  // The stack's byte helpers (checksum, copies), bound for src/net/wire/natives.ts.
  './targets/common/bytes_xs', './targets/common/xstcp_bytes', './targets/common/xstcp_headers',
];
// Per platform: its driver and the glue that wakes the VM (the C files of targets/<platform>).
const ETHERNET_PLATFORMS = {
  lin: ['./targets/lin/ethernet_tap', './targets/lin/ethernet_moddable'],
  esp32: ['./targets/esp32/ethernet_esp32'],
};

const manifest = {
  include: ['$(MODDABLE)/examples/manifest_base.json'],
  // What the stack needs of the XS machine (README "Moddable": measured call depth).
  creation: { stack: STACK_SLOTS },
  modules: Object.fromEntries([
    ...modules(join(root, 'src')).map((m) => [`xstcp/${m}`, `./src/${m}`]),
    ...EMBEDDED.map((m) => [`embedded:${m}`, `./src/io/embedded/${m.slice(m.lastIndexOf('/') + 1)}`]),
  ]),
  preload: ['xstcp/*'],
  platforms: Object.fromEntries(Object.entries(ETHERNET_PLATFORMS).map(([platform, files]) => [
    platform,
    { modules: { 'xstcp/ethernet': './targets/common/ethernet', '*': [...ETHERNET_CORE, ...files] } },
  ])),
};
const text = `${JSON.stringify(manifest, null, 2)}\n`;
const file = join(root, 'manifest.json');
if (process.argv.includes('--check')) {
  let current = '';
  try { current = readFileSync(file, 'utf8'); } catch { /* missing */ }
  if (current !== text) {
    process.stderr.write('manifest.json is stale: run node scripts/manifest.mjs\n');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
}
