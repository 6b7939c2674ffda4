#!/usr/bin/env node
/**
 * Writes the configuration block of the Nucleo-F767ZI image (format: config_block.h) for
 * flash sector 1, so that a board's address, MAC and apps change without rebuilding or
 * reflashing the code. The flags are those of `xstcp board` (checked with its parser;
 * --tap, --engine, --pcap and --xsbug belong to the PC and are refused); --heap-kb N caps
 * the firmware's heap (the firmware's own option, written before the board flags).
 *
 *   node targets/stm32/config-block.mjs --out config.bin [--heap-kb N] -- --ip 192.0.2.10/24 --mac 02:12:34:56:78:9a
 *   then write config.bin at 0x08008000, e.g. st-flash write config.bin 0x08008000
 *
 * Exit 2 with a message for bad flags.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONFIG_ADDRESS = 0x08008000;
const MAGIC = 0x67666378; // "xcfg"
const HEADER = 12;
const SECTOR_SIZE = 32768;
const HOST_ONLY = ['--tap', '--engine', '--pcap', '--xsbug'];

function fnv1a(bytes) {
  let hash = 0x811c9dc5;
  for (const b of bytes) hash = Math.imul(hash ^ b, 0x01000193) >>> 0;
  return hash;
}

/** The block for a configuration line (first word: the program name, as argv[0]). */
export function configBlock(line) {
  const text = Buffer.from(line, 'utf8');
  if (text.length > SECTOR_SIZE - HEADER) throw new Error(`the configuration is ${text.length} bytes; a block holds ${SECTOR_SIZE - HEADER}`);
  const block = Buffer.alloc(HEADER + text.length);
  block.writeUInt32LE(MAGIC, 0);
  block.writeUInt32LE(text.length, 4);
  block.writeUInt32LE(fnv1a(text), 8);
  text.copy(block, HEADER);
  return block;
}

/** Checks board flags with the CLI's own parser; returns an error message or undefined. */
export async function checkBoardFlags(flags) {
  const hostFlag = flags.find((f) => HOST_ONLY.includes(f.split('=')[0]));
  if (hostFlag) return `${hostFlag.split('=')[0]} is for the PC, not the board`;
  if (flags.some((f) => /\s/.test(f) || f.length === 0)) return 'flags and values cannot contain spaces (the firmware splits the line on spaces)';
  let parseArgs;
  try {
    ({ parseArgs } = await import(pathToFileURL(join(repoRoot, 'dist', 'hosts', 'common', 'cli-args.js')).href));
  } catch {
    return 'dist/ is missing: run npm run build first';
  }
  const parsed = parseArgs(['board', '--tap', 'eth0', ...flags]);
  return parsed.ok ? undefined : parsed.error;
}

async function main(argv) {
  const usage = 'usage: node targets/stm32/config-block.mjs --out FILE [--heap-kb N] -- BOARD-FLAGS...';
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const flags = dash < 0 ? [] : argv.slice(dash + 1);
  let out;
  let heapKb;
  let bad = false;
  for (let i = 0; i < own.length && !bad; i += 2) {
    if (own[i] === '--out' && out === undefined && i + 1 < own.length) out = own[i + 1];
    else if (own[i] === '--heap-kb' && heapKb === undefined && /^[1-9]\d{0,5}$/.test(own[i + 1] ?? '')) heapKb = own[i + 1];
    else bad = true;
  }
  if (bad || out === undefined || flags.length === 0) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const error = await checkBoardFlags(flags);
  if (error) {
    process.stderr.write(`xstcp: ${error}\n${usage}\n`);
    return 2;
  }
  const firmware = heapKb === undefined ? [] : ['--heap-kb', heapKb, '--'];
  const block = configBlock(['xstcp', ...firmware, ...flags].join(' '));
  writeFileSync(out, block);
  process.stdout.write(`${out}: ${block.length} bytes; write it at 0x${CONFIG_ADDRESS.toString(16).padStart(8, '0')} (flash sector 1)\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
