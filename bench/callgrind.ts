/**
 * x86 instructions per TCP data segment on the XS host (release build), counted by
 * valgrind's callgrind over the two-board simulation on a clean LAN (the `bulk` and
 * `bulk2x` scenarios: HTTP download, echo, discard and chargen, 200 kB and 400 kB each).
 * The two runs are subtracted, so start-up, connection set-up and requests cancel; what
 * remains is divided by the extra data segments in the capture (both boards' work, sender
 * and receiver together) and by the extra payload bytes.
 *
 * The two boards share one process there, so callgrind cannot tell their work apart; the
 * sending and the receiving board are counted apart by bench/xs-hotpath.ts (each board
 * alone against a scripted peer that does almost nothing per segment, two transfer sizes
 * subtracted too; also on Moddable's XS 17 where $MODDABLE is set), and `withBoards`
 * puts those figures beside these.
 *
 * Skipped with a note when valgrind or the XS host is missing. Takes minutes: full runs only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPcap } from '../hosts/common/pcap.js';

const ROOT = process.cwd();
const XS = join(ROOT, 'build', 'xs', 'release', 'xstcp-xs');
const SCENARIO = join(ROOT, 'dist', 'hosts', 'xs', 'ts', 'scenario-entry.js');
const OUT = join(ROOT, 'build', 'bench');

export interface CallgrindResult {
  instructionsPerSegment: number;
  instructionsPerByte: number;
  segments: number;
  bytes: number;
  /** Each board alone (bench/xs-hotpath.ts), per full-size segment; absent when not measured. */
  sendingBoardPerSegment?: number;
  receivingBoardPerSegment?: number;
  /** The same on Moddable's XS 17 (release, mcsim), where $MODDABLE is set. */
  xs17SendingBoardPerSegment?: number;
  xs17ReceivingBoardPerSegment?: number;
}

/** The goals per full-size segment (issue 12): the XS host, x86 instructions. */
export const SENDING_GOAL = 100_000;
export const RECEIVING_GOAL = 60_000;

/** Adds each board's own figure from the hot-path runs, when callgrind counted them. */
export function withBoards(
  r: CallgrindResult | string,
  boards: readonly { mode: string; instructionsPerSegment?: number; xs17InstructionsPerSegment?: number }[] | string,
): CallgrindResult | string {
  if (typeof r === 'string' || typeof boards === 'string') return r;
  const of = (mode: string) => boards.find((b) => b.mode === mode);
  return {
    ...r,
    sendingBoardPerSegment: of('send')?.instructionsPerSegment,
    receivingBoardPerSegment: of('receive')?.instructionsPerSegment,
    xs17SendingBoardPerSegment: of('send')?.xs17InstructionsPerSegment,
    xs17ReceivingBoardPerSegment: of('receive')?.xs17InstructionsPerSegment,
  };
}

/** Data segments and payload bytes in an Ethernet capture (IPv4, TCP, payload > 0). */
export function dataSegments(pcap: Uint8Array): { segments: number; bytes: number } {
  let segments = 0;
  let bytes = 0;
  for (const r of readPcap(pcap)) {
    const f = r.frame;
    if (f.length < 34 || f[12] !== 0x08 || f[13] !== 0x00 || f[23] !== 6) continue;
    const ipHeader = (f[14] & 0x0f) * 4;
    const ipLength = (f[16] << 8) | f[17];
    const tcpHeader = (f[14 + ipHeader + 12] >> 4) * 4;
    const payload = ipLength - ipHeader - tcpHeader;
    if (payload > 0) {
      segments++;
      bytes += payload;
    }
  }
  return { segments, bytes };
}

function countRun(scenario: string): { ir: number; segments: number; bytes: number } {
  const pcapFile = join(OUT, `callgrind-${scenario}.pcap`);
  const outFile = join(OUT, `callgrind-${scenario}.out`);
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${outFile}`, XS, SCENARIO,
    '--scenario', scenario, '--seed', '1', '--trace', '/dev/null', '--pcap', pcapFile], { encoding: 'utf8' });
  const collected = /Collected : (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || collected === null) throw new Error(`callgrind ${scenario} failed: ${(r.stderr ?? '').slice(-400)}`);
  return { ir: Number(collected[1]), ...dataSegments(new Uint8Array(readFileSync(pcapFile))) };
}

/** Runs both sizes under callgrind; a string says why nothing was measured. */
export function measureCallgrind(): CallgrindResult | string {
  if (spawnSync('valgrind', ['--version']).status !== 0) return 'valgrind is not installed';
  if (!existsSync(XS) || !existsSync(SCENARIO)) return 'the XS host is not built (npm run build:xs, npm run build)';
  mkdirSync(OUT, { recursive: true });
  const small = countRun('bulk');
  const large = countRun('bulk2x');
  const ir = large.ir - small.ir;
  const segments = large.segments - small.segments;
  const bytes = large.bytes - small.bytes;
  return { instructionsPerSegment: ir / segments, instructionsPerByte: ir / bytes, segments, bytes };
}

export function callgrindTable(r: CallgrindResult | string): string[] {
  if (typeof r === 'string') return [`(callgrind figures skipped: ${r})`];
  return [
    '| XS host, callgrind, two-board bulk simulation (400 kB − 200 kB per service) | figure |',
    '|---|---|',
    `| x86 instructions per data segment (sender + receiver) | ${Math.round(r.instructionsPerSegment)} |`,
    `| x86 instructions per payload byte | ${r.instructionsPerByte.toFixed(0)} |`,
    `| data segments / payload bytes in the difference | ${r.segments} / ${r.bytes} |`,
    board('sending board alone (chargen to a scripted peer, 1000 − 200 segments)', r.sendingBoardPerSegment, SENDING_GOAL),
    board('receiving board alone (a scripted peer into discard, 1000 − 200 segments)', r.receivingBoardPerSegment, RECEIVING_GOAL),
    board('sending board alone on Moddable\'s XS 17 (release, mcsim; the same runs)', r.xs17SendingBoardPerSegment, SENDING_GOAL),
    board('receiving board alone on Moddable\'s XS 17 (release, mcsim; the same runs)', r.xs17ReceivingBoardPerSegment, RECEIVING_GOAL),
  ];
}

function board(what: string, n: number | undefined, goal: number): string {
  if (n === undefined) return `| ${what} | (not measured) |`;
  return `| ${what} | ${Math.round(n)} (${(n / goal).toFixed(1)} × the goal of ${goal.toLocaleString('en-US')}) |`;
}
