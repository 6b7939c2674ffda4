/// <reference path="../types/xs-host.d.ts" />
/**
 * Cost of one board's hot path per full-size segment on XS (scripted-transfer.ts):
 * allocations, measured with garbage collection off so that the growth of XS's chunk
 * bytes and slot count is exactly what the segments allocated, after a warm-up.
 *
 *   xstcp-xs dist/hosts/xs/ts/hotpath-bench.js --mode receive|send [--segments N] [--warmup N] [--measure alloc|none]
 *
 * Prints one JSON object on stdout. `--measure none` only moves the segments: callgrind
 * runs it at two sizes and subtracts, so start-up and set-up cancel (see bench/xs.ts).
 */
import { installXsAccelerators } from './accelerators.js';
import { ScriptedTransfer, type TransferMode } from './scripted-transfer.js';

function fail(message: string): void {
  xsHost.writeError(`hotpath-bench: ${message}\n`);
  xsHost.exit(2);
}

function intOption(args: readonly string[], name: string, fallback: number, max: number): number | undefined {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : undefined;
}

function main(args: readonly string[]): void {
  const modeAt = args.indexOf('--mode');
  const mode = modeAt >= 0 ? args[modeAt + 1] : 'receive';
  if (mode !== 'receive' && mode !== 'send') return fail(`--mode must be receive or send, not '${mode}'`);
  const segments = intOption(args, '--segments', 200, 1_000_000);
  const warmup = intOption(args, '--warmup', 200, 1_000_000);
  if (segments === undefined || segments < 1) return fail('--segments must be an integer 1..1000000');
  if (warmup === undefined) return fail('--warmup must be an integer 0..1000000');
  const measureAt = args.indexOf('--measure');
  const measure = measureAt >= 0 ? args[measureAt + 1] : 'alloc';
  if (measure !== 'alloc' && measure !== 'none') return fail(`--measure must be alloc or none, not '${measure}'`);
  installXsAccelerators();
  const transfer = new ScriptedTransfer(mode as TransferMode);
  transfer.prepare(warmup);
  let moved = { bytes: 0, segments: 0 };
  if (measure === 'none') {
    moved = transfer.run(segments);
    if (moved.segments < segments) return incomplete(moved.segments, segments);
    xsHost.write(`${JSON.stringify({ engine: 'xs', mode, segments: moved.segments, bytes: moved.bytes })}\n`);
    return;
  }
  const whole = allocations(() => {
    moved = transfer.run(segments);
  });
  if (moved.segments < segments) return incomplete(moved.segments, segments);
  // The interface layer alone (receive only): TCP replaced by a counting handler.
  let interfaceBytes = 0;
  if (mode === 'receive') transfer.isolateInterface();
  const layer = mode === 'receive' ? allocations(() => {
    interfaceBytes = transfer.runInterfaceOnly(segments);
  }) : undefined;
  if (layer !== undefined && interfaceBytes !== segments * 1460) return incomplete(Math.floor(interfaceBytes / 1460), segments);
  const per = (x: number) => Math.round((x / segments) * 100) / 100;
  xsHost.write(`${JSON.stringify({
    engine: 'xs', mode, segments: moved.segments, bytes: moved.bytes, slotSize: xsHost.memory().slotSize,
    slotsPerSegment: per(whole.slots), chunkBytesPerSegment: per(whole.chunkBytes),
    ...(layer === undefined ? {} : { interfaceSlotsPerFrame: per(layer.slots), interfaceChunkBytesPerFrame: per(layer.chunkBytes) }),
  })}\n`);
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

function incomplete(moved: number, wanted: number): void {
  xsHost.writeError(`hotpath-bench: only ${moved} of ${wanted} segments moved\n`);
  xsHost.exit(1);
}

main(xsHost.args);
