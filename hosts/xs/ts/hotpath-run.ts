/**
 * The hot-path bench's transfer, shared by every engine that runs it: the XS host
 * (hotpath-bench.ts, options from its command line) and Moddable's XS 17 in the
 * simulator (moddable/hotpath, options from mcconfig's config). Both check their options
 * here and move the segments here, so the two engines' figures count the same work.
 */
import { ScriptedTransfer, type TransferMode } from './scripted-transfer.js';

/** Payload bytes of a full-size segment (the scripted peer's MSS). */
export const HOTPATH_MSS = 1460;
const MAX_SEGMENTS = 1_000_000;

export interface HotPathOptions {
  mode: TransferMode;
  /** Segments moved inside the measured run. */
  segments: number;
  /** Segments moved before it (past slow start, caches warm). */
  warmup: number;
}

/** What one run moved. */
export interface HotPathMoved {
  mode: TransferMode;
  segments: number;
  bytes: number;
}

/** Absent (undefined) gives `fallback`; anything but an integer 0..MAX_SEGMENTS gives undefined. */
function count(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value)) return undefined;
  const n = Number(value);
  return n <= MAX_SEGMENTS ? n : undefined;
}

/**
 * Checks the options, each looked up by name (`mode`, `segments`, `warmup`; undefined
 * when not given); a string says what is wrong.
 */
export function hotPathOptions(option: (name: string) => string | undefined): HotPathOptions | string {
  const mode = option('mode') ?? 'receive';
  if (mode !== 'receive' && mode !== 'send') return `--mode must be receive or send, not '${mode}'`;
  const segments = count(option('segments'), 200);
  if (segments === undefined || segments < 1) return `--segments must be an integer 1..${MAX_SEGMENTS}`;
  const warmup = count(option('warmup'), 200);
  if (warmup === undefined) return `--warmup must be an integer 0..${MAX_SEGMENTS}`;
  return { mode, segments, warmup };
}

/** Connects a board to its scripted peer and moves `warmup` segments. */
export function preparedTransfer(options: HotPathOptions): ScriptedTransfer {
  const transfer = new ScriptedTransfer(options.mode);
  transfer.prepare(options.warmup);
  return transfer;
}

/**
 * Moves `options.segments` full-size segments through a prepared transfer, the run
 * itself inside `measured` (which calls what it is given once: a profiler's marker on
 * Moddable). A string when fewer segments moved than asked.
 */
export function moveSegments(transfer: ScriptedTransfer, options: HotPathOptions, measured: (run: () => void) => void): HotPathMoved | string {
  let bytes = 0;
  measured(() => {
    bytes = transfer.run(options.segments);
  });
  if (bytes < options.segments * HOTPATH_MSS) return shortfall(bytes, options.segments);
  return { mode: options.mode, segments: Math.floor(bytes / HOTPATH_MSS), bytes };
}

/** The message for a run that moved `bytes` where `wanted` full-size segments were asked for. */
export function shortfall(bytes: number, wanted: number): string {
  return `only ${Math.floor(bytes / HOTPATH_MSS)} of ${wanted} segments moved`;
}
