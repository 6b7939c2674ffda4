/// <reference path="../types/xs-host.d.ts" />
/**
 * Cost of one board's hot path per full-size segment on XS (scripted-transfer.ts):
 * allocations, measured with garbage collection off so that the growth of XS's chunk
 * bytes and slot count is exactly what the segments allocated, after a warm-up. Each
 * figure is the difference between a run of N segments and one of N/2, so that what a
 * run costs once (its result object, the measuring itself) cancels: steady state.
 *
 *   xstcp-xs dist/hosts/xs/ts/hotpath-bench.js --mode receive|send [--segments N] [--warmup N] [--measure alloc|none]
 *
 * Prints one JSON object on stdout. `--measure none` only moves the segments: callgrind
 * runs it at two sizes and subtracts, so start-up and set-up cancel (see bench/xs.ts).
 */
import { installXsAccelerators } from './accelerators.js';
import { HOTPATH_MSS as MSS, hotPathOptions, moveSegments, preparedTransfer, shortfall } from './hotpath-run.js';

function fail(message: string): void {
  xsHost.writeError(`hotpath-bench: ${message}\n`);
  xsHost.exit(2);
}

function main(args: readonly string[]): void {
  const options = hotPathOptions((name) => {
    const i = args.indexOf(`--${name}`);
    return i < 0 ? undefined : (args[i + 1] ?? '');
  });
  if (typeof options === 'string') return fail(options);
  const { mode, segments } = options;
  const measureAt = args.indexOf('--measure');
  const measure = measureAt >= 0 ? args[measureAt + 1] : 'alloc';
  if (measure !== 'alloc' && measure !== 'none') return fail(`--measure must be alloc or none, not '${measure}'`);
  if (measure === 'alloc' && segments < 2) return fail('--segments must be at least 2 to count allocations (two runs are subtracted)');
  installXsAccelerators();
  const transfer = preparedTransfer(options);
  if (measure === 'none') {
    const moved = moveSegments(transfer, options, (run) => run());
    if (typeof moved === 'string') return incomplete(moved);
    xsHost.write(`${JSON.stringify({ engine: 'xs', ...moved })}\n`);
    return;
  }
  // Once for nothing: the first measurement makes what measuring needs (property names).
  allocations(() => undefined);
  const board = steadyState((n) => transfer.run(n), segments);
  if (board.bytes < segments * MSS) return incomplete(shortfall(board.bytes, segments));
  // The interface layer alone (receive only): TCP replaced by a counting handler.
  let layer: SteadyState | undefined;
  if (mode === 'receive') {
    transfer.isolateInterface();
    layer = steadyState((n) => transfer.runInterfaceOnly(n), segments);
    if (layer.bytes !== segments * MSS) return incomplete(shortfall(layer.bytes, segments));
  }
  xsHost.write(`${JSON.stringify({
    engine: 'xs', mode, segments: Math.floor(board.bytes / MSS), bytes: board.bytes, slotSize: xsHost.memory().slotSize,
    slotsPerSegment: board.slots, chunkBytesPerSegment: board.chunkBytes,
    ...(layer === undefined ? {} : { interfaceSlotsPerFrame: layer.slots, interfaceChunkBytesPerFrame: layer.chunkBytes }),
  })}\n`);
}

interface SteadyState extends Allocated {
  /** Payload bytes the longer run moved. */
  bytes: number;
}

/**
 * Allocations per full-size segment (two decimals) of `run` (which moves n segments and
 * returns the payload bytes moved): a run of `segments` minus one of half as many, so
 * that what a run costs once cancels. `bytes` is short when a run fell short.
 */
function steadyState(run: (n: number) => number, segments: number): SteadyState {
  const half = Math.max(1, Math.floor(segments / 2));
  let bytesHalf = 0;
  let bytes = 0;
  const small = allocations(() => {
    bytesHalf = run(half);
  });
  const large = allocations(() => {
    bytes = run(segments);
  });
  if (bytesHalf < half * MSS) return { slots: 0, chunkBytes: 0, bytes: Math.min(bytes, bytesHalf) };
  const extra = (bytes - bytesHalf) / MSS;
  const per = (x: number) => Math.round((x / extra) * 100) / 100;
  return { slots: per(large.slots - small.slots), chunkBytes: per(large.chunkBytes - small.chunkBytes), bytes };
}

interface Allocated {
  slots: number;
  chunkBytes: number;
}

/** Slots and chunk bytes `fn` allocated, collection off; what measuring itself costs is subtracted. */
function allocations(fn: () => void): Allocated {
  const raw = (f: () => void): Allocated => {
    xsHost.gc();
    xsHost.collection(false);
    const before = xsHost.memory();
    f();
    const after = xsHost.memory();
    xsHost.collection(true);
    return { slots: after.slots - before.slots, chunkBytes: after.chunks - before.chunks };
  };
  const idle = raw(() => undefined);
  const used = raw(fn);
  return { slots: used.slots - idle.slots, chunkBytes: used.chunkBytes - idle.chunkBytes };
}

function incomplete(message: string): void {
  xsHost.writeError(`hotpath-bench: ${message}\n`);
  xsHost.exit(1);
}

main(xsHost.args);
