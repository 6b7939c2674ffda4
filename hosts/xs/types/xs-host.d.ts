/**
 * What the xstcp XS host (hosts/xs/src/host.c, memory.c) gives JavaScript, and
 * the bare modules of hosts/xs/modules. Only code that runs on the XS host uses these.
 */
interface XsHostMemory {
  /** Chunk bytes in use (strings, buffers, byte code...) and their peak. */
  chunks: number;
  chunksPeak: number;
  chunksReserved: number;
  /** Slots in use (values, properties, object headers) and their peak; each is slotSize bytes. */
  slots: number;
  slotsPeak: number;
  slotsReserved: number;
  slotSize: number;
}

interface XsHostNatives {
  readonly engine: 'xs';
  /** True in the mxDebug build (xsbug, `debugger;`). */
  readonly debug: boolean;
  /** True when the host was started with --memory. */
  readonly memoryFlag: boolean;
  /** The arguments after the entry module on the host's command line. */
  readonly args: readonly string[];
  now(): number;
  randomU32(): number;
  checksum(buf: Uint8Array, start: number, end: number, initial: number): number;
  copy(dst: Uint8Array, dstOffset: number, src: Uint8Array, srcStart: number, srcEnd: number): number;
  write(text: string): void;
  writeError(text: string): void;
  writeFile(path: string, data: string | Uint8Array | ArrayBuffer): void;
  fileCreate(path: string): number;
  fileWrite(fd: number, data: Uint8Array): boolean;
  fileClose(fd: number): void;
  setWake(atMs: number): void;
  watch(fd: number): void;
  unwatch(fd: number): void;
  exit(code: number): void;
  gc(): void;
  memory(): XsHostMemory;
  /** Garbage collection on (the default) or off: off, memory() growth counts allocations. */
  collection(on: boolean): void;
  /** Set by JavaScript; called by the event loop. */
  onWake?: () => void;
  onReadable?: (fd: number) => void;
  /** SIGINT, SIGTERM or SIGUSR2 arrived (its number); without a handler the loop ends. */
  onSignal?: (signal: number) => void;
}

declare var xsHost: XsHostNatives;
declare function print(...values: unknown[]): void;
declare function trace(...values: unknown[]): void;

declare module 'timer' {
  export interface TimerHandle {
    readonly __timer: unique symbol;
  }
  export default class Timer {
    static set(callback: (timer: TimerHandle) => void, interval?: number, repeat?: number): TimerHandle;
    static repeat(callback: (timer: TimerHandle) => void, interval: number): TimerHandle;
    static schedule(timer: TimerHandle, interval?: number, repeat?: number): void;
    static clear(timer: TimerHandle | undefined | null): void;
  }
}

declare module 'time' {
  export default class Time {
    static readonly ticks: number;
    static delta(start: number, end?: number): number;
  }
}
