/**
 * What a board holds, as figures that must come back to their idle values once traffic is
 * over: socket states, armed deadlines, send-buffer bytes, held out-of-order segments,
 * queued cookie clients, ARP entries, a pending RST. The hostile tests compare them before
 * and after floods and connection cycles (a leak check that can fail); `xstcp board` prints
 * them with the host's pending timers (and on XS its heap) on SIGUSR2. Read-only: it looks
 * into the TCP core, which has no public accessor for these.
 */
import type { TcpCore } from '../../src/net/tcp/core.js';
import { tcpStateName } from '../../src/net/tcp/types.js';
import type { Stack } from '../../src/stack.js';

export const tcpCore = (stack: Stack): TcpCore => (stack.tcp as unknown as { core: TcpCore }).core;

export interface StackFigures {
  states: Record<string, number>;
  deadlines: number;
  txBytes: number;
  held: number;
  backlog: number;
  arp: number;
  pendingReset: boolean;
}

export function stackFigures(stack: Stack): StackFigures {
  const c = tcpCore(stack);
  const states: Record<string, number> = {};
  let deadlines = 0;
  let txBytes = 0;
  let held = 0;
  for (const s of c.sockets) {
    const name = tcpStateName(s.state);
    states[name] = (states[name] ?? 0) + 1;
    if (s.nextDeadline() !== undefined) deadlines++;
    txBytes += s.tx?.buffer.length ?? 0;
    held += (s.reassembly as unknown as { count?: number } | undefined)?.count ?? 0;
  }
  return { states, deadlines, txBytes, held, backlog: c.synBacklog.length, arp: stack.net.arp.list().length, pendingReset: c.out.pendingReset !== undefined };
}

/**
 * The board's `figures` line: `figures {"states":...,"timers":N[,"memory":{...}]}` —
 * the stack's figures, the host clock's pending timers and whatever heap figures the
 * host has (XS: chunk and slot bytes in use after a collection).
 */
export function figuresLine(stack: Stack, pendingTimers: number, memory?: Record<string, number>): string {
  return `figures ${JSON.stringify({ ...stackFigures(stack), timers: pendingTimers, ...(memory !== undefined ? { memory } : {}) })}`;
}
