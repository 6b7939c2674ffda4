/**
 * `npm run bench`: speed of the hot paths, each as the median of several runs and as a
 * ratio to a baseline measured in the same run (so machine noise largely cancels).
 * Prints the README's tables and writes them to bench/results.json.
 *
 *   npm run bench [-- --quick]   --quick: one run each and small transfers (CI: proves the
 *                                benchmarks run; its figures are not worth quoting)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { onesComplementSum } from '../src/net/wire/checksum.js';
import { parseTcp, emitTcp, TCP_ACK, TCP_PSH } from '../src/net/wire/tcp.js';
import { parseIpv4, emitIpv4Header, IPPROTO_TCP } from '../src/net/wire/ipv4.js';
import { measure, recorded, row, settings } from './harness.js';
import { runSimBenchmarks } from './sim.js';
import { runXsBenchmarks } from './xs.js';
import { measureXsHotPath, withXs17, xsHotPathTable } from './xs-hotpath.js';
import { FULL_SIZES, QUICK_SIZES, runTapBenchmarks, tapTable } from './tap.js';
import { runFirmwareBenchmarks } from './firmware.js';
import { callgrindTable, measureCallgrind, withBoards } from './callgrind.js';

const PAYLOAD = 1460;
const ITER = 20_000;

function codecBenchmarks(): string[] {
  const src = 0xc6120001;
  const dst = 0xc6120002;
  const payload = new Uint8Array(PAYLOAD).map((_, i) => i & 0xff);
  const packet = new Uint8Array(20 + 20 + PAYLOAD);
  const segLen = emitTcp({ srcPort: 80, dstPort: 49152, seq: 1, ack: 1, flags: TCP_ACK | TCP_PSH, window: 1460, urgent: 0, options: {} }, payload, src, dst, packet, 20);
  emitIpv4Header({ src, dst, protocol: IPPROTO_TCP, ttl: 64, tos: 0, ident: 1 }, segLen, packet, 0);
  const out = new Uint8Array(packet.length);

  // Baseline: a textbook RFC 1071 loop (16-bit words, fold at the end), what a plain port would do.
  const naive = measure('textbook checksum 1480 B', 'B', () => {
    let s = 0;
    for (let i = 0; i < ITER; i++) {
      let acc = 0;
      for (let j = 20; j + 1 < packet.length; j += 2) acc += (packet[j] << 8) | packet[j + 1];
      while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16);
      s ^= acc;
    }
    if (s === -1) throw new Error('unreachable');
    return ITER * (packet.length - 20);
  });
  const sum = measure('checksum 1480 B', 'B', () => {
    let s = 0;
    for (let i = 0; i < ITER; i++) s ^= onesComplementSum(packet, 20, packet.length, 0);
    if (s === -1) throw new Error('unreachable');
    return ITER * (packet.length - 20);
  });
  const parse = measure('parse IPv4+TCP (checksummed)', 'B', () => {
    for (let i = 0; i < ITER; i++) {
      const ip = parseIpv4(packet);
      if (typeof ip === 'string') throw new Error(ip);
      const tcp = parseTcp(ip.payload, ip.src, ip.dst, true);
      if (typeof tcp === 'string') throw new Error(tcp);
    }
    return ITER * packet.length;
  });
  const emit = measure('emit TCP 1460 B (checksummed)', 'B', () => {
    for (let i = 0; i < ITER; i++) {
      emitTcp({ srcPort: 80, dstPort: 49152, seq: i, ack: 1, flags: TCP_ACK, window: 1460, urgent: 0, options: {} }, payload, src, dst, out, 20);
    }
    return ITER * (20 + PAYLOAD);
  });
  return ['| benchmark | median | ratio |', '|---|---|---|', row(naive), row(sum, naive), row(parse, naive), row(emit, naive)];
}

const unknown = process.argv.slice(2).filter((a) => a !== '--quick');
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown argument ${unknown[0]} (usage: npm run bench [-- --quick])\n`);
  process.exit(2);
}
settings.quick = process.argv.includes('--quick');
const xsHotPath = await withXs17(measureXsHotPath());
const tables = [codecBenchmarks(), runSimBenchmarks(), runXsBenchmarks(), xsHotPathTable(xsHotPath)];
const tap = await runTapBenchmarks(settings.quick ? QUICK_SIZES : FULL_SIZES);
tables.push(typeof tap === 'string' ? [`(${tap})`] : tapTable(tap));
// The firmware figures take minutes of emulation (instruction counts over two transfer sizes).
tables.push(settings.quick ? ['(firmware benchmarks: only without --quick)'] : await runFirmwareBenchmarks());
// Instructions per segment on the XS host: two callgrind runs of a few minutes each.
const callgrind = settings.quick ? 'only without --quick' : withBoards(measureCallgrind(), xsHotPath);
tables.push(callgrindTable(callgrind));
process.stdout.write(`${tables.map((t) => t.join('\n')).join('\n\n')}\n`);
const results = {
  date: new Date().toISOString(),
  quick: settings.quick,
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  rows: recorded,
  tap: typeof tap === 'string' ? { skipped: tap } : tap,
  xsHotPath: typeof xsHotPath === 'string' ? { skipped: xsHotPath } : xsHotPath,
  xsCallgrind: typeof callgrind === 'string' ? { skipped: callgrind } : callgrind,
};
// A --quick run (CI) leaves the committed full results alone.
const file = settings.quick ? 'build/bench/results-quick.json' : 'bench/results.json';
mkdirSync('build/bench', { recursive: true });
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`results: ${file}\n`);
