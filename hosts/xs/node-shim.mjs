#!/usr/bin/env node
/**
 * Runs an XS-host entry module (compiled from hosts/xs/ts) on Node: supplies the part of
 * `xsHost` that engine-neutral entries use (args, write, writeError, writeFile, exit,
 * now) and nothing native, so the stack computes checksums in JavaScript.
 *
 *   node hosts/xs/node-shim.mjs ENTRY.js [ARGS...]
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node hosts/xs/node-shim.mjs ENTRY.js [ARGS...]\n');
  process.exit(2);
}
globalThis.xsHost = {
  engine: 'v8',
  debug: false,
  memoryFlag: false,
  args,
  now: () => performance.now(),
  write: (text) => process.stdout.write(text),
  writeError: (text) => process.stderr.write(text),
  writeFile: (path, data) => writeFileSync(path, typeof data === 'string' ? data : new Uint8Array(data.buffer ?? data, data.byteOffset ?? 0, data.byteLength)),
  exit: (code) => {
    process.exitCode = code;
  },
};
globalThis.print = (...values) => process.stdout.write(`${values.join(' ')}\n`);
await import(pathToFileURL(resolve(entry)).href);
