/**
 * What the firmware's C side (targets/firmware/natives.c, native_table.c) gives
 * JavaScript. Only the board program in targets/firmware/ts uses these.
 */
/** XS's figures as the XS host reports them (hosts/xs/types/xs-host.d.ts), plus the C heap. */
interface FwMemory extends XsHostMemory {
  /** malloc's heap: bytes taken from the region so far (its high-water mark) and the region's size. */
  heapUsed: number;
  heapSize: number;
  /** Bytes malloc has handed out and not had back (XS's blocks, the frame queue, ...). */
  heapInUse: number;
  /** The main (C) stack's deepest use since boot, in bytes. */
  stackPeak: number;
}

interface FwCpu {
  /** Nanoseconds since reset, of them asleep in the main loop, and until the board program was loaded. */
  totalNs: number;
  idleNs: number;
  bootNs: number;
  /** Times the main loop handed waiting frames to JavaScript. */
  deliveries: number;
}

interface FwNatives {
  readonly args: readonly string[];
  now(): number;
  setWake(atMs: number): void;
  write(text: string): void;
  exit(code: number): void;
  random32(): number;
  gc(): void;
  memory(): FwMemory;
  cpu(): FwCpu;
  /** Folded, non-inverted one's-complement sum of buf[start..end) plus initial (C). */
  checksum(buf: Uint8Array, start: number, end: number, initial: number): number;
  /** Set by JavaScript; called by the main loop. */
  onWake?: () => void;
  onCommand?: (line: string) => void;
}

declare var fw: FwNatives;
