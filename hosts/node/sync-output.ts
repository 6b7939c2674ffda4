/**
 * Output of the board's trace and log lines on Node, written synchronously as the XS host
 * writes them. Node's process.stdout/stderr queue in memory whatever a pipe does not take
 * at once (measured: 100 MB pending for 100,000 lines to a reader that sleeps), so a
 * traced board under a flood could grow without bound; here a full pipe makes the writer
 * wait instead, as it does on XS. Node may have put the descriptor in non-blocking mode:
 * EAGAIN is waited out in 1 ms sleeps.
 */
import { writeSync } from 'node:fs';

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const encoder = new TextEncoder();

/** Writes all of `text` to `fd` before returning; other errors (a closed reader) are thrown. */
export function writeAllSync(fd: number, text: string): void {
  const bytes = encoder.encode(text);
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}

/** A line writer for `fd` that never queues in memory; a reader that went away ends the output silently. */
export function syncLineWriter(fd: number): (line: string) => void {
  let broken = false;
  return (line) => {
    if (broken) return;
    try {
      writeAllSync(fd, `${line}\n`);
    } catch {
      broken = true;
    }
  };
}
