/**
 * Types of the native TAP addon (src/tap.c, src/writer.c), loaded by index.cjs. All calls
 * are synchronous; received frames arrive through `poll`'s callback on the event loop, and
 * a `writer`'s frames leave from a thread of the addon.
 */

export interface TapOpenResult {
  /** Non-blocking, close-on-exec fd of /dev/net/tun bound to the device. */
  fd: number;
  /** The device's actual name (the kernel picks one for '' or a pattern like 'tap%d'). */
  name: string;
}

/**
 * Called with a batch of frames (Uint8Array views of one ArrayBuffer per batch, at most the
 * batch limit, one read(2) each), or with
 * `frames` null and an error once the fd failed (e.g. the device was deleted); the
 * poller has stopped by then.
 */
export type TapFramesCallback = (frames: Uint8Array[] | null, error: Error | null) => void;

export interface TapPoller {
  /** Stops watching the fd (idempotent). The fd may be closed right after. */
  stop(): void;
  /** Lets the poll keep the process alive (the default). */
  ref(): void;
  /** Lets the process exit even while the poll is active. */
  unref(): void;
  /** False once stopped, by `stop()` or by an error. */
  isActive(): boolean;
}

/** System errors carry Node's usual fields: code 'EBUSY', errno -16, syscall 'ioctl(TUNSETIFF)'. */
export interface TapSystemError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

/**
 * Opens /dev/net/tun (O_RDWR | O_NONBLOCK | O_CLOEXEC) and binds it with TUNSETIFF
 * (IFF_TAP | IFF_NO_PI) to the named device in the calling process's network namespace,
 * creating it or attaching to an existing persistent one. Throws a TapSystemError
 * (EBUSY: another fd holds it; EINVAL: it is a TUN device or the name is invalid;
 * EPERM/EACCES: no CAP_NET_ADMIN; ENOENT: no /dev/net/tun) or a RangeError for names
 * longer than 15 bytes.
 */
export declare function open(name?: string): TapOpenResult;

/** One write(2) of one frame: bytes written, or -errno (-EAGAIN when the device refuses). */
export declare function write(fd: number, frame: Uint8Array): number;

/**
 * Writes every frame (one write(2) each) and returns how many succeeded. `results[i]`,
 * when given, receives frame i's bytes written or -errno.
 */
export declare function writeMany(fd: number, frames: readonly Uint8Array[], results?: Int32Array): number;

/**
 * The transmit thread: frames queued with `write` are copied into a ring of `slots` frames
 * (default 256, 1..65536) and written in order, one write(2) each, by a thread of the addon
 * on a dup of `fd`. `write` waits while the ring is full, returns false once stopped.
 * `counts()` gives [written, refused with EAGAIN, failed otherwise, still queued]. `stop()`
 * writes what is queued, ends the thread and closes the dup (idempotent); the environment's
 * teardown stops it too.
 */
export interface TapWriter {
  write(frame: Uint8Array): boolean;
  counts(): [number, number, number, number];
  stop(): void;
}

export declare function writer(fd: number, slots?: number): TapWriter;

/** close(2): 0 or -errno. Stop the poller first. */
export declare function close(fd: number): number;

/**
 * Watches `fd` with libuv; `batchLimit` (1..4096, default 64) frames per callback. If the
 * environment ends (worker terminated) while the poller is active, it closes `fd` too.
 */
export declare function poll(fd: number, callback: TapFramesCallback, batchLimit?: number): TapPoller;

export interface TapAddon {
  open: typeof open;
  write: typeof write;
  writeMany: typeof writeMany;
  writer: typeof writer;
  close: typeof close;
  poll: typeof poll;
}
