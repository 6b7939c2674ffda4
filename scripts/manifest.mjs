#!/usr/bin/env node
// Writes manifest.json: the Moddable manifest listing every module of src/ under the
// specifier "xstcp/<path>", so a Moddable project can include this one and import
// e.g. "xstcp/stack", and the ECMA-419 socket modules under their standard specifiers
// (through the entries in src/io/embedded/). `node scripts/manifest.mjs --check` exits 1
// when the file is stale.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

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

const manifest = {
  include: ['$(MODDABLE)/examples/manifest_base.json'],
  modules: Object.fromEntries([
    ...modules(join(root, 'src')).map((m) => [`xstcp/${m}`, `./src/${m}`]),
    ...EMBEDDED.map((m) => [`embedded:${m}`, `./src/io/embedded/${m.slice(m.lastIndexOf('/') + 1)}`]),
  ]),
  preload: ['xstcp/*'],
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
